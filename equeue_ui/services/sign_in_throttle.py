"""Throttling sign-ins and registrations so they hold under parallel tries and cannot be
turned against the people they protect.

- An attempt is counted *before* the password is verified, in one transaction that locks the
  counters it checks: forty parallel tries cannot all slip under the limit.
- Wrong passwords for one account are throttled per (account, address) with growing delays,
  not by locking the account: someone guessing from elsewhere does not lock the owner out. A
  browser that signed in to the account before (its device cookie) has counters of its own, so
  not even a classmate behind the same campus NAT can hold the owner up on their own device.
- Per address, a failure limit high enough for a whole campus behind one NAT, low enough to stop
  trying one password on many accounts. IPv6 addresses count per /64 (one subscriber's network).
- Registrations are counted per address too.
"""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import SignInThrottle
from db.types import utcnow
from equeue_ui.errors import RateLimitedError
from equeue_ui.i18n import Msg, msg_n
from equeue_ui.services.uow import unit_of_work
from equeue_ui.services.validation import scrub

# Failures of one account from one place that cost nothing; after them the next try waits
# FIRST_DELAY, and each further failure doubles the wait, up to MAX_DELAY.
FREE_FAILURES = 5
FIRST_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(minutes=15)
# An account's counter from one place starts again a day after its first failure (or at the
# first right password): about a hundred guesses a day, as NIST SP 800-63B asks at most.
ACCOUNT_WINDOW = timedelta(days=1)
ADDRESS_WINDOW = timedelta(minutes=15)
# A campus of thousands behind one address mistypes far less than this in 15 minutes; trying
# one password on many accounts needs far more.
MAX_FAILURES_PER_ADDRESS = 100
REGISTRATION_WINDOW = timedelta(hours=1)
# A whole study group registering at its first lab, from one classroom network, fits.
MAX_REGISTRATIONS_PER_ADDRESS = 50
KEY_LENGTH = 255


@dataclass(frozen=True)
class TrustedDevice:
    """A browser that signed in to ``user_id`` before (from its signed device cookie)."""

    user_id: int
    device_id: str


@dataclass(frozen=True)
class Reservation:
    """An attempt already counted as a failure; :func:`forgive` or :func:`cancel` settles it."""

    account_key: str
    address_key: str | None


def delay_after(failures: int) -> timedelta:
    """How long the next try waits after ``failures`` consecutive failures."""
    if failures < FREE_FAILURES:
        return timedelta(0)
    return min(FIRST_DELAY * 2 ** (failures - FREE_FAILURES), MAX_DELAY)


def network_of(address: str) -> str:
    """The part of an address that names one subscriber: IPv4 as it is, IPv6 per /64."""
    try:
        parsed = ipaddress.ip_address(address.strip())
    except ValueError:
        return ""
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


async def reserve_sign_in(
    account: str, address: str, *, device: TrustedDevice | None = None
) -> Reservation:
    """Count a sign-in attempt for ``account`` (a lower-case username or eCourses key) from
    ``address`` before it is checked; refused while the account's wait runs from here, or when
    this address failed too often. A trusted device is throttled only by its own counter."""
    network = network_of(address)
    if device is not None:
        account_key = f"device:{device.user_id}:{device.device_id}"
        address_key = None
    else:
        account_key = f"account:{scrub(account).lower()}|{network or '-'}"
        address_key = f"address:{network}" if network else None
    now = utcnow()
    async with unit_of_work() as uow:
        keys = [_key(account_key)] + ([_key(address_key)] if address_key else [])
        rows = await _locked(uow.session, keys, now, uow.is_sqlite)
        account_row = rows[_key(account_key)]
        _restart_if_over(account_row, ACCOUNT_WINDOW, now)
        if account_row.blocked_until is not None and account_row.blocked_until > now:
            raise RateLimitedError(_wait_message(account_row.blocked_until - now))
        if address_key:
            address_row = rows[_key(address_key)]
            _restart_if_over(address_row, ADDRESS_WINDOW, now)
            if address_row.failures >= MAX_FAILURES_PER_ADDRESS:
                raise RateLimitedError(
                    msg_n(
                        "Too many failed sign-ins from your network. "
                        "Wait {n} minute and try again.",
                        "Too many failed sign-ins from your network. "
                        "Wait {n} minutes and try again.",
                        _minutes(address_row.window_started_at + ADDRESS_WINDOW - now),
                    )
                )
            address_row.failures += 1
        account_row.failures += 1
        account_row.blocked_until = now + delay_after(account_row.failures)
    return Reservation(_key(account_key), _key(address_key) if address_key else None)


async def forgive(reservation: Reservation) -> None:
    """The password was right: the account starts afresh from here, and this attempt does not
    count against the address."""
    async with unit_of_work() as uow:
        await uow.session.execute(
            delete(SignInThrottle).where(SignInThrottle.key == reservation.account_key)
        )
        await _uncount(uow.session, reservation.address_key)


async def cancel(reservation: Reservation) -> None:
    """Nothing was learnt about the password (eCourses did not answer): undo this attempt."""
    now = utcnow()
    async with unit_of_work() as uow:
        row = await _uncount(uow.session, reservation.account_key)
        if row is not None:
            row.blocked_until = now + delay_after(row.failures) if row.failures else None
        await _uncount(uow.session, reservation.address_key)


async def reserve_registration(address: str) -> None:
    """Count a registration from ``address``; refused when this address registered too often."""
    network = network_of(address)
    if not network:
        return  # the command line and tests: no address to count by
    key = _key(f"register:{network}")
    now = utcnow()
    async with unit_of_work() as uow:
        row = (await _locked(uow.session, [key], now, uow.is_sqlite))[key]
        _restart_if_over(row, REGISTRATION_WINDOW, now)
        if row.failures >= MAX_REGISTRATIONS_PER_ADDRESS:
            raise RateLimitedError(
                msg_n(
                    "Too many accounts were registered from your network. "
                    "Wait {n} minute and try again.",
                    "Too many accounts were registered from your network. "
                    "Wait {n} minutes and try again.",
                    _minutes(row.window_started_at + REGISTRATION_WINDOW - now),
                )
            )
        row.failures += 1


# --- helpers ----------------------------------------------------------------------------------


def _key(key: str | None) -> str:
    return (key or "")[:KEY_LENGTH]


async def _locked(
    session: AsyncSession, keys: list[str], now: datetime, is_sqlite: bool
) -> dict[str, SignInThrottle]:
    """The counters of ``keys``, made if missing and locked until commit (in key order, so two
    attempts that need the same counters never wait for each other crosswise). SQLite has one
    writer at a time anyway."""
    ordered = sorted(set(keys))
    insert = sqlite_insert if is_sqlite else pg_insert
    for key in ordered:
        await session.execute(
            insert(SignInThrottle)
            .values(key=key, failures=0, window_started_at=now, blocked_until=None)
            .on_conflict_do_nothing(index_elements=["key"])
        )
    found = await session.scalars(
        select(SignInThrottle)
        .where(SignInThrottle.key.in_(ordered))
        .order_by(SignInThrottle.key)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {row.key: row for row in found}


async def _uncount(session: AsyncSession, key: str | None) -> SignInThrottle | None:
    if not key:
        return None
    row = await session.scalar(
        select(SignInThrottle).where(SignInThrottle.key == key).with_for_update()
    )
    if row is not None and row.failures > 0:
        row.failures -= 1
    return row


def _restart_if_over(row: SignInThrottle, window: timedelta, now: datetime) -> None:
    if row.window_started_at + window <= now:
        row.failures, row.window_started_at, row.blocked_until = 0, now, None


def _wait_message(wait: timedelta) -> Msg:
    seconds = max(1, math.ceil(wait.total_seconds()))
    if seconds < 90:
        return msg_n(
            "Too many failed sign-ins. Wait {n} second and try again.",
            "Too many failed sign-ins. Wait {n} seconds and try again.",
            seconds,
        )
    return msg_n(
        "Too many failed sign-ins. Wait {n} minute and try again.",
        "Too many failed sign-ins. Wait {n} minutes and try again.",
        _minutes(wait),
    )


def _minutes(wait: timedelta) -> int:
    return max(1, math.ceil(wait.total_seconds() / 60))

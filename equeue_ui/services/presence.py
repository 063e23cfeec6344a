"""The presence code: proof that a student stands in the classroom when joining a queue.

Like a TOTP code, it is an HMAC-SHA256 of the time window's number under a per-queue secret,
cut to six digits. The board and the console show it (and the board's QR code carries it); the
secret never leaves the server, and a browser is never given what it needs to make a code.
The previous window's code is still accepted for a short grace period, so a student who read
the code a moment before it changed is not turned away. Wrong codes are counted per user, in
the same throttle table as sign-ins, so guessing a million codes is not an option.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from db.models import Queue, SignInThrottle
from db.types import utcnow
from equeue_ui.errors import InvalidError, NotFoundError, RateLimitedError
from equeue_ui.i18n import msg, msg_n
from equeue_ui.services import permissions
from equeue_ui.services.uow import read_only, unit_of_work
from equeue_ui.services.views import UserView

DIGITS = 6
# The previous window's code is accepted this long into the next one.
GRACE = timedelta(seconds=75)
MIN_WINDOW_SECONDS = 60
MAX_WINDOW_SECONDS = 3600
DEFAULT_WINDOW_SECONDS = 180
# Wrong codes of one user that cost nothing; the next one waits until the window is over.
FREE_WRONG_CODES = 5
WRONG_CODE_WINDOW = timedelta(minutes=5)
CODE_NEEDED = msg("This queue is joined with the code shown in the classroom.")
WRONG_CODE = msg("That code is not right: type the code the classroom board shows now.")


@dataclass(frozen=True)
class PresenceCode:
    """The code to show now, and when the next one takes its place."""

    code: str
    changes_at: datetime
    window_seconds: int


def new_secret() -> str:
    return secrets.token_hex(32)


def code_for(secret: str, window: int) -> str:
    """The code of one time window (RFC 4226's dynamic truncation over HMAC-SHA256)."""
    digest = hmac.new(bytes.fromhex(secret), window.to_bytes(8, "big"), hashlib.sha256).digest()
    offset = digest[-1] & 0x0F
    number = int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFF_FFFF
    return str(number % 10**DIGITS).zfill(DIGITS)


def window_of(moment: datetime, window_seconds: int) -> int:
    return math.floor(moment.timestamp() / window_seconds)


def current(secret: str, window_seconds: int, now: datetime | None = None) -> PresenceCode:
    moment = now or utcnow()
    window = window_of(moment, window_seconds)
    changes_at = datetime.fromtimestamp((window + 1) * window_seconds, tz=moment.tzinfo)
    return PresenceCode(code_for(secret, window), changes_at, window_seconds)


def accepts(secret: str, window_seconds: int, code: str, now: datetime | None = None) -> bool:
    """Whether ``code`` is this window's, or the last one's within :data:`GRACE`."""
    moment = now or utcnow()
    typed = normalize(code)
    window = window_of(moment, window_seconds)
    into_window = moment.timestamp() - window * window_seconds
    candidates = [window]
    if into_window < GRACE.total_seconds():
        candidates.append(window - 1)
    # Every candidate is compared, in constant time, so timing tells nothing about the code.
    matches = [hmac.compare_digest(code_for(secret, w), typed) for w in candidates]
    return any(matches)


def normalize(code: str) -> str:
    """What a person typed, without the spaces and dashes phones like to add."""
    return "".join(ch for ch in code if ch.isdigit())[: DIGITS + 1]


def valid_window(seconds: int) -> int:
    if not MIN_WINDOW_SECONDS <= seconds <= MAX_WINDOW_SECONDS:
        raise InvalidError(
            msg(
                "The code must change every {low} to {high} minutes.",
                low=MIN_WINDOW_SECONDS // 60,
                high=MAX_WINDOW_SECONDS // 60,
            )
        )
    return seconds


async def check_code(queue_id: int, user_id: int, code: str | None) -> None:
    """Refuse a join without the queue's current code. A wrong code is counted (in its own
    transaction, which commits even though the join is refused); after
    :data:`FREE_WRONG_CODES` of them the user waits until :data:`WRONG_CODE_WINDOW` is over."""
    async with read_only() as session:
        queue = await session.get(Queue, queue_id)
        if queue is None or not queue.presence_required or queue.presence_secret is None:
            return  # most queues: no write, no counter
        secret, window_seconds = queue.presence_secret, queue.presence_window_seconds
    if not code or not normalize(code):
        raise InvalidError(CODE_NEEDED)
    now = utcnow()
    key = f"presence:{user_id}"
    async with unit_of_work() as uow:
        insert = sqlite_insert if uow.is_sqlite else pg_insert
        await uow.session.execute(
            insert(SignInThrottle)
            .values(key=key, failures=0, window_started_at=now, blocked_until=None)
            .on_conflict_do_nothing(index_elements=["key"])
        )
        row = await uow.session.scalar(
            select(SignInThrottle)
            .where(SignInThrottle.key == key)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        assert row is not None
        if row.window_started_at + WRONG_CODE_WINDOW <= now:
            row.failures, row.window_started_at, row.blocked_until = 0, now, None
        if row.failures >= FREE_WRONG_CODES:
            wait = row.window_started_at + WRONG_CODE_WINDOW - now
            minutes = max(1, math.ceil(wait.total_seconds() / 60))
            raise RateLimitedError(
                msg_n(
                    "Too many wrong codes. Try again in {n} minute.",
                    "Too many wrong codes. Try again in {n} minutes.",
                    minutes,
                )
            )
        if accepts(secret, window_seconds, code, now):
            return
        row.failures += 1
    raise InvalidError(WRONG_CODE)


async def code_for_operator(queue_id: int, *, actor: UserView) -> PresenceCode | None:
    """The code to show on the console now; None when the queue does not ask for one."""
    async with read_only() as session:
        user = await permissions.load_actor(session, actor)
        queue = await session.get(Queue, queue_id)
        if queue is None:
            raise NotFoundError(msg("This queue does not exist."))
        subject = await permissions.get_subject(session, queue.subject_id)
        await permissions.ensure_queue_operator(session, user, subject)
        return shown(queue)


def shown(queue: Queue) -> PresenceCode | None:
    """The code a queue's board and console show now; None when it asks for none."""
    if not queue.presence_required or queue.presence_secret is None:
        return None
    return current(queue.presence_secret, queue.presence_window_seconds)

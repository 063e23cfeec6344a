"""Sign-in throttling (SQLite and PostgreSQL): atomic under parallel tries, per account and
address with growing waits, a campus behind one NAT, trusted browsers, registrations."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest
from argon2 import PasswordHasher

from db.types import utcnow
from equeue_ui.errors import AuthenticationError, RateLimitedError
from equeue_ui.runtime import Runtime
from equeue_ui.services import accounts, sign_in_throttle
from equeue_ui.services.sign_in_throttle import (
    FIRST_DELAY,
    FREE_FAILURES,
    MAX_FAILURES_PER_ADDRESS,
    MAX_REGISTRATIONS_PER_ADDRESS,
    TrustedDevice,
)

PASSWORD = "correct horse battery"
BROWSER = "a-browser"
CAMPUS = "93.180.7.1"  # one NAT address for thousands of students
HOME = "188.162.4.4"


class Clock:
    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(accounts, "_hasher", cheap)
    monkeypatch.setattr(accounts, "_DUMMY_HASH", cheap.hash("dummy"))


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The throttle's time stands still unless a test moves it."""
    fixed = Clock()
    monkeypatch.setattr(sign_in_throttle, "utcnow", fixed)
    return fixed


async def sign_in(
    username: str,
    password: str = PASSWORD,
    *,
    address: str = HOME,
    device: TrustedDevice | None = None,
) -> str:
    return await accounts.sign_in(
        username, password, binding=BROWSER, address=address, device=device
    )


async def fail(username: str, times: int = 1, *, address: str = HOME) -> None:
    for _ in range(times):
        with pytest.raises(AuthenticationError):
            await sign_in(username, "wrong password", address=address)


async def test_forty_parallel_wrong_passwords_get_only_five_checked(
    rt: Runtime, clock: Clock
) -> None:
    """The attempt is counted before the password is checked, in one locked transaction:
    parallel tries cannot all slip under the limit (they did: 40 of 40 were checked)."""
    await accounts.register("teacher", PASSWORD)

    outcomes = await asyncio.gather(
        *(sign_in("teacher", f"guess {n}", address=CAMPUS) for n in range(40)),
        return_exceptions=True,
    )

    checked = [o for o in outcomes if isinstance(o, AuthenticationError)]
    throttled = [o for o in outcomes if isinstance(o, RateLimitedError)]
    assert (len(checked), len(throttled)) == (FREE_FAILURES, 40 - FREE_FAILURES)


async def test_after_five_failures_each_further_try_waits_twice_as_long(
    rt: Runtime, clock: Clock
) -> None:
    await accounts.register("alice", PASSWORD)
    await fail("alice", FREE_FAILURES)

    for wait in (FIRST_DELAY, 2 * FIRST_DELAY, 4 * FIRST_DELAY):
        with pytest.raises(RateLimitedError) as refused:
            await sign_in("alice")  # even the right password waits: it is not checked
        assert str(int(wait.total_seconds())) in refused.value.render("en") or (
            str(int(wait.total_seconds() // 60)) in refused.value.render("en")
        )
        clock.advance(wait - timedelta(seconds=1))
        with pytest.raises(RateLimitedError):
            await sign_in("alice")
        clock.advance(timedelta(seconds=1))
        await fail("alice")

    clock.advance(8 * FIRST_DELAY)
    assert await sign_in("alice")
    await fail("alice", FREE_FAILURES)  # the right password started the count afresh


async def test_the_wait_never_exceeds_fifteen_minutes(rt: Runtime, clock: Clock) -> None:
    await accounts.register("alice", PASSWORD)
    for _ in range(FREE_FAILURES + 12):
        await fail("alice")
        clock.advance(sign_in_throttle.MAX_DELAY)

    assert await sign_in("alice")


async def test_someone_guessing_from_elsewhere_does_not_lock_the_owner_out(
    rt: Runtime, clock: Clock
) -> None:
    await accounts.register("teacher", PASSWORD)
    await fail("teacher", FREE_FAILURES, address="45.9.1.1")
    with pytest.raises(RateLimitedError):
        await sign_in("teacher", "another guess", address="45.9.1.1")

    assert await sign_in("teacher", address=CAMPUS)


async def test_a_browser_that_signed_in_before_is_not_held_up_by_a_classmate_on_the_same_nat(
    rt: Runtime, clock: Clock
) -> None:
    teacher = await accounts.register("teacher", PASSWORD)
    laptop = TrustedDevice(teacher.id, "teachers-laptop")
    await fail("teacher", FREE_FAILURES, address=CAMPUS)
    with pytest.raises(RateLimitedError):
        await sign_in("teacher", address=CAMPUS)

    assert await sign_in("teacher", address=CAMPUS, device=laptop)
    # A device cookie of another account is no exemption.
    other = TrustedDevice(teacher.id + 1, "someone-elses")
    with pytest.raises(RateLimitedError):
        await sign_in("teacher", address=CAMPUS, device=other)


async def test_a_trusted_browser_is_throttled_by_its_own_counter(rt: Runtime, clock: Clock) -> None:
    teacher = await accounts.register("teacher", PASSWORD)
    laptop = TrustedDevice(teacher.id, "teachers-laptop")
    for _ in range(FREE_FAILURES):
        with pytest.raises(AuthenticationError):
            await sign_in("teacher", "wrong", address=CAMPUS, device=laptop)

    with pytest.raises(RateLimitedError):
        await sign_in("teacher", address=CAMPUS, device=laptop)
    assert await sign_in("teacher", address=CAMPUS)  # the NAT's own counter is untouched


async def test_one_password_tried_on_many_accounts_from_one_address_is_stopped(
    rt: Runtime, clock: Clock
) -> None:
    await accounts.register("alice", PASSWORD)
    for n in range(MAX_FAILURES_PER_ADDRESS):
        with pytest.raises(AuthenticationError):
            await sign_in(f"student{n}", "Summer2026!", address="45.9.1.1")

    with pytest.raises(RateLimitedError) as refused:
        await sign_in("alice", address="45.9.1.1")
    assert "network" in refused.value.render("en")
    assert await sign_in("alice", address=HOME)
    clock.advance(sign_in_throttle.ADDRESS_WINDOW)
    assert await sign_in("alice", address="45.9.1.1")


async def test_a_campus_behind_one_address_signs_in_all_day(rt: Runtime, clock: Clock) -> None:
    """Successful sign-ins do not count against the address; the usual typos stay far below
    its limit."""
    for n in range(30):
        await accounts.register(f"student{n}", PASSWORD)

    for _lesson in range(8):
        for n in range(30):
            if n % 5 == 0:
                await fail(f"student{n}", address=CAMPUS)  # a typo first
            assert await sign_in(f"student{n}", address=CAMPUS)
        clock.advance(timedelta(minutes=5))


async def test_ipv6_addresses_count_per_64_network(rt: Runtime, clock: Clock) -> None:
    await accounts.register("alice", PASSWORD)
    for n in range(FREE_FAILURES):
        await fail("alice", address=f"2001:db8:1:2::{n + 1:x}")

    with pytest.raises(RateLimitedError):  # another address of the same /64
        await sign_in("alice", address="2001:db8:1:2:ffff::9")
    assert await sign_in("alice", address="2001:db8:1:3::1")


async def test_registrations_are_limited_per_address(rt: Runtime, clock: Clock) -> None:
    for n in range(MAX_REGISTRATIONS_PER_ADDRESS):
        await accounts.register(f"student{n}", PASSWORD, address=CAMPUS)

    with pytest.raises(RateLimitedError):
        await accounts.register("one.more", PASSWORD, address=CAMPUS)
    assert await accounts.register("one.more", PASSWORD, address=HOME)
    clock.advance(sign_in_throttle.REGISTRATION_WINDOW)
    assert await accounts.register("and.another", PASSWORD, address=CAMPUS)


async def test_an_attempt_that_learnt_nothing_is_not_counted(rt: Runtime, clock: Clock) -> None:
    """eCourses did not answer: the attempt is cancelled, as if never made."""
    await accounts.register("alice", PASSWORD)
    for _ in range(3 * FREE_FAILURES):
        attempt = await sign_in_throttle.reserve_sign_in("alice", HOME)
        await sign_in_throttle.cancel(attempt)

    await fail("alice", FREE_FAILURES - 1)
    assert await sign_in("alice")

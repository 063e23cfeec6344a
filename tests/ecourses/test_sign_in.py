"""Signing in with eCourses accounts (SQLite and PostgreSQL), against the fake over HTTP."""

from __future__ import annotations

import asyncio
import time

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from db.models import User
from equeue_ui.ecourses import crypto, errors
from equeue_ui.ecourses.fake.data import DEMO_PASSWORD
from equeue_ui.errors import ConflictError, ForbiddenError, InvalidError, RateLimitedError
from equeue_ui.runtime import Runtime
from equeue_ui.services import accounts, ecourses_accounts, sign_in_throttle, site
from equeue_ui.services.uow import unit_of_work
from tests.ecourses.conftest import TIMEOUT, Fake
from tests.services import factories

BINDING = "this-browser"  # the sign-in cookie of the browser that signs in


@pytest.fixture(autouse=True)
def quick_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024))


async def stored(rt: Runtime, ecourses_user_id: int) -> User:
    async with rt.db.read_session() as session:
        user = await session.scalar(select(User).where(User.ecourses_user_id == ecourses_user_id))
        assert user is not None
        return user


async def signed_in_user_id(ticket: str) -> int:
    return (await accounts.redeem_ticket(ticket, binding=BINDING)).user.id


async def test_first_sign_in_creates_an_account_with_names_picture_and_encrypted_token(
    ert: Runtime, fake: Fake
) -> None:
    ticket = await ecourses_accounts.sign_in_with_ecourses(
        "a.ivanov", DEMO_PASSWORD, binding=BINDING
    )
    user_id = await signed_in_user_id(ticket)
    user = await stored(ert, 3002)
    assert user.id == user_id
    assert (user.username, user.first_name, user.last_name) == (
        "a.ivanov@ecourses",
        "Алексей",
        "Иванов",
    )
    assert user.avatar_url == f"{fake.url}/pluginfile.php/8002/user/icon/boost/f1?rev=1"
    assert user.password_hash is None
    assert user.ecourses_token_encrypted is not None
    token = crypto.decrypt_token(user.ecourses_token_encrypted, secret=ert.settings.resolved_secret)
    assert token is not None and token not in user.ecourses_token_encrypted
    assert crypto.decrypt_token(user.ecourses_token_encrypted, secret="another secret") is None


async def test_later_sign_ins_refresh_names_and_picture_of_the_same_account(
    ert: Runtime, fake: Fake
) -> None:
    first = await signed_in_user_id(
        await ecourses_accounts.sign_in_with_ecourses("a.ivanov", DEMO_PASSWORD, binding=BINDING)
    )
    fake.control(user={"username": "a.ivanov", "lastname": "Иванов-Петров", "picture_rev": 7})
    again = await signed_in_user_id(
        await ecourses_accounts.sign_in_with_ecourses("A.Ivanov", DEMO_PASSWORD, binding=BINDING)
    )
    assert again == first
    user = await stored(ert, 3002)
    assert user.last_name == "Иванов-Петров"
    assert user.avatar_url is not None and user.avatar_url.endswith("rev=7")


async def test_an_ecourses_sign_in_never_takes_over_a_local_account_of_the_same_name(
    ert: Runtime,
) -> None:
    local = await factories.make_user(ert, "a.ivanov@ecourses")
    user_id = await signed_in_user_id(
        await ecourses_accounts.sign_in_with_ecourses("a.ivanov", DEMO_PASSWORD, binding=BINDING)
    )
    assert user_id != local.id
    assert (await stored(ert, 3002)).username == "a.ivanov.3002@ecourses"


async def test_local_registration_refuses_the_ecourses_suffix(ert: Runtime) -> None:
    with pytest.raises(InvalidError):
        await accounts.register("mallory@ecourses", "long-password", enforce_setting=False)


async def test_a_blocked_account_is_refused(ert: Runtime) -> None:
    user_id = await signed_in_user_id(
        await ecourses_accounts.sign_in_with_ecourses("a.ivanov", DEMO_PASSWORD, binding=BINDING)
    )
    async with unit_of_work() as uow:
        blocked = await uow.session.get(User, user_id)
        assert blocked is not None
        blocked.blocked = True
    with pytest.raises(ForbiddenError):
        await ecourses_accounts.sign_in_with_ecourses("a.ivanov", DEMO_PASSWORD, binding=BINDING)


async def test_a_wrong_password_creates_nothing_and_counts_towards_the_rate_limit(
    ert: Runtime,
) -> None:
    for _ in range(sign_in_throttle.FREE_FAILURES):
        with pytest.raises(errors.EcoursesInvalidLogin):
            await ecourses_accounts.sign_in_with_ecourses(
                "a.ivanov", "wrong", address="10.0.0.1", binding=BINDING
            )
    with pytest.raises(RateLimitedError):
        await ecourses_accounts.sign_in_with_ecourses(
            "a.ivanov", DEMO_PASSWORD, address="10.0.0.1", binding=BINDING
        )
    async with ert.db.read_session() as session:
        assert await session.scalar(select(User.id).where(User.ecourses_user_id == 3002)) is None


async def test_empty_fields_are_refused_without_asking_ecourses(ert: Runtime, fake: Fake) -> None:
    with pytest.raises(InvalidError):
        await ecourses_accounts.sign_in_with_ecourses(" ", DEMO_PASSWORD, binding=BINDING)
    assert fake.requests() == []


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ("down", errors.EcoursesUnreachable),
        ("http500", errors.EcoursesBadAnswer),
        ("badjson", errors.EcoursesBadAnswer),
        ("maintenance", errors.EcoursesMaintenance),
        ("noservice", errors.EcoursesServiceUnavailable),
    ],
)
async def test_ecourses_failures_give_their_own_error_while_local_sign_in_works(
    ert: Runtime, fake: Fake, fault: str, error: type[Exception]
) -> None:
    await accounts.register("anna", "correct-horse", enforce_setting=False)
    fake.control(fault=fault)
    with pytest.raises(error):
        await ecourses_accounts.sign_in_with_ecourses("a.ivanov", DEMO_PASSWORD, binding=BINDING)
    assert await accounts.sign_in("anna", "correct-horse", binding=BINDING)


async def test_a_slow_ecourses_is_given_up_on_within_the_timeout(ert: Runtime, fake: Fake) -> None:
    # Far slower than the timeout, so "given up" and "waited it out" cannot be confused even
    # on a loaded machine; no tighter timing is asserted.
    fake.control(fault="slow", delay=TIMEOUT + 20)
    started = time.monotonic()
    with pytest.raises(errors.EcoursesTimeout):
        await ecourses_accounts.sign_in_with_ecourses("a.ivanov", DEMO_PASSWORD, binding=BINDING)
    assert time.monotonic() - started < TIMEOUT + 10


async def test_sign_in_with_ecourses_is_refused_when_switched_off(ert: Runtime) -> None:
    async with unit_of_work() as uow:
        await site.put_setting(uow.session, "ecourses_enabled", False)
    with pytest.raises(ForbiddenError):
        await ecourses_accounts.sign_in_with_ecourses("a.ivanov", DEMO_PASSWORD, binding=BINDING)


async def test_a_local_account_links_its_ecourses_account_and_signs_in_through_it(
    ert: Runtime,
) -> None:
    local = await factories.make_user(ert, "leader")
    linked = await ecourses_accounts.connect_ecourses("a.smirnova", DEMO_PASSWORD, actor=local)
    # Linking does not rename: the local account keeps its names (issue 15, point 3).
    assert linked.from_ecourses and (linked.first_name, linked.last_name) == (
        local.first_name,
        local.last_name,
    )
    assert await ecourses_accounts.has_ecourses_token(actor=linked)
    ticket = await ecourses_accounts.sign_in_with_ecourses(
        "a.smirnova", DEMO_PASSWORD, binding=BINDING
    )
    assert await signed_in_user_id(ticket) == local.id


async def test_an_ecourses_account_cannot_be_linked_to_two_accounts(ert: Runtime) -> None:
    await ecourses_accounts.sign_in_with_ecourses("a.smirnova", DEMO_PASSWORD, binding=BINDING)
    other = await factories.make_user(ert, "leader")
    with pytest.raises(ConflictError):
        await ecourses_accounts.connect_ecourses("a.smirnova", DEMO_PASSWORD, actor=other)
    assert not await ecourses_accounts.has_ecourses_token(actor=other)


async def test_neither_the_password_nor_the_token_is_logged(
    ert: Runtime, fake: Fake, caplog: pytest.LogCaptureFixture
) -> None:
    secret_password = "Sekret-Parol-2026"
    fake.control(user={"username": "a.ivanov", "password": secret_password})
    caplog.set_level("DEBUG")
    await ecourses_accounts.sign_in_with_ecourses("a.ivanov", secret_password, binding=BINDING)
    user = await stored(ert, 3002)
    assert user.ecourses_token_encrypted is not None
    token = crypto.decrypt_token(user.ecourses_token_encrypted, secret=ert.settings.resolved_secret)
    assert token
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert logged  # httpx and httpcore did log the exchange
    assert secret_password not in logged and token not in logged


async def test_local_sign_in_goes_through_while_an_ecourses_sign_in_waits(
    ert: Runtime, fake: Fake
) -> None:
    await accounts.register("anna", "correct-horse", enforce_setting=False)
    fake.control(fault="slow", delay=TIMEOUT + 3)
    waiting = asyncio.create_task(
        ecourses_accounts.sign_in_with_ecourses("a.ivanov", DEMO_PASSWORD, binding=BINDING)
    )
    async with asyncio.timeout(TIMEOUT):  # until the fake holds the eCourses sign-in
        while not any(r["path"] == "/login/token.php" for r in fake.requests()):
            await asyncio.sleep(0.02)
    assert await accounts.sign_in("anna", "correct-horse", binding=BINDING)
    assert not waiting.done()
    with pytest.raises(errors.EcoursesTimeout):
        await waiting


async def test_an_ecourses_nobody_listens_on_is_reported_unreachable(
    ert: Runtime, closed_url: str
) -> None:
    async with unit_of_work() as uow:
        await site.put_setting(uow.session, "ecourses_url", closed_url)
    with pytest.raises(errors.EcoursesUnreachable) as raised:
        await ecourses_accounts.sign_in_with_ecourses("a.ivanov", DEMO_PASSWORD, binding=BINDING)
    assert raised.value.render("en") == "eCourses cannot be reached right now. Try again later."

"""One's sessions (issue 20, point 4): listed with browser, system, address and last seen;
ended one by one or all but this one, never another person's."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from equeue_ui.events import SessionsRevoked
from equeue_ui.runtime import Runtime
from equeue_ui.services import account_sessions, accounts
from equeue_ui.services.user_agents import Device, describe

PASSWORD = "correct horse battery"
BROWSER = "alices-browser"
FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(accounts, "_hasher", cheap)
    monkeypatch.setattr(accounts, "_DUMMY_HASH", cheap.hash("dummy"))


@pytest.mark.parametrize(
    ("user_agent", "device"),
    [
        (FIREFOX_LINUX, Device("Firefox 133", "Linux")),
        (CHROME_ANDROID, Device("Chrome Mobile 131", "Android 14")),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86",
            Device("Edge 131", "Windows"),
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
            Device("Mobile Safari 17", "iOS 17"),
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like "
            "Gecko) Chrome/130.0.0.0 YaBrowser/24.12.0.0 Safari/537.36",
            Device("Yandex Browser 24", "macOS 10"),
        ),
        ("curl/8.5.0", Device("curl 8", "")),
        ("", Device("", "")),
    ],
)
def test_browser_and_system_are_named_from_the_user_agent(user_agent: str, device: Device) -> None:
    assert describe(user_agent) == device


async def session_of(username: str, user_agent: str, address: str) -> str:
    ticket = await accounts.sign_in(username, PASSWORD, binding=BROWSER)
    signed = await accounts.redeem_ticket(
        ticket, binding=BROWSER, user_agent=user_agent, address=address
    )
    return signed.token


async def test_the_list_shows_ones_sessions_this_one_first(rt: Runtime) -> None:
    alice = await accounts.register("alice", PASSWORD)
    await accounts.register("bob", PASSWORD)
    phone = await session_of("alice", CHROME_ANDROID, "10.0.0.7")
    laptop = await session_of("alice", FIREFOX_LINUX, "10.0.0.8")
    await session_of("bob", FIREFOX_LINUX, "10.0.0.9")

    listed = await account_sessions.list_sessions(actor=alice, session_token=laptop)

    assert [(s.browser, s.system, s.address, s.current) for s in listed] == [
        ("Firefox 133", "Linux", "10.0.0.8", True),
        ("Chrome Mobile 131", "Android 14", "10.0.0.7", False),
    ]
    assert await accounts.user_for_session(phone) == alice


async def test_ending_one_session_ends_only_that_one(rt: Runtime) -> None:
    alice = await accounts.register("alice", PASSWORD)
    bob = await accounts.register("bob", PASSWORD)
    phone = await session_of("alice", CHROME_ANDROID, "10.0.0.7")
    laptop = await session_of("alice", FIREFOX_LINUX, "10.0.0.8")
    bobs = await session_of("bob", FIREFOX_LINUX, "10.0.0.9")
    revoked: list[SessionsRevoked] = []
    rt.bus.subscribe(SessionsRevoked, revoked.append)
    listed = await account_sessions.list_sessions(actor=alice, session_token=laptop)
    phone_id = next(s.id for s in listed if not s.current)
    bobs_id = (await account_sessions.list_sessions(actor=bob, session_token=bobs))[0].id

    assert await account_sessions.end_session(phone_id, actor=alice)
    assert not await account_sessions.end_session(phone_id, actor=alice)  # already ended
    assert not await account_sessions.end_session(bobs_id, actor=alice)  # not hers

    assert await accounts.user_for_session(phone) is None
    assert await accounts.user_for_session(laptop) == alice
    assert await accounts.user_for_session(bobs) == bob
    assert revoked == [SessionsRevoked(alice.id, ended_session=accounts.hash_token(phone))]


async def test_signing_out_all_others_keeps_this_one(rt: Runtime) -> None:
    alice = await accounts.register("alice", PASSWORD)
    phone = await session_of("alice", CHROME_ANDROID, "10.0.0.7")
    tablet = await session_of("alice", CHROME_ANDROID, "10.0.0.6")
    laptop = await session_of("alice", FIREFOX_LINUX, "10.0.0.8")
    revoked: list[SessionsRevoked] = []
    rt.bus.subscribe(SessionsRevoked, revoked.append)

    assert await account_sessions.end_other_sessions(actor=alice, session_token=laptop) == 2

    assert await accounts.user_for_session(phone) is None
    assert await accounts.user_for_session(tablet) is None
    assert await accounts.user_for_session(laptop) == alice
    assert revoked == [SessionsRevoked(alice.id, kept_session=accounts.hash_token(laptop))]

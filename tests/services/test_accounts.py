"""Local accounts and sessions (SPEC §3): registration, sign-in, sessions, rate limits, roles."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select, update

from db.models import LoginTicket, Session, User
from db.types import utcnow
from equeue_ui.errors import (
    AuthenticationError,
    ConflictError,
    ForbiddenError,
    InvalidError,
)
from equeue_ui.events import SessionsRevoked, UserChanged
from equeue_ui.runtime import Runtime
from equeue_ui.services import accounts, site
from equeue_ui.services.views import UserView
from tests.services import factories

PASSWORD = "correct horse battery"
BROWSER = "alices-browser"  # the sign-in cookie of the browser that signs in
PRODUCTION_HASHER = accounts._hasher


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Still argon2id, with the cheapest parameters: the production ones take ~0.1 s a hash."""
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(accounts, "_hasher", cheap)
    monkeypatch.setattr(accounts, "_DUMMY_HASH", cheap.hash("dummy"))


# --- builders ---------------------------------------------------------------------------------


async def user_count(rt: Runtime) -> int:
    async with rt.db.read_session() as session:
        return await session.scalar(select(func.count()).select_from(User)) or 0


async def stored_user(rt: Runtime, username: str) -> User:
    async with rt.db.read_session() as session:
        user = await session.scalar(select(User).where(User.username == username))
    assert user is not None
    return user


async def set_blocked(rt: Runtime, user: UserView, blocked: bool = True) -> None:
    async with rt.db.write_session() as session:
        await session.execute(update(User).where(User.id == user.id).values(blocked=blocked))
        await session.commit()


async def switch_registration(rt: Runtime, enabled: bool) -> None:
    async with rt.db.write_session() as session:
        await site.put_setting(session, "registration_enabled", enabled)
        await session.commit()


async def session_token(username: str, password: str = PASSWORD) -> str:
    ticket = await accounts.sign_in(username, password, binding=BROWSER)
    return (await accounts.redeem_ticket(ticket, binding=BROWSER)).token


async def expire_sessions(rt: Runtime, user: UserView) -> None:
    async with rt.db.write_session() as session:
        await session.execute(
            update(Session)
            .where(Session.user_id == user.id)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
        await session.commit()


# --- registering ------------------------------------------------------------------------------


async def test_registering_creates_a_local_account_with_trimmed_names(rt: Runtime) -> None:
    user = await accounts.register(
        "  alice ", PASSWORD, first_name="  Alice ", last_name=" van   Dyke "
    )

    assert (user.username, user.first_name, user.last_name) == ("alice", "Alice", "van Dyke")
    assert user.has_password and not user.from_ecourses
    assert not user.is_site_admin and not user.is_teacher
    assert await accounts.find_user("ALICE") == user


@pytest.mark.parametrize(
    "username",
    ["", "ab", "a" * 151, "two words", "иван", "semi;colon", "quote'", "slash/name", "tab\tname"],
)
async def test_registering_refuses_a_username_outside_3_to_150_allowed_characters(
    rt: Runtime, username: str
) -> None:
    with pytest.raises(InvalidError):
        await accounts.register(username, PASSWORD)

    assert await user_count(rt) == 0


@pytest.mark.parametrize("username", ["abc", "a" * 150, "first.last", "s_1+x@mail-box.ru"])
async def test_registering_accepts_latin_letters_digits_and_dot_underscore_at_plus_dash(
    rt: Runtime, username: str
) -> None:
    user = await accounts.register(username, PASSWORD)

    assert user.username == username


async def test_registering_refuses_a_password_shorter_than_8_characters(rt: Runtime) -> None:
    with pytest.raises(InvalidError):
        await accounts.register("alice", "1234567")

    assert await user_count(rt) == 0
    assert (await accounts.register("alice", "k7vq2Lm9")).has_password  # 8 is enough


async def test_registering_refuses_an_absurdly_long_password(rt: Runtime) -> None:
    with pytest.raises(InvalidError):
        await accounts.register("alice", "x" * 1025)


async def test_registering_a_taken_username_in_any_letter_case_is_a_conflict_and_writes_nothing(
    rt: Runtime,
) -> None:
    await accounts.register("alice", PASSWORD)

    for taken in ("alice", "ALICE", " Alice "):
        with pytest.raises(ConflictError):
            await accounts.register(taken, "another password")

    assert await user_count(rt) == 1
    assert (await stored_user(rt, "alice")).first_name == ""
    await accounts.sign_in("alice", PASSWORD, binding=BROWSER)  # the original password still works


async def test_registering_is_refused_when_a_site_admin_switched_registration_off(
    rt: Runtime,
) -> None:
    await switch_registration(rt, False)

    with pytest.raises(ForbiddenError):
        await accounts.register("alice", PASSWORD)

    assert await user_count(rt) == 0


async def test_registration_switched_back_on_accepts_accounts_again(rt: Runtime) -> None:
    await switch_registration(rt, False)
    await switch_registration(rt, True)

    assert (await accounts.register("alice", PASSWORD)).username == "alice"


async def test_registration_switched_off_can_be_bypassed_only_on_purpose_by_the_caller(
    rt: Runtime,
) -> None:
    await switch_registration(rt, False)

    user = await accounts.register("alice", PASSWORD, enforce_setting=False)

    assert user.username == "alice"


async def test_passwords_are_stored_only_as_salted_argon2id_hashes(
    rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(accounts, "_hasher", PRODUCTION_HASHER)
    await accounts.register("alice", PASSWORD)
    await accounts.register("bob", PASSWORD)

    alice, bob = await stored_user(rt, "alice"), await stored_user(rt, "bob")
    assert alice.password_hash is not None and bob.password_hash is not None
    assert alice.password_hash.startswith("$argon2id$")
    assert PASSWORD not in alice.password_hash
    assert alice.password_hash != bob.password_hash  # salted: same password, different hash


# --- signing in and sessions ------------------------------------------------------------------


async def test_signing_in_gives_a_ticket_that_redeems_once_for_a_session_of_that_user(
    rt: Runtime,
) -> None:
    alice = await accounts.register("alice", PASSWORD)

    ticket = await accounts.sign_in("alice", PASSWORD, binding=BROWSER)
    signed_in = await accounts.redeem_ticket(
        ticket, address="10.0.0.1", user_agent="Firefox", binding=BROWSER
    )

    assert isinstance(ticket, str) and len(ticket) >= 32
    assert signed_in.user == alice
    assert await accounts.user_for_session(signed_in.token) == alice
    async with rt.db.read_session() as session:
        stored = await session.scalar(select(Session).where(Session.user_id == alice.id))
    assert stored is not None
    assert (stored.address, stored.user_agent) == ("10.0.0.1", "Firefox")
    assert stored.token_hash != signed_in.token  # only the hash is kept
    with pytest.raises(AuthenticationError):
        await accounts.redeem_ticket(ticket, binding=BROWSER)


async def test_signing_in_ignores_the_letter_case_of_the_username(rt: Runtime) -> None:
    alice = await accounts.register("alice", PASSWORD)

    token = await session_token(" ALICE ")

    assert await accounts.user_for_session(token) == alice


async def test_an_expired_ticket_is_refused(rt: Runtime) -> None:
    await accounts.register("alice", PASSWORD)
    ticket = await accounts.sign_in("alice", PASSWORD, binding=BROWSER)
    async with rt.db.write_session() as session:
        await session.execute(
            update(LoginTicket).values(expires_at=utcnow() - timedelta(seconds=1))
        )
        await session.commit()

    with pytest.raises(AuthenticationError):
        await accounts.redeem_ticket(ticket, binding=BROWSER)


async def test_an_unknown_ticket_is_refused(rt: Runtime) -> None:
    with pytest.raises(AuthenticationError):
        await accounts.redeem_ticket("made-up-ticket", binding=BROWSER)


async def test_a_wrong_password_and_an_unknown_username_get_the_same_answer(rt: Runtime) -> None:
    await accounts.register("alice", PASSWORD)

    with pytest.raises(AuthenticationError) as wrong_password:
        await accounts.sign_in("alice", "wrong password", binding=BROWSER)
    with pytest.raises(AuthenticationError) as unknown_user:
        await accounts.sign_in("nobody", PASSWORD, binding=BROWSER)

    assert wrong_password.value.message == unknown_user.value.message


async def test_a_blocked_user_cannot_sign_in_even_with_the_right_password(rt: Runtime) -> None:
    alice = await accounts.register("alice", PASSWORD)
    await set_blocked(rt, alice)

    with pytest.raises(ForbiddenError):
        await accounts.sign_in("alice", PASSWORD, binding=BROWSER)
    with pytest.raises(AuthenticationError):  # a wrong password reveals nothing more
        await accounts.sign_in("alice", "wrong password", binding=BROWSER)


async def test_a_ticket_of_a_user_blocked_meanwhile_gives_no_session(rt: Runtime) -> None:
    alice = await accounts.register("alice", PASSWORD)
    ticket = await accounts.sign_in("alice", PASSWORD, binding=BROWSER)
    await set_blocked(rt, alice)

    with pytest.raises(ForbiddenError):
        await accounts.redeem_ticket(ticket, binding=BROWSER)


async def test_a_session_token_that_is_unknown_empty_or_expired_gives_no_user(
    rt: Runtime,
) -> None:
    alice = await accounts.register("alice", PASSWORD)
    token = await session_token("alice")
    await expire_sessions(rt, alice)

    assert await accounts.user_for_session(None) is None
    assert await accounts.user_for_session("") is None
    assert await accounts.user_for_session("made-up-token") is None
    assert await accounts.user_for_session(token) is None


async def test_the_session_of_a_blocked_user_gives_no_user(rt: Runtime) -> None:
    alice = await accounts.register("alice", PASSWORD)
    token = await session_token("alice")

    await set_blocked(rt, alice)

    assert await accounts.user_for_session(token) is None


async def test_signing_out_ends_only_that_session(rt: Runtime) -> None:
    alice = await accounts.register("alice", PASSWORD)
    phone, laptop = await session_token("alice"), await session_token("alice")

    await accounts.sign_out(phone)

    assert await accounts.user_for_session(phone) is None
    assert await accounts.user_for_session(laptop) == alice


async def test_signing_out_everywhere_ends_all_own_sessions_and_no_one_elses(
    rt: Runtime,
) -> None:
    alice = await accounts.register("alice", PASSWORD)
    bob = await accounts.register("bob", PASSWORD)
    alice_tokens = [await session_token("alice"), await session_token("alice")]
    bob_token = await session_token("bob")

    ended = await accounts.sign_out_everywhere(actor=alice)

    assert ended == 2
    for token in alice_tokens:
        assert await accounts.user_for_session(token) is None
    assert await accounts.user_for_session(bob_token) == bob


async def test_signing_out_everywhere_publishes_sessions_revoked_after_commit(
    rt: Runtime,
) -> None:
    alice = await accounts.register("alice", PASSWORD)
    await session_token("alice")
    seen: list[tuple[SessionsRevoked, int]] = []

    async def on_revoked(event: SessionsRevoked) -> None:
        # Another session sees the change: the event came after the commit.
        async with rt.db.read_session() as session:
            left = await session.scalar(
                select(func.count()).select_from(Session).where(Session.user_id == alice.id)
            )
        seen.append((event, left or 0))

    rt.bus.subscribe(SessionsRevoked, on_revoked)

    await accounts.sign_out_everywhere(actor=alice)

    assert seen == [(SessionsRevoked(alice.id), 0)]


# --- sign-in bound to the browser --------------------------------------------------------------


async def test_a_ticket_opened_in_another_browser_signs_nobody_in_and_is_used_up(
    rt: Runtime,
) -> None:
    """Login CSRF: a link to the attacker's ticket, opened by a victim, must not sign the
    victim's browser into the attacker's account."""
    await accounts.register("alice", PASSWORD)
    ticket = await accounts.sign_in("alice", PASSWORD, binding="attackers-browser")

    with pytest.raises(ForbiddenError) as refused:
        await accounts.redeem_ticket(ticket, binding="victims-browser")
    assert refused.value.message == accounts.OTHER_BROWSER
    with pytest.raises(AuthenticationError):  # used up: not even its own browser can use it now
        await accounts.redeem_ticket(ticket, binding="attackers-browser")
    async with rt.db.read_session() as session:
        assert await session.scalar(select(func.count()).select_from(Session)) == 0
    without_cookie = await accounts.sign_in("alice", PASSWORD, binding="attackers-browser")
    with pytest.raises(ForbiddenError):  # a browser that sent no sign-in cookie at all
        await accounts.redeem_ticket(without_cookie, binding="")


async def test_a_ticket_is_never_issued_without_a_browser_to_bind_it_to(rt: Runtime) -> None:
    alice = await accounts.register("alice", PASSWORD)

    with pytest.raises(ForbiddenError) as refused:
        await accounts.issue_ticket(alice.id, binding="")
    assert refused.value.message == accounts.COOKIES_NEEDED


# --- password rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("1234567", "at least 8 characters"),
        (" " * 12, "only spaces"),
        ("\t \n   \t  ", "only spaces"),
        ("alice.smith", "your username"),
        ("ALICE.SMITH", "your username"),
        ("password1", "most commonly used"),
        ("qwerty123", "most commonly used"),
        ("Iloveyou", "most commonly used"),
        ("x" * 1025, "too long"),
    ],
)
async def test_a_new_password_is_refused_with_the_reason(
    rt: Runtime, password: str, why: str
) -> None:
    with pytest.raises(InvalidError) as refused:
        await accounts.register("alice.smith", password)

    assert why in refused.value.render("en")
    assert await user_count(rt) == 0


# --- changing the password --------------------------------------------------------------------


async def test_changing_the_password_ends_every_other_session_and_keeps_this_one(
    rt: Runtime,
) -> None:
    alice = await accounts.register("alice", PASSWORD)
    bob = await accounts.register("bob", PASSWORD)
    here, phone, stolen = [await session_token("alice") for _ in range(3)]
    bobs = await session_token("bob")
    seen: list[SessionsRevoked] = []
    rt.bus.subscribe(SessionsRevoked, seen.append)  # type: ignore[arg-type]

    await accounts.change_password(PASSWORD, "a new long password", actor=alice, session_token=here)

    assert await accounts.user_for_session(here) == alice
    assert await accounts.user_for_session(phone) is None
    assert await accounts.user_for_session(stolen) is None
    assert await accounts.user_for_session(bobs) == bob
    assert seen == [SessionsRevoked(alice.id, kept_session=accounts.hash_token(here))]
    with pytest.raises(AuthenticationError):
        await accounts.sign_in("alice", PASSWORD, binding=BROWSER)
    assert await accounts.sign_in("alice", "a new long password", binding=BROWSER)


# --- site admins and roles --------------------------------------------------------------------


async def test_create_admin_creates_a_site_admin_who_can_sign_in(rt: Runtime) -> None:
    admin = await accounts.create_admin("root", PASSWORD)

    assert admin.is_site_admin and admin.has_password
    assert await accounts.user_for_session(await session_token("root")) == admin


async def test_create_admin_promotes_an_existing_user_and_sets_the_new_password(
    rt: Runtime,
) -> None:
    alice = await accounts.register("alice", "old password")
    await set_blocked(rt, alice)

    admin = await accounts.create_admin("ALICE", PASSWORD)

    assert admin.id == alice.id and admin.is_site_admin
    assert await user_count(rt) == 1
    assert (await stored_user(rt, "alice")).blocked is False
    await accounts.sign_in("alice", PASSWORD, binding=BROWSER)
    with pytest.raises(AuthenticationError):
        await accounts.sign_in("alice", "old password", binding=BROWSER)


async def test_a_site_admin_grants_and_takes_away_roles(rt: Runtime) -> None:
    root = await factories.make_user(rt, "root", site_admin=True)
    alice = await factories.make_user(rt, "alice")

    granted = await accounts.set_roles(alice.id, actor=root, teacher=True, site_admin=True)
    taken = await accounts.set_roles(alice.id, actor=root, site_admin=False)

    assert granted.is_teacher and granted.is_site_admin
    assert taken.is_teacher and not taken.is_site_admin


@pytest.mark.parametrize("role", ["plain", "teacher"])
async def test_only_site_admins_set_roles(rt: Runtime, role: str) -> None:
    actor = await factories.make_user(rt, "actor", teacher=role == "teacher")
    alice = await factories.make_user(rt, "alice")

    with pytest.raises(ForbiddenError):
        await accounts.set_roles(alice.id, actor=actor, teacher=True)
    with pytest.raises(ForbiddenError):
        await accounts.set_roles(actor.id, actor=actor, site_admin=True)

    assert not (await stored_user(rt, "alice")).is_teacher
    assert not (await stored_user(rt, "actor")).is_site_admin


async def test_a_site_admin_cannot_take_away_their_own_site_admin_role(rt: Runtime) -> None:
    root = await factories.make_user(rt, "root", site_admin=True)

    with pytest.raises(ConflictError):
        await accounts.set_roles(root.id, actor=root, site_admin=False)

    assert (await stored_user(rt, "root")).is_site_admin


async def test_a_blocked_site_admin_cannot_set_roles(rt: Runtime) -> None:
    root = await factories.make_user(rt, "root", site_admin=True, blocked=True)
    alice = await factories.make_user(rt, "alice")

    with pytest.raises(ForbiddenError):
        await accounts.set_roles(alice.id, actor=root, teacher=True)


async def test_setting_roles_of_an_unknown_user_is_invalid(rt: Runtime) -> None:
    root = await factories.make_user(rt, "root", site_admin=True)

    with pytest.raises(InvalidError):
        await accounts.set_roles(root.id + 1000, actor=root, teacher=True)


# --- profile and preferences ------------------------------------------------------------------


async def test_choosing_a_group_sets_it(rt: Runtime) -> None:
    group = await factories.make_group(rt)
    alice = await factories.make_user(rt, "alice")

    heard: list[UserChanged] = []
    rt.bus.subscribe(UserChanged, heard.append)

    updated = await accounts.set_group(group.id, actor=alice)
    again = await accounts.set_group(group.id, actor=updated)

    assert updated.group_id == again.group_id == group.id
    assert (await accounts.get_user(alice.id)).group_id == group.id
    assert heard == [UserChanged(alice.id)]  # open pages follow; choosing it again changes nothing


async def test_choosing_an_unknown_group_is_invalid(rt: Runtime) -> None:
    alice = await factories.make_user(rt, "alice")

    with pytest.raises(InvalidError):
        await accounts.set_group(12345, actor=alice)

    assert (await accounts.get_user(alice.id)).group_id is None


async def test_preferences_accept_a_known_language_and_dark_mode(rt: Runtime) -> None:
    alice = await factories.make_user(rt, "alice")

    updated = await accounts.set_preferences(actor=alice, language="en", dark_mode=True)

    assert (updated.language, updated.dark_mode) == ("en", True)


async def test_preferences_refuse_an_unknown_language(rt: Runtime) -> None:
    alice = await factories.make_user(rt, "alice")

    with pytest.raises(InvalidError):
        await accounts.set_preferences(actor=alice, language="de", dark_mode=True)

    stored = await accounts.get_user(alice.id)
    assert (stored.language, stored.dark_mode) == (None, None)


async def test_changing_the_password_requires_the_current_one(rt: Runtime) -> None:
    alice = await accounts.register("alice", PASSWORD)

    with pytest.raises(AuthenticationError):
        await accounts.change_password("wrong password", "brand new password", actor=alice)
    await accounts.sign_in("alice", PASSWORD, binding=BROWSER)

    await accounts.change_password(PASSWORD, "brand new password", actor=alice)

    await accounts.sign_in("alice", "brand new password", binding=BROWSER)
    with pytest.raises(AuthenticationError):
        await accounts.sign_in("alice", PASSWORD, binding=BROWSER)


async def test_changing_to_a_too_short_password_is_invalid(rt: Runtime) -> None:
    alice = await accounts.register("alice", PASSWORD)

    with pytest.raises(InvalidError):
        await accounts.change_password(PASSWORD, "short", actor=alice)

    await accounts.sign_in("alice", PASSWORD, binding=BROWSER)


async def test_an_account_without_a_password_cannot_change_it(rt: Runtime) -> None:
    ecourses_only = await factories.make_user(rt, "student")

    with pytest.raises(AuthenticationError):
        await accounts.change_password("", "brand new password", actor=ecourses_only)


async def test_two_registrations_differing_only_in_letter_case_at_once_make_one_account(
    rt: Runtime,
) -> None:
    import asyncio

    results = await asyncio.gather(
        accounts.register("Alice", "long-password-1", enforce_setting=False),
        accounts.register("alice", "long-password-2", enforce_setting=False),
        return_exceptions=True,
    )
    assert sum(isinstance(r, UserView) for r in results) == 1
    assert sum(isinstance(r, ConflictError) for r in results) == 1
    async with rt.db.read_session() as session:
        assert await session.scalar(select(func.count()).select_from(User)) == 1

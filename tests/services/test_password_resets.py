"""Password reset links (issue 20, point 3): made by site admins, stored hashed, used once,
for a day, a newer one replacing the older; using one ends every session of the account."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update

from db.models import AuditLog, PasswordResetToken
from db.types import utcnow
from equeue_ui.errors import ConflictError, ForbiddenError, InvalidError, NotFoundError
from equeue_ui.events import SessionsRevoked
from equeue_ui.runtime import Runtime
from equeue_ui.services import accounts, password_resets
from equeue_ui.services.views import UserView
from tests.services import factories

PASSWORD = "correct horse battery"
NEW_PASSWORD = "a brand new passphrase"
BROWSER = "alices-browser"


@pytest.fixture(autouse=True)
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(accounts, "_hasher", cheap)
    monkeypatch.setattr(accounts, "_DUMMY_HASH", cheap.hash("dummy"))


async def signed_in(username: str, password: str = PASSWORD) -> str:
    ticket = await accounts.sign_in(username, password, binding=BROWSER)
    return (await accounts.redeem_ticket(ticket, binding=BROWSER)).token


async def alice_and_admin(rt: Runtime) -> tuple[UserView, UserView]:
    alice = await accounts.register("alice", PASSWORD, first_name="Alice")
    admin = await factories.make_user(rt, "root", site_admin=True)
    return alice, admin


async def test_a_link_sets_a_new_password_once_and_ends_every_session(rt: Runtime) -> None:
    alice, admin = await alice_and_admin(rt)
    old_session = await signed_in("alice")
    revoked: list[SessionsRevoked] = []
    rt.bus.subscribe(SessionsRevoked, revoked.append)

    link = await password_resets.create_link(alice.id, actor=admin)
    target = await password_resets.link_target(link.token)
    assert (target.username, target.display_name) == ("alice", "Alice")
    assert timedelta(hours=23) < target.expires_at - utcnow() <= timedelta(hours=24)

    assert await password_resets.reset_password(link.token, NEW_PASSWORD) == "alice"

    assert await accounts.user_for_session(old_session) is None
    assert revoked == [SessionsRevoked(alice.id)]
    await signed_in("alice", NEW_PASSWORD)
    with pytest.raises(NotFoundError):
        await password_resets.link_target(link.token)
    with pytest.raises(NotFoundError):
        await password_resets.reset_password(link.token, "yet another passphrase")


async def test_only_the_hash_of_the_link_is_stored_and_making_it_is_audited(rt: Runtime) -> None:
    alice, admin = await alice_and_admin(rt)
    link = await password_resets.create_link(alice.id, actor=admin)
    async with rt.db.read_session() as session:
        stored = (await session.scalars(select(PasswordResetToken))).all()
        audited = (await session.scalars(select(AuditLog))).all()
    assert [row.token_hash for row in stored] == [accounts.hash_token(link.token)]
    assert len(link.token) >= 43  # 32 random bytes
    assert [(entry.action, entry.target) for entry in audited] == [
        ("user.password_reset_link", "alice")
    ]


async def test_a_new_link_replaces_the_older_unused_one(rt: Runtime) -> None:
    alice, admin = await alice_and_admin(rt)
    first = await password_resets.create_link(alice.id, actor=admin)
    second = await password_resets.create_link(alice.id, actor=admin)
    with pytest.raises(NotFoundError):
        await password_resets.reset_password(first.token, NEW_PASSWORD)
    await password_resets.reset_password(second.token, NEW_PASSWORD)


async def test_an_expired_link_is_refused_and_sets_nothing(rt: Runtime) -> None:
    alice, admin = await alice_and_admin(rt)
    link = await password_resets.create_link(alice.id, actor=admin)
    async with rt.db.write_session() as session:
        await session.execute(
            update(PasswordResetToken).values(expires_at=utcnow() - timedelta(seconds=1))
        )
        await session.commit()
    with pytest.raises(NotFoundError) as refused:
        await password_resets.reset_password(link.token, NEW_PASSWORD)
    assert "expired" in refused.value.render("en")
    await signed_in("alice")  # the old password still works


@pytest.mark.parametrize("token", ["", "nonsense", "x" * 43, "\ud800" * 20])
async def test_an_unknown_or_malformed_link_is_not_found(rt: Runtime, token: str) -> None:
    with pytest.raises(NotFoundError):
        await password_resets.link_target(token)
    with pytest.raises(NotFoundError):
        await password_resets.reset_password(token, NEW_PASSWORD)


async def test_the_password_rules_apply_and_a_refused_password_keeps_the_link(
    rt: Runtime,
) -> None:
    alice, admin = await alice_and_admin(rt)
    link = await password_resets.create_link(alice.id, actor=admin)
    with pytest.raises(InvalidError) as refused:
        await password_resets.reset_password(link.token, "short")
    assert "at least 8 characters" in refused.value.render("en")
    await password_resets.reset_password(link.token, NEW_PASSWORD)


async def test_a_blocked_account_gets_no_link_and_cannot_use_one(rt: Runtime) -> None:
    alice, admin = await alice_and_admin(rt)
    link = await password_resets.create_link(alice.id, actor=admin)
    await accounts.set_blocked(alice.id, True, actor=admin)
    with pytest.raises(ConflictError):
        await password_resets.link_target(link.token)
    with pytest.raises(ConflictError):
        await password_resets.reset_password(link.token, NEW_PASSWORD)
    with pytest.raises(ConflictError):
        await password_resets.create_link(alice.id, actor=admin)


async def test_only_site_admins_make_links(rt: Runtime) -> None:
    alice, _admin = await alice_and_admin(rt)
    bob = await factories.make_user(rt, "bob")
    with pytest.raises(ForbiddenError):
        await password_resets.create_link(alice.id, actor=bob)
    with pytest.raises(InvalidError):
        await password_resets.create_link(99999, actor=_admin)


async def test_an_ecourses_only_account_gets_no_link(rt: Runtime) -> None:
    """Its password lives in eCourses, which has its own way to recover it."""
    _alice, admin = await alice_and_admin(rt)
    ivan = await factories.make_user(rt, "ivan@ecourses")
    with pytest.raises(ConflictError) as refused:
        await password_resets.create_link(ivan.id, actor=admin)
    assert "reset in eCourses" in refused.value.render("en")
    async with rt.db.read_session() as session:
        assert (await session.scalars(select(PasswordResetToken))).all() == []

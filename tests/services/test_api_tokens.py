"""Personal access tokens (issue 21, point 2): shown once, stored hashed, listed with their last
use, revocable, and refused once expired or revoked or when their owner is blocked or deleted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from db.models import ApiToken, User
from db.types import utcnow
from equeue_ui.errors import AuthenticationError, ForbiddenError, InvalidError, NotFoundError
from equeue_ui.runtime import Runtime
from equeue_ui.services import api_tokens
from equeue_ui.services.accounts import hash_token
from tests.services.factories import make_user


async def test_a_new_token_is_shown_once_and_only_its_hash_is_stored(rt: Runtime) -> None:
    ann = await make_user(rt, "ann")
    made = await api_tokens.create_token(
        " my bot ", actor=ann, scopes=["queue"], expires_in_days=30
    )
    assert made.secret.startswith("eq_") and len(made.secret) == 3 + 43
    assert made.token.name == "my bot"
    assert made.token.scopes == ("read", "queue")  # every token reads
    assert made.token.prefix == made.secret[:10]
    assert made.token.expires_at - made.token.created_at == timedelta(days=30)
    async with rt.db.read_session() as session:
        stored = (await session.scalars(select(ApiToken))).one()
    assert stored.token_hash == hash_token(made.secret)
    assert made.secret not in {stored.token_hash, stored.prefix, stored.name}
    (listed,) = await api_tokens.list_tokens(actor=ann)
    assert listed == made.token
    assert not hasattr(listed, "secret")


async def test_a_token_authenticates_its_owner_with_its_scopes_and_records_the_use(
    rt: Runtime,
) -> None:
    ann = await make_user(rt, "ann")
    made = await api_tokens.create_token("bot", actor=ann, scopes=["teach"], expires_in_days=90)
    caller = await api_tokens.authenticate(made.secret)
    assert caller.user.id == ann.id
    assert caller.scopes == frozenset({"read", "teach"})
    assert caller.allows("teach") and not caller.allows("queue")
    (listed,) = await api_tokens.list_tokens(actor=ann)
    assert listed.last_used_at is not None


@pytest.mark.parametrize(
    "secret", [None, "", "eq_", "eq_unknown-token-value", "not-a-token", "eq_\x00", "eq_\ud800"]
)
async def test_a_missing_or_unknown_token_is_refused(rt: Runtime, secret: str | None) -> None:
    with pytest.raises(AuthenticationError):
        await api_tokens.authenticate(secret)


async def test_a_revoked_token_stops_at_once(rt: Runtime) -> None:
    ann = await make_user(rt, "ann")
    made = await api_tokens.create_token("bot", actor=ann, scopes=[], expires_in_days=30)
    await api_tokens.revoke_token(made.token.id, actor=ann)
    with pytest.raises(AuthenticationError):
        await api_tokens.authenticate(made.secret)
    (listed,) = await api_tokens.list_tokens(actor=ann)
    assert listed.revoked_at is not None and not listed.active
    await api_tokens.revoke_token(made.token.id, actor=ann)  # again: nothing more to do


async def test_an_expired_token_is_refused(rt: Runtime) -> None:
    ann = await make_user(rt, "ann")
    made = await api_tokens.create_token("bot", actor=ann, scopes=[], expires_in_days=30)
    async with rt.db.write_session() as session:
        await session.execute(update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
        await session.commit()
    with pytest.raises(AuthenticationError):
        await api_tokens.authenticate(made.secret)


@pytest.mark.parametrize("change", [{"blocked": True}, {"deleted_at": utcnow()}])
async def test_a_blocked_or_deleted_owners_tokens_stop_at_once(
    rt: Runtime, change: dict[str, object]
) -> None:
    ann = await make_user(rt, "ann")
    made = await api_tokens.create_token("bot", actor=ann, scopes=[], expires_in_days=30)
    await api_tokens.authenticate(made.secret)
    async with rt.db.write_session() as session:
        await session.execute(update(User).where(User.id == ann.id).values(**change))
        await session.commit()
    with pytest.raises(AuthenticationError):
        await api_tokens.authenticate(made.secret)


async def test_someone_elses_token_cannot_be_revoked_or_seen(rt: Runtime) -> None:
    ann = await make_user(rt, "ann")
    bob = await make_user(rt, "bob")
    made = await api_tokens.create_token("bot", actor=ann, scopes=[], expires_in_days=30)
    with pytest.raises(NotFoundError):
        await api_tokens.revoke_token(made.token.id, actor=bob)
    assert await api_tokens.list_tokens(actor=bob) == []
    await api_tokens.authenticate(made.secret)  # still works


async def test_a_blocked_user_makes_no_tokens(rt: Runtime) -> None:
    ann = await make_user(rt, "ann", blocked=True)
    with pytest.raises(ForbiddenError):
        await api_tokens.create_token("bot", actor=ann, scopes=[], expires_in_days=30)


@pytest.mark.parametrize(
    ("name", "scopes", "days"),
    [("", [], 30), ("bot", ["admin"], 30), ("bot", [], 7), ("x" * 101, [], 30)],
)
async def test_bad_token_settings_are_refused(
    rt: Runtime, name: str, scopes: list[str], days: int
) -> None:
    ann = await make_user(rt, "ann")
    with pytest.raises(InvalidError):
        await api_tokens.create_token(name, actor=ann, scopes=scopes, expires_in_days=days)
    assert await api_tokens.list_tokens(actor=ann) == []


async def test_active_tokens_are_limited_and_revoking_one_makes_room(rt: Runtime) -> None:
    ann = await make_user(rt, "ann")
    made = [
        await api_tokens.create_token(f"bot {i}", actor=ann, scopes=[], expires_in_days=30)
        for i in range(api_tokens.MAX_ACTIVE_TOKENS)
    ]
    with pytest.raises(InvalidError):
        await api_tokens.create_token("one more", actor=ann, scopes=[], expires_in_days=30)
    await api_tokens.revoke_token(made[0].token.id, actor=ann)
    await api_tokens.create_token("one more", actor=ann, scopes=[], expires_in_days=30)

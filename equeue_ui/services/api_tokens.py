"""Personal access tokens for the HTTP API (equeue_ui/api): made, listed and revoked by their
owner on the profile page, checked on every API request.

A token is ``eq_`` and 32 random bytes (URL-safe base64). Only its SHA-256 is stored: a copy of
the database holds nothing that signs anyone in. The person sees the token once, when it is
made; lists show its first characters (``prefix``) to tell tokens apart.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ApiToken, User
from db.types import utcnow
from equeue_ui.errors import AuthenticationError, NotFoundError, invalid, invalid_n
from equeue_ui.i18n import msg
from equeue_ui.services import permissions
from equeue_ui.services.accounts import hash_token
from equeue_ui.services.uow import read_only, unit_of_work
from equeue_ui.services.validation import clean_name
from equeue_ui.services.views import UserView

TOKEN_PREFIX = "eq_"
SHOWN_PREFIX_LENGTH = 10  # "eq_" and 7 characters of the random part
# What a token may do; every token may at least read.
READ, QUEUE, TEACH = "read", "queue", "teach"
SCOPES = (READ, QUEUE, TEACH)
EXPIRY_DAYS = (30, 90, 365)
MAX_ACTIVE_TOKENS = 20
NAME_LENGTH = 100
# The last use is written at most this often, so a client polling every second does not
# turn each read into a write.
LAST_USED_INTERVAL = timedelta(minutes=1)

TOKEN_REFUSED = msg("The API token is missing, unknown, expired or revoked.")
TOKEN_GONE = msg("This token does not exist.")


@dataclass(frozen=True)
class TokenView:
    id: int
    name: str
    scopes: tuple[str, ...]
    prefix: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None and self.expires_at > utcnow()

    @classmethod
    def of(cls, token: ApiToken) -> TokenView:
        return cls(
            id=token.id,
            name=token.name,
            scopes=tuple(token.scopes.split()),
            prefix=token.prefix,
            created_at=token.created_at,
            expires_at=token.expires_at,
            last_used_at=token.last_used_at,
            revoked_at=token.revoked_at,
        )


@dataclass(frozen=True)
class NewToken:
    """A token just made: ``secret`` is shown to its owner this once and never again."""

    token: TokenView
    secret: str


@dataclass(frozen=True)
class ApiCaller:
    """Who an API request acts for, and what its token allows."""

    user: UserView
    token_id: int
    scopes: frozenset[str]

    def allows(self, scope: str) -> bool:
        return scope in self.scopes


async def create_token(
    name: str, *, actor: UserView, scopes: list[str], expires_in_days: int
) -> NewToken:
    """Make a token for the actor; refused for unknown scopes or expiry, or past
    MAX_ACTIVE_TOKENS active tokens."""
    clean = clean_name(name, max_length=NAME_LENGTH)
    chosen = _clean_scopes(scopes)
    if expires_in_days not in EXPIRY_DAYS:
        raise invalid("Choose how long the token lasts: 30, 90 or 365 days.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    async with unit_of_work() as uow:
        user = await permissions.load_actor(uow.session, actor)
        if await _active_count(uow.session, user.id) >= MAX_ACTIVE_TOKENS:
            raise invalid_n(
                "You have {n} active token, the most there may be. Revoke one first.",
                "You have {n} active tokens, the most there may be. Revoke one first.",
                MAX_ACTIVE_TOKENS,
            )
        token = ApiToken(
            user_id=user.id,
            name=clean,
            scopes=" ".join(chosen),
            token_hash=hash_token(secret),
            prefix=secret[:SHOWN_PREFIX_LENGTH],
            created_at=now,
            expires_at=now + timedelta(days=expires_in_days),
        )
        uow.session.add(token)
        await uow.session.flush()
        return NewToken(TokenView.of(token), secret)


async def list_tokens(*, actor: UserView) -> list[TokenView]:
    """The actor's tokens, newest first, revoked and expired ones included."""
    async with read_only() as session:
        await permissions.load_actor(session, actor)
        rows = await session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == actor.id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
        return [TokenView.of(token) for token in rows]


async def revoke_token(token_id: int, *, actor: UserView) -> None:
    """Stop one of the actor's tokens at once; someone else's token is "not found"."""
    async with unit_of_work() as uow:
        await permissions.load_actor(uow.session, actor)
        token = await uow.session.get(ApiToken, token_id)
        if token is None or token.user_id != actor.id:
            raise NotFoundError(TOKEN_GONE)
        if token.revoked_at is None:
            token.revoked_at = utcnow()


# Built once: every API request runs it.
_TOKEN_USER = (
    select(ApiToken, User)
    .join(User, User.id == ApiToken.user_id)
    .where(ApiToken.token_hash == bindparam("token_hash"))
)


async def authenticate(secret: str | None) -> ApiCaller:
    """The caller of a bearer token; AuthenticationError when the token is unknown, expired or
    revoked, or its owner is blocked or deleted (checked on every request: blocking stops
    every token at once)."""
    if not secret or not secret.startswith(TOKEN_PREFIX):
        raise AuthenticationError(TOKEN_REFUSED)
    now = utcnow()
    async with read_only() as session:
        found = (await session.execute(_TOKEN_USER, {"token_hash": hash_token(secret)})).first()
    if found is None:
        raise AuthenticationError(TOKEN_REFUSED)
    token, user = found
    if token.revoked_at is not None or token.expires_at <= now:
        raise AuthenticationError(TOKEN_REFUSED)
    if user.blocked or user.deleted_at is not None:
        raise AuthenticationError(TOKEN_REFUSED)
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_INTERVAL:
        async with unit_of_work() as uow:
            fresh = await uow.session.get(ApiToken, token.id)
            if fresh is not None:
                fresh.last_used_at = now
    return ApiCaller(UserView.of(user), token.id, frozenset(token.scopes.split()))


def _clean_scopes(scopes: list[str]) -> tuple[str, ...]:
    unknown = set(scopes) - set(SCOPES)
    if unknown:
        raise invalid("Unknown scope: {scope}.", scope=sorted(unknown)[0][:40])
    # Every token reads: without it no other scope is of use.
    return tuple(scope for scope in SCOPES if scope in scopes or scope == READ)


async def _active_count(session: AsyncSession, user_id: int) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(ApiToken)
        .where(
            ApiToken.user_id == user_id,
            ApiToken.revoked_at.is_(None),
            ApiToken.expires_at > utcnow(),
        )
    )
    return int(count or 0)

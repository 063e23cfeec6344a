"""One-time password reset links: there is no e-mail here, so a site admin makes a link for
someone who forgot their password and hands it over. The link's secret is stored only as a
hash; it works once, for a day, and a newer link for the same person replaces it."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import PasswordResetToken, Session, User
from db.types import utcnow
from equeue_ui.errors import ConflictError, NotFoundError, invalid
from equeue_ui.events import SessionsRevoked
from equeue_ui.i18n import msg
from equeue_ui.services import accounts, audit, permissions
from equeue_ui.services.uow import read_only, unit_of_work
from equeue_ui.services.validation import is_token
from equeue_ui.services.views import UserView

LIFETIME = timedelta(hours=24)
LINK_GONE = msg(
    "This password reset link is not valid: it was already used, has expired or was replaced "
    "by a newer one. Ask a site administrator for a new link."
)
ECOURSES_ONLY = msg(
    "This account signs in with eCourses and has no password here: its password is reset in "
    "eCourses."
)
BLOCKED = msg("This account is blocked. Contact the site administrator.")


@dataclass(frozen=True)
class ResetLink:
    token: str  # shown once to the admin who made it, never stored
    expires_at: datetime


@dataclass(frozen=True)
class ResetTarget:
    """Whose password a link sets, as its page shows it."""

    username: str
    display_name: str
    expires_at: datetime


async def create_link(user_id: int, *, actor: UserView) -> ResetLink:
    """A site admin makes a reset link for a user; older unused links of that user stop
    working. Audited."""
    token = secrets.token_urlsafe(32)
    async with unit_of_work() as uow:
        admin = await permissions.load_actor(uow.session, actor)
        permissions.ensure_site_admin(admin)
        user = await uow.session.get(User, user_id)
        if user is None or user.deleted_at is not None:
            raise invalid("This user does not exist.")
        if user.blocked:
            raise ConflictError(msg("A blocked account cannot get a reset link. Unblock it first."))
        if user.password_hash is None:
            # Its password is eCourses': a local one would also stop eCourses from keeping its
            # names (issue 10), and eCourses has its own way to recover a password.
            raise ConflictError(ECOURSES_ONLY)
        await uow.session.execute(
            delete(PasswordResetToken).where(
                PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None)
            )
        )
        now = utcnow()
        link = ResetLink(token, now + LIFETIME)
        uow.session.add(
            PasswordResetToken(
                user_id=user.id,
                token_hash=accounts.hash_token(token),
                created_by_id=admin.id,
                created_at=now,
                expires_at=link.expires_at,
            )
        )
        audit.record(uow.session, admin, "user.password_reset_link", user.username)
        return link


async def link_target(token: str) -> ResetTarget:
    """Whom a link is for, if it still works; NotFoundError (saying why not) otherwise."""
    async with read_only() as session:
        found = await _usable(session, token)
        user = await session.get(User, found.user_id)
        assert user is not None  # the link goes with the account (ON DELETE CASCADE)
        view = UserView.of(user)
        return ResetTarget(view.username, view.display_name, found.expires_at)


async def reset_password(token: str, new_password: str) -> str:
    """Set a new password through a link (once): every session of the account ends. Returns
    the username, to sign in with. Audited as the account's own action."""
    async with read_only() as session:
        found = await _usable(session, token)
        user = await session.get(User, found.user_id)
        assert user is not None
        username = user.username
    new_hash = await accounts.new_password_hash(new_password, username=username)
    async with unit_of_work() as uow:
        # Used up in the same statement that checks it is unused: two tabs submitting at once
        # set the password once.
        claimed = await uow.session.execute(
            update(PasswordResetToken)
            .where(
                PasswordResetToken.id == found.id,
                PasswordResetToken.used_at.is_(None),
                PasswordResetToken.expires_at > utcnow(),
            )
            .values(used_at=utcnow())
        )
        if not claimed.rowcount:  # type: ignore[attr-defined]
            raise NotFoundError(LINK_GONE)
        user = await uow.session.get(User, found.user_id)
        assert user is not None
        if user.blocked:
            raise ConflictError(BLOCKED)
        user.password_hash = new_hash
        await uow.session.execute(delete(Session).where(Session.user_id == user.id))
        audit.record(uow.session, user, "user.password_reset", user.username)
        uow.emit(SessionsRevoked(user.id))
        return user.username


async def _usable(session: AsyncSession, token: str) -> PasswordResetToken:
    if not is_token(token):
        raise NotFoundError(LINK_GONE)
    found = await session.scalar(
        select(PasswordResetToken).where(
            PasswordResetToken.token_hash == accounts.hash_token(token)
        )
    )
    if found is None or found.used_at is not None or found.expires_at <= utcnow():
        raise NotFoundError(LINK_GONE)
    user = await session.get(User, found.user_id)
    if user is None or user.deleted_at is not None:
        raise NotFoundError(LINK_GONE)
    if user.blocked:
        raise ConflictError(BLOCKED)
    return found

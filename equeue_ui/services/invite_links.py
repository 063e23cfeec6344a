"""What teacher and student invite links share: the view's lifetime and finding a link that
still works by its secret (only a hash of which is stored)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import StudentInvite, TeacherInvite
from db.types import utcnow
from equeue_ui.errors import NotFoundError
from equeue_ui.i18n import msg
from equeue_ui.services.accounts import hash_token
from equeue_ui.services.validation import is_token

INVITE_INVALID = msg("This invite link is not valid: it was revoked, has expired or never existed.")

Invite = TypeVar("Invite", TeacherInvite, StudentInvite)


@dataclass(frozen=True)
class InviteLinkView:
    id: int
    created_at: datetime
    expires_at: datetime
    revoked: bool

    @property
    def active(self) -> bool:
        return not self.revoked and self.expires_at > utcnow()


async def find_working(session: AsyncSession, model: type[Invite], token: str) -> Invite:
    """The link with this secret if it is neither revoked nor expired; else NotFoundError."""
    if not is_token(token):
        raise NotFoundError(INVITE_INVALID)
    invite = await session.scalar(select(model).where(model.token_hash == hash_token(token)))
    if invite is None or invite.revoked_at is not None or invite.expires_at <= utcnow():
        raise NotFoundError(INVITE_INVALID)
    return invite

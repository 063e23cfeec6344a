"""Classroom boards: secret display links (no sign-in) and what a board shows."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import DisplayLink, Queue, Subject
from db.types import utcnow
from equeue_ui.errors import NotFoundError
from equeue_ui.events import DisplayLinkCreated, DisplayLinkRevoked
from equeue_ui.i18n import msg
from equeue_ui.services import audit, permissions, presence, site
from equeue_ui.services.accounts import hash_token
from equeue_ui.services.presence import PresenceCode
from equeue_ui.services.uow import read_only, unit_of_work
from equeue_ui.services.validation import clean_text, is_token
from equeue_ui.services.views import UserView

LINK_INVALID = msg("This board link is not valid: it was revoked or never existed.")


@dataclass(frozen=True)
class BoardInfo:
    queue_id: int
    subject_id: int
    subject_name: str
    full_names: bool
    link_id: int | None = None  # set when the board was opened through a display link
    subject_setting: bool | None = None  # the subject's own choice; None follows the site
    pictures: bool = False  # people's pictures on the board (the subject's "Pictures on the board")


@dataclass(frozen=True)
class DisplayLinkView:
    id: int
    queue_id: int
    label: str
    created_at: datetime
    revoked: bool


@dataclass(frozen=True)
class NewDisplayLink:
    link: DisplayLinkView
    token: str  # shown once; only its hash is stored


async def create_display_link(queue_id: int, *, actor: UserView, label: str = "") -> NewDisplayLink:
    """A secret link that shows the board without signing in; the queue's operators only.
    Emits ``DisplayLinkCreated``."""
    name = clean_text(label, max_length=255)
    token = secrets.token_urlsafe(24)
    async with unit_of_work() as uow:
        user = await permissions.load_actor(uow.session, actor)
        subject = await _subject_of_queue(uow.session, queue_id)
        await permissions.ensure_queue_operator(uow.session, user, subject)
        link = DisplayLink(
            queue_id=queue_id,
            token_hash=hash_token(token),
            label=name,
            created_by_id=user.id,
            created_at=utcnow(),
        )
        uow.session.add(link)
        await uow.session.flush()
        audit.record(uow.session, user, "queue.display_link.create", subject.name, label=name)
        uow.emit(DisplayLinkCreated(queue_id, link.id))
        return NewDisplayLink(_view(link), token)


async def list_display_links(queue_id: int, *, actor: UserView) -> list[DisplayLinkView]:
    async with read_only() as session:
        user = await permissions.load_actor(session, actor)
        subject = await _subject_of_queue(session, queue_id)
        await permissions.ensure_queue_operator(session, user, subject)
        rows = await session.scalars(
            select(DisplayLink)
            .where(DisplayLink.queue_id == queue_id)
            .order_by(DisplayLink.created_at.desc())
        )
        return [_view(link) for link in rows]


async def revoke_display_link(link_id: int, *, actor: UserView) -> None:
    """Boards showing this link stop at once (they are told through DisplayLinkRevoked)."""
    async with unit_of_work() as uow:
        user = await permissions.load_actor(uow.session, actor)
        link = await uow.session.get(DisplayLink, link_id)
        if link is None:
            raise NotFoundError(LINK_INVALID)
        subject = await _subject_of_queue(uow.session, link.queue_id)
        await permissions.ensure_queue_operator(uow.session, user, subject)
        if link.revoked_at is None:
            link.revoked_at = utcnow()
            audit.record(uow.session, user, "queue.display_link.revoke", subject.name)
            uow.emit(DisplayLinkRevoked(link.queue_id, link.id))


async def board_for_link(token: str) -> BoardInfo:
    """The board a display link shows; refused when revoked or unknown."""
    if not is_token(token):
        raise NotFoundError(LINK_INVALID)
    async with read_only() as session:
        link = await session.scalar(
            select(DisplayLink).where(DisplayLink.token_hash == hash_token(token))
        )
        if link is None or link.revoked_at is not None:
            raise NotFoundError(LINK_INVALID)
        return await _info(session, link.queue_id, link_id=link.id)


async def board_for_operator(queue_id: int, *, actor: UserView) -> BoardInfo:
    """The board, opened by a signed-in teacher or admin of the queue."""
    async with read_only() as session:
        user = await permissions.load_actor(session, actor)
        subject = await _subject_of_queue(session, queue_id)
        await permissions.ensure_queue_operator(session, user, subject)
        return await _info(session, queue_id)


async def set_board_names(subject_id: int, full_names: bool | None, *, actor: UserView) -> None:
    """Show names in full or as "First L." on the subject's board (None: the site default)."""
    async with unit_of_work() as uow:
        user = await permissions.load_actor(uow.session, actor)
        subject = await permissions.get_subject(uow.session, subject_id)
        await permissions.ensure_subject_editor(uow.session, user, subject)
        subject.board_full_names = full_names
        audit.record(uow.session, user, "subject.board_names", subject.name, full=full_names)
        queue_id = await uow.session.scalar(select(Queue.id).where(Queue.subject_id == subject.id))
        if queue_id is not None:
            uow.emit(DisplayLinkRevoked(queue_id, None))  # boards re-read their settings


async def set_board_pictures(subject_id: int, pictures: bool, *, actor: UserView) -> None:
    """Show people's pictures on the subject's board, or not (the default)."""
    async with unit_of_work() as uow:
        user = await permissions.load_actor(uow.session, actor)
        subject = await permissions.get_subject(uow.session, subject_id)
        await permissions.ensure_subject_editor(uow.session, user, subject)
        if subject.board_pictures == pictures:
            return
        subject.board_pictures = pictures
        audit.record(uow.session, user, "subject.board_pictures", subject.name, on=pictures)
        queue_id = await uow.session.scalar(select(Queue.id).where(Queue.subject_id == subject.id))
        if queue_id is not None:
            uow.emit(DisplayLinkRevoked(queue_id, None))  # boards re-read their settings


async def _info(session: AsyncSession, queue_id: int, *, link_id: int | None = None) -> BoardInfo:
    subject = await _subject_of_queue(session, queue_id)
    full = subject.board_full_names
    if full is None:
        full = bool(await site.get_setting(session, "board_full_names"))
    return BoardInfo(
        queue_id=queue_id,
        subject_id=subject.id,
        subject_name=subject.name,
        full_names=full,
        link_id=link_id,
        subject_setting=subject.board_full_names,
        pictures=subject.board_pictures,
    )


async def _subject_of_queue(session: AsyncSession, queue_id: int) -> Subject:
    subject = await session.scalar(
        select(Subject).join(Queue, Queue.subject_id == Subject.id).where(Queue.id == queue_id)
    )
    if subject is None:
        raise NotFoundError(msg("This queue does not exist."))
    return subject


async def presence_code(token: str) -> PresenceCode | None:
    """The presence code a board opened through a display link shows now (services/presence.py);
    refused once the link is revoked."""
    info = await board_for_link(token)
    async with read_only() as session:
        queue = await session.get(Queue, info.queue_id)
        return None if queue is None else presence.shown(queue)


def _view(link: DisplayLink) -> DisplayLinkView:
    return DisplayLinkView(
        id=link.id,
        queue_id=link.queue_id,
        label=link.label,
        created_at=link.created_at,
        revoked=link.revoked_at is not None,
    )

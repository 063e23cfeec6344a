"""One's own sessions: the signed-in browsers, and ending them one by one or all but this."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select

from db.models import Session
from db.types import utcnow
from equeue_ui.events import SessionsRevoked
from equeue_ui.services import accounts, permissions, user_agents
from equeue_ui.services.uow import read_only, unit_of_work
from equeue_ui.services.views import UserView


@dataclass(frozen=True)
class SessionView:
    id: int
    browser: str
    system: str
    address: str
    created_at: datetime
    last_seen_at: datetime
    current: bool  # the session of the page asking


async def list_sessions(*, actor: UserView, session_token: str | None) -> list[SessionView]:
    """The actor's sessions that have not expired, this one first, then the latest seen."""
    current = accounts.hash_token(session_token) if session_token else None
    async with read_only() as session:
        await permissions.load_actor(session, actor)
        rows = (
            await session.scalars(
                select(Session).where(Session.user_id == actor.id, Session.expires_at > utcnow())
            )
        ).all()
    devices = await user_agents.describe_all([row.user_agent for row in rows])
    views = [
        SessionView(
            id=row.id,
            browser=device.browser,
            system=device.system,
            address=row.address,
            created_at=row.created_at,
            last_seen_at=row.last_seen_at,
            current=row.token_hash == current,
        )
        for row, device in zip(rows, devices, strict=True)
    ]
    return sorted(views, key=lambda view: (not view.current, -view.last_seen_at.timestamp()))


async def end_session(session_id: int, *, actor: UserView) -> bool:
    """Sign out one of one's sessions (its open pages go to the sign-in page); False when it
    had already ended. Another person's session is never touched."""
    async with unit_of_work() as uow:
        await permissions.load_actor(uow.session, actor)
        ended = await uow.session.scalar(
            delete(Session)
            .where(Session.id == session_id, Session.user_id == actor.id)
            .returning(Session.token_hash)
        )
        if ended is None:
            return False
        uow.emit(SessionsRevoked(actor.id, ended_session=ended))
        return True


async def end_other_sessions(*, actor: UserView, session_token: str) -> int:
    """Sign out every session of the actor but this one; returns how many ended."""
    kept = accounts.hash_token(session_token)
    async with unit_of_work() as uow:
        await permissions.load_actor(uow.session, actor)
        result = await uow.session.execute(
            delete(Session).where(Session.user_id == actor.id, Session.token_hash != kept)
        )
        uow.emit(SessionsRevoked(actor.id, kept_session=kept))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

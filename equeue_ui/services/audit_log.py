"""Reading the audit log (site admins): newest first, filtered by actor, action and dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, select

from db.models import AuditLog, User
from equeue_ui import runtime
from equeue_ui.errors import invalid
from equeue_ui.services import permissions
from equeue_ui.services.uow import read_only
from equeue_ui.services.validation import clean_search
from equeue_ui.services.views import UserView


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str | None  # username; None once the account is gone
    action: str
    target: str
    details: str


@dataclass(frozen=True)
class AuditPage:
    entries: tuple[AuditEntry, ...]
    total: int


async def list_entries(
    *,
    actor: UserView,
    username: str = "",
    action: str = "",
    since: date | None = None,
    until: date | None = None,
    offset: int = 0,
    limit: int = 50,
) -> AuditPage:
    """Entries matching every given filter (dates in the site's time zone, both inclusive)."""
    if since and until and since > until:
        raise invalid("The start date is after the end date.")
    name, action = clean_search(username).lower(), clean_search(action)
    zone = ZoneInfo(runtime.current().settings.timezone)
    where: list[ColumnElement[bool]] = []
    if name:
        where.append(func.lower(User.username).contains(name, autoescape=True))
    if action:
        where.append(AuditLog.action == action)
    if since:
        where.append(AuditLog.at >= datetime.combine(since, time(), zone))
    if until:
        where.append(AuditLog.at < datetime.combine(until + timedelta(days=1), time(), zone))
    async with read_only() as session:
        permissions.ensure_site_admin(await permissions.load_actor(session, actor))
        joined = select(AuditLog.id).outerjoin(User, User.id == AuditLog.actor_id).where(*where)
        total = await session.scalar(select(func.count()).select_from(joined.subquery())) or 0
        statement = (
            select(AuditLog, User.username)
            .outerjoin(User, User.id == AuditLog.actor_id)
            .where(*where)
            .order_by(AuditLog.at.desc(), AuditLog.id.desc())
            .offset(max(offset, 0))
            .limit(limit)
        )
        entries = tuple(
            AuditEntry(
                id=entry.id,
                at=entry.at,
                actor=name,
                action=entry.action,
                target=entry.target,
                details=entry.details,
            )
            for entry, name in await session.execute(statement)
        )
    return AuditPage(entries=entries, total=total)


async def list_actions(*, actor: UserView) -> list[str]:
    """Every action that appears in the log, for the filter."""
    async with read_only() as session:
        permissions.ensure_site_admin(await permissions.load_actor(session, actor))
        return list(
            await session.scalars(select(AuditLog.action).distinct().order_by(AuditLog.action))
        )

"""System status for site admins: database, schema revision, version, uptime, counts."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from functools import cache
from importlib import metadata

from alembic.script import ScriptDirectory
from sqlalchemy import func, select, text

from db.models import Group, User, Workspace
from equeue_ui import __version__, migrate, runtime
from equeue_ui.services import permissions
from equeue_ui.services.uow import read_only
from equeue_ui.services.views import UserView

# When this module was first imported: the app imports it while registering its pages.
STARTED = time.monotonic()


@dataclass(frozen=True)
class StatusView:
    database_ok: bool
    dialect: str
    latency_ms: float | None
    schema_current: str | None
    schema_head: str | None
    version: str
    uptime_seconds: float
    users: int
    groups: int
    workspaces: int

    @property
    def schema_up_to_date(self) -> bool:
        return self.schema_current is not None and self.schema_current == self.schema_head


async def site_status(*, actor: UserView) -> StatusView:
    """A snapshot of the system's health; site admins only. A database that fails to answer
    is reported, not raised."""
    async with read_only() as session:
        permissions.ensure_site_admin(await permissions.load_actor(session, actor))
    rt = runtime.current()
    started = time.perf_counter()
    ok = await rt.db.ping()
    latency = (time.perf_counter() - started) * 1000 if ok else None
    current: str | None = None
    counts = (0, 0, 0)
    if ok:
        async with read_only() as session:
            current = await session.scalar(text("SELECT version_num FROM alembic_version"))
            counts = (
                await session.scalar(select(func.count(User.id))) or 0,
                await session.scalar(select(func.count(Group.id))) or 0,
                await session.scalar(select(func.count(Workspace.id))) or 0,
            )
    return StatusView(
        database_ok=ok,
        dialect=rt.db.dialect,
        latency_ms=latency,
        schema_current=current,
        schema_head=await asyncio.to_thread(_schema_head, rt.settings.resolved_database_url),
        version=app_version(),
        uptime_seconds=time.monotonic() - STARTED,
        users=counts[0],
        groups=counts[1],
        workspaces=counts[2],
    )


@cache
def app_version() -> str:
    try:
        return metadata.version("equeue")
    except metadata.PackageNotFoundError:
        return __version__


@cache
def _schema_head(url: str) -> str | None:
    return ScriptDirectory.from_config(migrate.alembic_config(url)).get_current_head()

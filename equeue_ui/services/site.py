"""Site settings stored in the database, so every app process applies them at once."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import SiteSetting
from equeue_ui import runtime
from equeue_ui.services.uow import read_only

# Keys a site admin can change at run time; a key without a row takes its default here.
# The eCourses and language keys default to None: "use the process settings (EQUEUE_*)".
DEFAULTS: dict[str, Any] = {
    "registration_enabled": True,
    "board_full_names": False,
    "default_language": None,
    "ecourses_enabled": None,
    "ecourses_url": None,
    "ecourses_service": None,
}


async def get_setting(session: AsyncSession, key: str) -> Any:
    row = await session.get(SiteSetting, key)
    return DEFAULTS.get(key) if row is None else json.loads(row.value)


async def put_setting(session: AsyncSession, key: str, value: Any) -> None:
    row = await session.get(SiteSetting, key)
    if row is None:
        session.add(SiteSetting(key=key, value=json.dumps(value)))
    else:
        row.value = json.dumps(value)


async def registration_enabled(session: AsyncSession) -> bool:
    return bool(await get_setting(session, "registration_enabled"))


async def is_registration_open() -> bool:
    async with read_only() as session:
        return await registration_enabled(session)


@dataclass(frozen=True)
class EcoursesConfig:
    """Where eCourses is and whether sign-in through it is offered."""

    enabled: bool
    base_url: str | None
    service: str
    timeout_seconds: float


async def ecourses_config() -> EcoursesConfig:
    """Database values first, the process settings (`EQUEUE_ECOURSES_*`) where none is stored."""
    settings = runtime.current().settings
    async with read_only() as session:
        url = await get_setting(session, "ecourses_url") or settings.ecourses_url
        service = await get_setting(session, "ecourses_service") or settings.ecourses_service
        enabled = await get_setting(session, "ecourses_enabled")
    base_url = url.rstrip("/") if url else None
    return EcoursesConfig(
        enabled=bool(base_url) if enabled is None else bool(enabled) and bool(base_url),
        base_url=base_url,
        service=service,
        timeout_seconds=settings.ecourses_timeout_seconds,
    )

"""Site settings stored in the database, so every app process applies them at once."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import SiteSetting
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

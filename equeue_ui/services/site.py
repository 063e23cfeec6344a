"""Site settings stored in the database, so every app process applies them at once."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import SiteSetting
from equeue_ui import runtime
from equeue_ui.errors import invalid
from equeue_ui.events import SiteSettingsChanged
from equeue_ui.i18n import LANGUAGES
from equeue_ui.services import audit, permissions
from equeue_ui.services.uow import read_only, unit_of_work
from equeue_ui.services.validation import clean_url
from equeue_ui.services.views import UserView

# Keys a site admin can change at run time; a key without a row takes its default here.
# The eCourses and language keys default to None: "use the process settings (EQUEUE_*)".
DEFAULTS: dict[str, Any] = {
    "registration_enabled": True,
    "board_full_names": False,
    "default_language": None,
    "ecourses_enabled": None,
    "ecourses_url": None,
    "ecourses_service": None,
    # The tasks of subjects linked to eCourses take their due dates from it once a day.
    "ecourses_sync_due_dates": False,
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
    return bool(await _cached("registration_enabled"))


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


async def default_language() -> str:
    """The language for visitors and users who chose none: the site setting, else the process's."""
    stored = await _cached("default_language")
    return stored if stored in LANGUAGES else runtime.current().settings.default_language


async def _cached(key: str) -> Any:
    """A setting from this process's cache (read on every page load; see settings_cache)."""
    values = await runtime.current().site_settings.values(_load_all)
    return values.get(key, DEFAULTS.get(key))


async def _load_all() -> dict[str, Any]:
    async with read_only() as session:
        rows = await session.scalars(select(SiteSetting))
        return {row.key: json.loads(row.value) for row in rows}


# --- site administration ------------------------------------------------------------------------

# A Moodle web-service short name: letters, digits, _ . - (e.g. moodle_mobile_app).
_SERVICE = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")


@dataclass(frozen=True)
class SiteSettingsView:
    """The stored settings (None: "use the process setting"), and those process settings."""

    registration_enabled: bool
    board_full_names: bool
    default_language: str | None
    ecourses_enabled: bool | None
    ecourses_url: str | None
    ecourses_service: str | None
    ecourses_sync_due_dates: bool
    process_default_language: str
    process_ecourses_url: str | None
    process_ecourses_service: str


async def get_site_settings(*, actor: UserView) -> SiteSettingsView:
    """Every site setting; site admins only."""
    async with read_only() as session:
        permissions.ensure_site_admin(await permissions.load_actor(session, actor))
        return await _settings_view(session)


async def update_site_settings(*, actor: UserView, **changes: Any) -> SiteSettingsView:
    """Change some settings (keys of DEFAULTS); site admins only. Validates every value first,
    writes the changed ones with one audit entry, emits SiteSettingsChanged."""
    cleaned = {key: _clean(key, value) for key, value in changes.items()}
    async with unit_of_work() as uow:
        admin = await permissions.load_actor(uow.session, actor)
        permissions.ensure_site_admin(admin)
        changed = {}
        for key, value in cleaned.items():
            if await get_setting(uow.session, key) != value:
                await put_setting(uow.session, key, value)
                changed[key] = value
        if changed:
            audit.record(uow.session, admin, "site.settings", ", ".join(changed), **changed)
            uow.emit(SiteSettingsChanged())
        return await _settings_view(uow.session)


def _clean(key: str, value: Any) -> Any:
    if key not in DEFAULTS:
        raise invalid("Unknown setting: {key}.", key=key)
    if key in ("registration_enabled", "board_full_names", "ecourses_sync_due_dates"):
        return bool(value)
    if key == "ecourses_enabled":
        return None if value is None else bool(value)
    text = value.strip() if isinstance(value, str) else value
    if text in (None, ""):
        return None
    if not isinstance(text, str):
        raise invalid("The input is not valid.")
    if key == "default_language" and text not in LANGUAGES:
        raise invalid("This language is not available.")
    if key == "ecourses_url":
        url = clean_url(text)
        return url.rstrip("/") if url else None
    if key == "ecourses_service" and not _SERVICE.match(text):
        raise invalid("A service name has 1 to 100 characters: Latin letters, digits and _ . -")
    return text


async def _settings_view(session: AsyncSession) -> SiteSettingsView:
    settings = runtime.current().settings
    values = {key: await get_setting(session, key) for key in DEFAULTS}
    return SiteSettingsView(
        registration_enabled=bool(values["registration_enabled"]),
        board_full_names=bool(values["board_full_names"]),
        default_language=values["default_language"],
        ecourses_enabled=values["ecourses_enabled"],
        ecourses_url=values["ecourses_url"],
        ecourses_service=values["ecourses_service"],
        ecourses_sync_due_dates=bool(values["ecourses_sync_due_dates"]),
        process_default_language=settings.default_language,
        process_ecourses_url=settings.ecourses_url,
        process_ecourses_service=settings.ecourses_service,
    )

"""The profile's language, theme and group (the same settings as the user menu's)."""

from __future__ import annotations

from nicegui import ui

from components.i18n import _, language
from components.notices import attempt
from equeue_ui.i18n import LANGUAGES
from equeue_ui.services import accounts, groups
from equeue_ui.services.views import UserView

SYSTEM, LIGHT, DARK = "system", "light", "dark"


async def preferences_section(user: UserView) -> None:
    async def set_language(code: str) -> None:
        if await attempt(accounts.set_preferences(actor=user, language=code)) is not None:
            ui.navigate.reload()  # every text of the page in the new language

    async def set_theme(theme: str) -> None:
        # "Follow the system" is the absence of a choice; only an explicit one is stored.
        if theme == SYSTEM:
            return
        dark = theme == DARK
        if await attempt(accounts.set_preferences(actor=user, dark_mode=dark)) is not None:
            ui.navigate.reload()

    group = await groups.get_group(user.group_id) if user.group_id is not None else None
    theme = SYSTEM if user.dark_mode is None else DARK if user.dark_mode else LIGHT
    with ui.column().classes("w-full gap-2").mark("profile-preferences"):
        ui.label(_("Language, theme and group")).classes("text-lg")
        with ui.row().classes("w-full gap-2"):
            ui.select(
                dict(LANGUAGES),
                value=language(),
                label=_("Language"),
                on_change=lambda e: set_language(str(e.value)),
            ).classes("min-w-[12rem]").mark("profile-language")
            themes = {LIGHT: _("Light"), DARK: _("Dark")}
            if theme == SYSTEM:
                themes = {SYSTEM: _("As the device"), **themes}
            ui.select(
                themes, value=theme, label=_("Theme"), on_change=lambda e: set_theme(str(e.value))
            ).classes("min-w-[12rem]").mark("profile-theme")
        with ui.row().classes("items-center gap-2"):
            ui.label(
                _("Your group: {group}", group=group.name) if group else _("No group chosen yet.")
            ).mark("profile-group")
            ui.link(_("Change group"), "/groups").mark("change-group")

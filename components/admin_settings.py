"""Site settings form: stored in the database, applied by every process without a restart."""

from __future__ import annotations

from nicegui import ui

from components.i18n import _
from components.live import Changes, coalesced
from components.notices import attempt, or_refusal
from equeue_ui.events import SiteSettingsChanged
from equeue_ui.i18n import LANGUAGES
from equeue_ui.services import site
from equeue_ui.services.site import SiteSettingsView
from equeue_ui.services.views import UserView

# Select options cannot carry None: "" stands for "as the server is configured".
_PROCESS = ""


async def settings_admin(*, actor: UserView) -> None:
    # Another admin saved (here or in another process): show what is stored now.
    changes = Changes().on(SiteSettingsChanged, lambda _event: True)
    shown = await or_refusal(site.get_site_settings(actor=actor))
    if shown is None:
        return
    container = ui.column().classes("w-full gap-4")

    async def refresh() -> None:
        fresh = await attempt(site.get_site_settings(actor=actor))
        if fresh is not None:
            draw(fresh)

    def draw(view: SiteSettingsView) -> None:
        container.clear()
        with container:
            _form(view, actor)

    draw(shown)
    changes.refresh_with(coalesced(refresh))


def _form(view: SiteSettingsView, actor: UserView) -> None:
    with ui.card().classes("w-full gap-2"):
        ui.label(_("Sign-in and registration")).classes("text-lg font-medium")
        registration = ui.switch(
            _("New users can register a local account"), value=view.registration_enabled
        ).mark("setting-registration")
        ui.label(_("Language for visitors and for users who have not chosen one")).classes(
            "text-sm eq-muted pt-2"
        )
        server_language = LANGUAGES[view.process_default_language]
        language = (
            ui.select(
                {
                    _PROCESS: _("As the server is configured ({name})", name=server_language),
                    **LANGUAGES,
                },
                value=view.default_language or _PROCESS,
            )
            .classes("w-full")
            .mark("setting-language")
        )
    with ui.card().classes("w-full gap-2"):
        ui.label(_("Classroom boards")).classes("text-lg font-medium")
        full_names = ui.switch(
            _("Boards show full names unless a subject says otherwise"),
            value=view.board_full_names,
        ).mark("setting-board-names")
    with ui.card().classes("w-full gap-2"):
        ui.label(_("eCourses (Moodle)")).classes("text-lg font-medium")
        enabled = (
            ui.select(
                {
                    _PROCESS: _("On when an address is set"),
                    "on": _("On"),
                    "off": _("Off"),
                },
                value=_PROCESS
                if view.ecourses_enabled is None
                else ("on" if view.ecourses_enabled else "off"),
                label=_("Sign-in and import through eCourses"),
            )
            .classes("w-full")
            .mark("setting-ecourses-enabled")
        )
        url = (
            ui.input(
                _("Base address"),
                value=view.ecourses_url or "",
                placeholder=view.process_ecourses_url or "https://e.sfu-kras.ru",
            )
            .props("clearable")
            .classes("w-full")
            .mark("setting-ecourses-url")
        )
        service = (
            ui.input(
                _("Web service name"),
                value=view.ecourses_service or "",
                placeholder=view.process_ecourses_service,
            )
            .props("clearable")
            .classes("w-full")
            .mark("setting-ecourses-service")
        )
        ui.label(_("Empty fields use the server's configuration.")).classes("text-xs eq-muted")
        sync_due_dates = ui.switch(
            _("Sync eCourses due dates daily"), value=view.ecourses_sync_due_dates
        ).mark("setting-ecourses-sync")
        ui.label(
            _(
                "Once a day, tasks imported from eCourses take their assignments' due dates "
                "from eCourses. Each change is written to the audit log."
            )
        ).classes("text-xs eq-muted")

    async def save() -> None:
        choice = enabled.value
        await attempt(
            site.update_site_settings(
                actor=actor,
                registration_enabled=bool(registration.value),
                board_full_names=bool(full_names.value),
                default_language=language.value or None,
                ecourses_enabled=None if choice == _PROCESS else choice == "on",
                ecourses_url=url.value or None,
                ecourses_service=service.value or None,
                ecourses_sync_due_dates=bool(sync_due_dates.value),
            ),
            success=_("Settings saved."),
        )

    ui.button(_("Save"), icon="save", on_click=save).props("unelevated").mark("save-settings")

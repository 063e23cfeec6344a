"""The profile's "Change password": the current one, the new one twice; other sessions end."""

from __future__ import annotations

from nicegui import ui

from components.i18n import _
from components.notices import succeeds
from equeue_ui.services import accounts
from equeue_ui.services.views import UserView


def password_section(user: UserView, *, session_token: str | None) -> None:
    with ui.column().classes("w-full gap-2").mark("profile-password"):
        ui.label(_("Password")).classes("text-lg")
        if not user.has_password:
            ui.label(
                _(
                    "You sign in with eCourses and have no password here: it is changed (and "
                    "recovered) in eCourses."
                )
            ).classes("eq-muted").mark("no-local-password")
            return

        async def change() -> None:
            if (new.value or "") != (repeat.value or ""):
                ui.notify(_("The new passwords differ."), type="warning", position="top")
                return
            changed = await succeeds(
                accounts.change_password(
                    current.value or "",
                    new.value or "",
                    actor=user,
                    session_token=session_token,
                ),
                success=_("Password changed. You were signed out on every other device."),
            )
            if changed:
                for field in (current, new, repeat):
                    field.set_value("")

        current = _password_field(_("Current password"), "current-password", "current-password")
        new = _password_field(_("New password"), "new-password", "new-password")
        repeat = _password_field(_("New password again"), "new-password", "repeat-password")
        ui.label(
            _("At least 8 characters. Changing it signs you out on your other devices.")
        ).classes("text-sm eq-muted")
        ui.button(_("Change password"), on_click=change).props("outline").mark("change-password")


def _password_field(label: str, autocomplete: str, marker: str) -> ui.input:
    field = ui.input(label, password=True, password_toggle_button=True).classes("w-full")
    field.props["autocomplete"] = autocomplete
    return field.mark(marker)

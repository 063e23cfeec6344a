"""The profile's names and status line (services/accounts.update_profile tidies them)."""

from __future__ import annotations

from nicegui import ui

from components.i18n import _
from components.notices import attempt
from equeue_ui.services import accounts, status_line
from equeue_ui.services.views import UserView


def names_section(user: UserView) -> None:
    """Names (read-only for accounts eCourses made: eCourses keeps them) and the status line."""
    from_ecourses = accounts.names_from_ecourses(user)

    async def save() -> None:
        saved = await attempt(
            accounts.update_profile(
                actor=user,
                first_name=first.value or "",
                last_name=last.value or "",
                status_text=status.value or "",
            ),
            success=_("Saved."),
        )
        if saved is not None:
            status.set_value(saved.status_text)  # as others see it, tidied

    with ui.column().classes("w-full gap-2").mark("profile-names"):
        ui.label(_("Name and status")).classes("text-lg")
        with ui.row().classes("w-full gap-2"):
            first = ui.input(_("First name"), value=user.first_name).classes("grow")
            last = ui.input(_("Last name"), value=user.last_name).classes("grow")
        first.mark("first-name")
        last.mark("last-name")
        if from_ecourses:
            first.props("readonly")
            last.props("readonly")
            ui.label(
                _("Your name comes from eCourses: change it there, and it changes here.")
            ).classes("text-sm eq-muted").mark("names-from-ecourses")
        status = (
            ui.input(_("Status"), value=user.status_text)
            .props("counter")
            .classes("w-full")
            .mark("status-text")
        )
        status.props["maxlength"] = status_line.MAX_LENGTH
        status.props["hint"] = _("Others see it next to your name. Emoji are welcome.")
        ui.button(_("Save"), on_click=save).props("outline").mark("save-profile")

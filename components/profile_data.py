"""The profile's "Your data": a JSON file of everything stored about you, and deleting your
account (after typing your username)."""

from __future__ import annotations

from nicegui import ui

from components.i18n import _
from components.notices import attempt, succeeds
from equeue_ui.services import my_data
from equeue_ui.services.views import UserView


def data_section(user: UserView, *, session_token: str | None) -> None:
    async def download() -> None:
        # The file's bytes go over the page's socket: no address that hands out data on a GET.
        content = await attempt(my_data.export_data(actor=user))
        if content is not None:
            ui.download.content(content, "equeue-my-data.json", my_data.MEDIA_TYPE)

    with ui.column().classes("w-full gap-2").mark("profile-data"):
        ui.label(_("Your data")).classes("text-lg")
        ui.label(
            _(
                "Everything eQueue stores about you — profile, workspaces, hand-ins, queue "
                "history, sessions — as a JSON file."
            )
        ).classes("text-sm eq-muted")
        ui.button(_("Download my data"), icon="download", on_click=download).props("outline").mark(
            "download-data"
        )
        ui.button(
            _("Delete my account…"),
            icon="delete",
            on_click=lambda: _delete_dialog(user, session_token),
        ).props("flat color=negative").mark("delete-account")


def _delete_dialog(user: UserView, session_token: str | None) -> None:
    async def delete() -> None:
        if await succeeds(
            my_data.delete_account(typed.value or "", actor=user, session_token=session_token)
        ):
            dialog.close()
            ui.navigate.to("/login?notice=deleted")

    with ui.dialog() as dialog, ui.card().classes("gap-3 max-w-md"):
        dialog.props["aria-label"] = _("Delete my account")
        ui.label(_("Delete your account?")).classes("text-lg")
        ui.label(
            _(
                "Your places in queues, your name, picture, sessions and workspace memberships "
                "are removed. What you handed in stays in the statistics, without your name. "
                "This cannot be undone."
            )
        )
        typed = (
            ui.input(_("Type your username, {username}, to confirm", username=user.username))
            .classes("w-full")
            .mark("confirm-username")
        )
        with ui.row().classes("w-full justify-end gap-2"):
            ui.button(_("Cancel"), on_click=dialog.close).props("flat").mark("cancel-delete")
            ui.button(_("Delete my account"), on_click=delete).props("color=negative").mark(
                "confirm-delete"
            )
    dialog.on("hide", dialog.delete)
    dialog.open()

"""A site admin's one-time password reset link for a user: made on request, shown once."""

from __future__ import annotations

from nicegui import ui

from components.a11y import labelled
from components.i18n import _
from components.notices import attempt
from equeue_ui import runtime
from equeue_ui.formatting import date_time
from equeue_ui.services import password_resets
from equeue_ui.services.views import UserView


async def reset_link_dialog(user: UserView, *, actor: UserView) -> None:
    """Make a link for ``user`` (older unused ones stop working) and show it with a copy
    button; closing the dialog forgets it: it is stored only hashed."""
    made = await attempt(password_resets.create_link(user.id, actor=actor))
    if made is None:
        return
    request = ui.context.client.request
    base = runtime.current().settings.public_url or (str(request.base_url) if request else "/")
    address = f"{base.rstrip('/')}/reset-password/{made.token}"

    async def copy() -> None:
        ui.clipboard.write(address)
        ui.notify(_("Copied."), type="positive")

    with ui.dialog() as dialog, ui.card().classes("gap-3 max-w-lg"):
        dialog.props["aria-label"] = _("Password reset link")
        ui.label(_("Password reset link for {name}", name=user.display_name)).classes("text-lg")
        ui.label(
            _(
                "Give it to {name} in person or through a channel only they read. It works "
                "once, until {when}; it is not shown again, and a new link replaces it.",
                name=user.display_name,
                when=date_time(made.expires_at),
            )
        ).classes("text-sm")
        with ui.row().classes("w-full items-center gap-2 no-wrap"):
            link = ui.input(_("Link"), value=address).props("readonly").classes("grow font-mono")
            link.mark("reset-link")
            labelled(ui.button(icon="content_copy", on_click=copy), _("Copy")).props(
                "flat dense round"
            ).mark("copy-reset-link")
        with ui.row().classes("w-full justify-end"):
            ui.button(_("Close"), on_click=dialog.close).props("flat").mark("close-reset-link")
    dialog.on("hide", dialog.delete)
    dialog.open()

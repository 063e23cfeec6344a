"""`/reset-password/{token}`: set a new password through a link a site admin made. Opening it
only shows the form; the password is set by the form's submit over the page's socket."""

from __future__ import annotations

from fastapi import Request
from nicegui import ui

from components import session
from components.frame import frame
from components.i18n import _
from components.notices import attempt, or_refusal
from equeue_ui.services import password_resets
from pages.guard import page_at


def register() -> None:
    @page_at("/reset-password/{token}")
    async def reset_password_page(request: Request, token: str) -> None:
        await session.current_user(request)  # the reader's language
        with frame(_("New password"), user=None, here="/login"):
            target = await or_refusal(password_resets.link_target(token))
            if target is None:
                ui.link(_("Sign in"), "/login").mark("to-sign-in")
                return
            _reset_form(token, target.username)


def _reset_form(token: str, username: str) -> None:
    async def submit() -> None:
        if (new.value or "") != (repeat.value or ""):
            ui.notify(_("The new passwords differ."), type="warning", position="top")
            return
        done = await attempt(password_resets.reset_password(token, new.value or ""))
        if done is None:
            return
        form.clear()
        with form:
            ui.label(
                _(
                    "Your password is set. You were signed out everywhere: sign in with the "
                    "new password."
                )
            ).mark("password-reset-done")
            ui.link(_("Sign in"), "/login?next=/profile").mark("to-sign-in")

    with ui.card().classes("w-full max-w-md self-center gap-3") as form:
        form.mark("reset-password")
        ui.label(_("Set a new password for {username}", username=username)).classes("text-lg")
        new = ui.input(_("New password"), password=True, password_toggle_button=True)
        repeat = ui.input(_("New password again"), password=True, password_toggle_button=True)
        for field, marker in ((new, "new-password"), (repeat, "repeat-password")):
            field.classes("w-full").mark(marker)
            field.props["autocomplete"] = "new-password"
        ui.label(_("At least 8 characters.")).classes("text-sm eq-muted")
        ui.button(_("Set the password"), on_click=submit).props("color=primary").mark(
            "set-password"
        )

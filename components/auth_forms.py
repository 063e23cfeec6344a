"""The registration form; a successful registration signs in and continues to `/auth/complete`.

The sign-in page is plain HTML (components/sign_in_page.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import quote

from nicegui import ui

from components.i18n import _
from components.notices import attempt
from components.session import Browser
from equeue_ui.services import accounts


def _form(submit: Callable[[], Awaitable[None]]) -> ui.element:
    """A real ``<form>``: password managers offer to save and fill what is typed into one, and
    Enter in any field submits it. The browser's own submission is prevented (the page stays,
    and the handler signs in over the live connection); no action, so nothing is ever sent in a
    URL even before the page's script runs."""
    form = ui.element("form").classes("w-full column no-wrap gap-2")
    form.on("submit.prevent", submit)
    return form


def _submit_button(text: str) -> ui.button:
    button = ui.button(text)
    button.props["type"] = "submit"
    return button


def _complete(ticket: str, next_path: str) -> None:
    ui.navigate.to(f"/auth/complete?ticket={quote(ticket)}&next={quote(next_path, safe='')}")


def register_form(*, next_path: str, browser: Browser) -> None:
    async def submit() -> None:
        if not button.enabled:  # Enter pressed again while registering
            return
        if password.value != repeat.value:
            ui.notify(_("The passwords do not match."), type="warning", position="top")
            return
        button.disable()
        try:
            created = await attempt(
                accounts.register(
                    username.value,
                    password.value,
                    first_name=first_name.value,
                    last_name=last_name.value,
                    address=browser.address,
                )
            )
            ticket = None
            if created is not None:
                ticket = await attempt(
                    accounts.sign_in(
                        username.value,
                        password.value,
                        binding=browser.binding,
                        address=browser.address,
                    )
                )
        finally:
            button.enable()
        if ticket:
            _complete(ticket, next_path)

    with ui.card().classes("w-full max-w-sm mx-auto").mark("register-card"):
        ui.label(_("Create an account")).classes("text-h6")
        with _form(submit).mark("register-form"):
            username = (
                ui.input(_("Username"))
                .props("autocomplete=username")
                .classes("w-full")
                .mark("username")
            )
            first_name = (
                ui.input(_("First name"))
                .props("autocomplete=given-name")
                .classes("w-full")
                .mark("first-name")
            )
            last_name = (
                ui.input(_("Last name"))
                .props("autocomplete=family-name")
                .classes("w-full")
                .mark("last-name")
            )
            password = (
                ui.input(_("Password"), password=True)
                .props("autocomplete=new-password")
                .classes("w-full")
                .mark("password")
            )
            repeat = (
                ui.input(_("Repeat the password"), password=True)
                .props("autocomplete=new-password")
                .classes("w-full")
                .mark("password-repeat")
            )
            button = _submit_button(_("Register")).classes("w-full").mark("register")
        with ui.row().classes("w-full justify-center text-sm"):
            ui.label(_("Already registered?"))
            ui.link(_("Sign in"), f"/login?next={quote(next_path, safe='')}")

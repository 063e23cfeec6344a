"""Sign-in and registration forms; a successful sign-in continues to `/auth/complete`."""

from __future__ import annotations

from urllib.parse import quote

from nicegui import ui

from components.i18n import _
from components.notices import attempt
from components.session import Browser
from equeue_ui.services import accounts, ecourses_accounts


def _complete(ticket: str, next_path: str) -> None:
    ui.navigate.to(f"/auth/complete?ticket={quote(ticket)}&next={quote(next_path, safe='')}")


def sign_in_form(*, next_path: str, browser: Browser, can_register: bool) -> None:
    async def submit() -> None:
        if not username.value.strip() or not password.value:
            ui.notify(_("Enter your username and password."), type="warning", position="top")
            return
        button.disable()
        try:
            ticket = await attempt(
                accounts.sign_in(
                    username.value,
                    password.value,
                    binding=browser.binding,
                    address=browser.address,
                    device=browser.device,
                )
            )
        finally:
            button.enable()
        if ticket is None:
            password.set_value("")
            return
        _complete(ticket, next_path)

    with ui.card().classes("w-full max-w-sm mx-auto").mark("sign-in-card"):
        ui.label(_("Sign in")).classes("text-h6")
        username = (
            ui.input(_("Username"))
            .props("autocomplete=username autofocus")
            .classes("w-full")
            .mark("username")
        )
        password = (
            ui.input(_("Password"), password=True, password_toggle_button=True)
            .props("autocomplete=current-password")
            .classes("w-full")
            .mark("password")
        )
        password.on("keydown.enter", submit)
        username.on("keydown.enter", submit)
        button = ui.button(_("Sign in"), on_click=submit).classes("w-full").mark("sign-in")
        if can_register:
            with ui.row().classes("w-full justify-center text-sm"):
                ui.label(_("No account yet?"))
                ui.link(_("Register"), f"/register?next={quote(next_path, safe='')}").mark(
                    "to-register"
                )


def ecourses_sign_in_form(*, next_path: str, browser: Browser) -> None:
    """Sign in with the eCourses (Moodle) username and password: the app asks eCourses."""

    async def submit() -> None:
        if not username.value.strip() or not password.value:
            ui.notify(_("Enter your eCourses username and password."), type="warning")
            return
        button.props("loading")
        try:
            ticket = await attempt(
                ecourses_accounts.sign_in_with_ecourses(
                    username.value, password.value, binding=browser.binding, address=browser.address
                )
            )
        finally:
            button.props(remove="loading")
        if ticket is None:
            password.set_value("")
            return
        _complete(ticket, next_path)

    with ui.card().classes("w-full max-w-sm mx-auto").mark("ecourses-card"):
        ui.label(_("Sign in with eCourses")).classes("text-h6")
        ui.label(_("Use your eCourses (e.sfu-kras.ru) username and password.")).classes(
            "text-sm eq-muted"
        )
        username = (
            ui.input(_("eCourses username"))
            .props("autocomplete=username")
            .classes("w-full")
            .mark("ecourses-username")
        )
        password = (
            ui.input(_("eCourses password"), password=True, password_toggle_button=True)
            .props("autocomplete=current-password")
            .classes("w-full")
            .mark("ecourses-password")
        )
        password.on("keydown.enter", submit)
        button = (
            ui.button(_("Sign in with eCourses"), on_click=submit)
            .classes("w-full")
            .props("outline")
            .mark("ecourses-sign-in")
        )


def register_form(*, next_path: str, browser: Browser) -> None:
    async def submit() -> None:
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
        repeat.on("keydown.enter", submit)
        button = ui.button(_("Register"), on_click=submit).classes("w-full").mark("register")
        with ui.row().classes("w-full justify-center text-sm"):
            ui.label(_("Already registered?"))
            ui.link(_("Sign in"), f"/login?next={quote(next_path, safe='')}")

"""A panel that shows what eCourses answers, and asks for the eCourses sign-in in its place.

eCourses may take seconds to answer, so the panel draws itself empty and loads once the browser
is connected (a page must return quickly). Whenever eCourses says the admin's sign-in is missing
or expired — while loading, or when the admin acts on what is shown — the panel turns into the
eCourses sign-in at once; signing in draws it again, with whatever the admin had chosen kept by
the caller, so they carry on where they were.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar
from urllib.parse import urlsplit

from nicegui import ui

from components import session
from components.account_merge import offer_ecourses_merge
from components.i18n import _, language
from components.notices import attempt
from equeue_ui.ecourses.errors import EcoursesTokenExpired
from equeue_ui.errors import DomainError
from equeue_ui.i18n import Msg, msg
from equeue_ui.services import ecourses_accounts, site
from equeue_ui.services.ecourses_accounts import EcoursesAccountTaken
from equeue_ui.services.views import UserView

T = TypeVar("T")
R = TypeVar("R")


class EcoursesPanel(Generic[T]):
    """``load`` reads eCourses; ``show(found, panel)`` draws it and acts through :meth:`act`."""

    def __init__(
        self,
        load: Callable[[], Awaitable[T]],
        show: Callable[[T, EcoursesPanel[T]], None],
        *,
        actor: UserView,
    ) -> None:
        self._load, self._show, self._actor = load, show, actor
        self._client = ui.context.client
        self._panel = ui.column().classes("w-full gap-2").mark("ecourses-panel")
        ui.timer(0, self.reload, once=True)

    async def reload(self) -> None:
        self._panel.clear()
        with self._panel:
            ui.spinner(size="lg").mark("ecourses-loading")
        try:
            found = await self._load()
        except EcoursesTokenExpired as error:
            await self._ask_sign_in(error)
            return
        except DomainError as error:
            self._panel.clear()
            with self._panel:
                ui.label(error.render(language())).classes("text-negative").mark("ecourses-error")
                ui.button(_("Try again"), icon="refresh", on_click=self.reload).props("flat").mark(
                    "ecourses-retry"
                )
            return
        self._panel.clear()
        with self._panel:
            self._show(found, self)

    async def act(self, action: Awaitable[R]) -> R | None:
        """Run a service call like :func:`attempt` (a refusal becomes a notice, the result
        None); an eCourses sign-in that expired meanwhile turns the panel into the sign-in."""
        expired: list[EcoursesTokenExpired] = []

        async def watched() -> R | None:
            try:
                return await action
            except EcoursesTokenExpired as error:
                expired.append(error)
                return None

        result = await attempt(watched())
        if expired:
            with self._client:
                await self._ask_sign_in(expired[0])
        return result

    async def _ask_sign_in(self, error: EcoursesTokenExpired) -> None:
        config = await site.ecourses_config()
        self._panel.clear()
        with self._panel:
            ui.label(error.render(language())).classes("text-warning").mark("ecourses-sign-in")
            connect_form(actor=self._actor, host=_host(config.base_url), on_connected=self.reload)


def connect_form(
    *, actor: UserView, host: str, on_connected: Callable[[], Awaitable[None]]
) -> None:
    """eCourses username and password, to link the account or renew an expired sign-in."""

    # Failed attempts count per address too, as on the sign-in page.
    request = ui.context.client.request
    address = session.client_address(request) if request is not None else ""

    async def connect(*, merge: bool = False, take_names: bool = False) -> bool:
        """Link (or merge, once the user agreed); whether it went through."""
        taken: list[EcoursesAccountTaken] = []

        async def linking() -> UserView | None:
            try:
                return await ecourses_accounts.connect_ecourses(
                    username.value,
                    password.value,
                    actor=actor,
                    address=address,
                    merge=merge,
                    take_names=take_names,
                )
            except EcoursesAccountTaken as error:  # asked below instead of a dead end
                taken.append(error)
                return None

        linked = await attempt(linking())
        if taken:
            offer_ecourses_merge(
                taken[0], merge=lambda names: connect(merge=True, take_names=names)
            )
            return False
        if linked is None:
            return False
        password.set_value("")
        await on_connected()
        return True

    async def submit() -> None:
        if not username.value.strip() or not password.value:
            ui.notify(_("Enter your eCourses username and password."), type="warning")
            return
        button.disable()
        try:
            await connect(take_names=bool(names.value))
        finally:
            button.enable()

    with ui.column().classes("w-full max-w-sm gap-1").mark("ecourses-connect-form"):
        if host:
            ui.label(sign_in_hint(host)).classes("text-sm eq-muted").mark("ecourses-hint")
        username = ui.input(_("eCourses username")).classes("w-full").mark("ecourses-username")
        password = (
            ui.input(_("eCourses password"), password=True, password_toggle_button=True)
            .classes("w-full")
            .mark("ecourses-password")
        )
        password.on("keydown.enter", submit)
        names = ui.checkbox(_("Also take my names from eCourses"), value=False).mark(
            "ecourses-take-names"
        )
        button = ui.button(_("Sign in with eCourses"), on_click=submit).mark("ecourses-connect")


def sign_in_hint(host: str) -> str:
    """ "Use your eCourses (e.sfu-kras.ru) username and password", naming the configured site."""
    return sign_in_hint_message(host).render(language())


def sign_in_hint_message(host: str) -> Msg:
    return msg("Use your eCourses ({host}) username and password.", host=host)


async def ecourses_host() -> str:
    """The host name of the eCourses this site signs in with ("" when none is set)."""
    return _host((await site.ecourses_config()).base_url)


def _host(base_url: str | None) -> str:
    return urlsplit(base_url or "").hostname or ""

""" "Your turn": a banner, a sound, vibration, the tab title and a browser notification on every
open page of the student who is called; a quieter heads-up when they are next."""

from __future__ import annotations

from nicegui import Client, ui

from components.i18n import _
from components.live import on_each_event
from equeue_ui import runtime
from equeue_ui.events import StudentCalled
from equeue_ui.services.views import UserView


class AlertPlayer(ui.element, component="turn_alerts.js"):
    """Invisible: plays each alert it is given in the browser.

    The words go in the ``alert`` prop, as data: a subject's name or a translation is never
    spliced into JavaScript text. Made on a page's first alert only, so most pages carry none.
    """

    def __init__(self) -> None:
        super().__init__()
        self.played = 0
        self.props["alert"] = None

    def play(self, title: str, body: str, *, strong: bool) -> None:
        self.played += 1
        self.props["alert"] = {"title": title, "body": body, "strong": strong, "n": self.played}

    async def ask_permission(self) -> object:
        """The browser's answer to "may we show notifications?" ("granted", "denied", …)."""
        return await self.run_method("askNotifications", timeout=60)


def install(user: UserView) -> None:
    """On a signed-in page: alert the user wherever they are when a teacher calls them."""
    client = ui.context.client
    banner: list[ui.label] = []  # made on the first call only: most pages never need one

    async def called(event: StudentCalled) -> None:
        snapshot = await runtime.current().hub.current(event.queue_id)
        subject = snapshot.subject_name if snapshot else ""
        title = _("It is your turn!")
        body = _("Go to the teacher: {subject}", subject=subject)
        if not banner:
            with client.layout:
                label = (
                    ui.label()
                    .classes(
                        "fixed top-0 left-0 right-0 z-[3000] bg-positive text-white text-center "
                        "text-xl font-bold py-4 px-3 shadow-lg cursor-pointer"
                    )
                    .mark("turn-banner")
                )
            label.on("click", lambda: label.set_visibility(False))
            banner.append(label)
        banner[0].set_text(f"{title} {body}")
        banner[0].set_visibility(True)
        player(client).play(title, body, strong=True)

    on_each_event(StudentCalled, lambda e: e.user_id == user.id, called)


def heads_up(subject_name: str) -> None:
    """A quieter alert: the student is next."""
    title = _("You are next")
    body = _("Get ready: {subject}", subject=subject_name)
    ui.notify(f"{title}. {body}", type="info", position="top", timeout=8000)
    player(ui.context.client).play(title, body, strong=False)


def offer_notifications() -> None:
    """A button that asks the browser for permission to show notifications."""
    # Made now, so it is in the browser before the button is pressed.
    alerts = player(ui.context.client)

    async def ask() -> None:
        answer = await alerts.ask_permission()
        if answer == "granted":
            ui.notify(_("Notifications are on: you will be told when it is your turn."))
            button.set_visibility(False)
        elif answer == "denied":
            ui.notify(_("The browser blocks notifications for this site."), type="warning")

    button = ui.button(_("Notify me when it is my turn"), icon="notifications", on_click=ask)
    button.props("flat dense").mark("enable-notifications")


def player(client: Client) -> AlertPlayer:
    """The page's one alert player, made at the top of the page on first need."""
    for child in client.layout.default_slot.children:
        if isinstance(child, AlertPlayer):
            return child
    with client.layout:
        return AlertPlayer().mark("turn-alerts")

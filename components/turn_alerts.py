""" "Your turn": a banner, a sound, vibration, the tab title and a browser notification on every
open page of the student who is called; a quieter heads-up when they are next."""

from __future__ import annotations

import json
from pathlib import Path

from nicegui import Client, ui

from components.i18n import _
from components.live import on_each_event
from equeue_ui import runtime
from equeue_ui.events import StudentCalled
from equeue_ui.services.views import UserView

_SCRIPT = "<script>" + (Path(__file__).with_suffix(".js")).read_text(encoding="utf-8") + "</script>"


def share_script() -> None:
    """Once per process: the alert functions go into every page's head from one shared string
    (added per page, each open page kept its own 6 KB copy of it)."""
    if _SCRIPT not in Client.shared_head_html:
        ui.add_head_html(_SCRIPT, shared=True)


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
        ui.run_javascript(f"eqAlert({json.dumps(title)}, {json.dumps(body)}, true)")

    on_each_event(StudentCalled, lambda e: e.user_id == user.id, called)


def heads_up(subject_name: str) -> None:
    """A quieter alert: the student is next."""
    title = _("You are next")
    body = _("Get ready: {subject}", subject=subject_name)
    ui.notify(f"{title}. {body}", type="info", position="top", timeout=8000)
    ui.run_javascript(f"eqAlert({json.dumps(title)}, {json.dumps(body)}, false)")


def offer_notifications() -> None:
    """A button that asks the browser for permission to show notifications."""

    async def ask() -> None:
        answer = await ui.run_javascript("return await eqAskNotifications()", timeout=60)
        if answer == "granted":
            ui.notify(_("Notifications are on: you will be told when it is your turn."))
            button.set_visibility(False)
        elif answer == "denied":
            ui.notify(_("The browser blocks notifications for this site."), type="warning")

    button = ui.button(_("Notify me when it is my turn"), icon="notifications", on_click=ask)
    button.props("flat dense").mark("enable-notifications")

"""The profile's devices that get "your turn" as a push (issue 17, point 2): each one, when it
last took a message, and a way to stop pushing to it. A device is added by "Notify me" on a
queue page (components/turn_alerts.py) and goes away by itself when it is signed out."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import ui

from components.i18n import _
from components.live import section
from components.notices import attempt, succeeds
from equeue_ui.formatting import date_time
from equeue_ui.services import push, user_agents
from equeue_ui.services.push import Device
from equeue_ui.services.views import UserView


async def devices_section(user: UserView, *, session_token: str | None) -> None:
    client = ui.context.client

    async def fetch() -> list[Device]:
        listed = push.devices(actor=user, session_token=session_token)
        with client:  # a refresh may come from a button the previous one deleted
            return await attempt(listed) or []

    async def remove(device: Device) -> None:
        if await succeeds(push.remove_device(device.id, actor=user)):
            with client:
                ui.notify(_("This device no longer gets notifications."), position="top")
            await refresh()

    def draw(devices: list[Device]) -> None:
        with ui.column().classes("w-full gap-1").mark("push-devices"):
            if not devices:
                ui.label(
                    _(
                        "No device gets notifications yet: turn them on with "
                        "“Notify me when it is my turn” on a queue's page."
                    )
                ).classes("eq-muted").mark("no-push-devices")
            for device in devices:
                _device_row(device, remove)

    with ui.column().classes("w-full gap-2").mark("profile-devices"):
        ui.label(_("Devices told when it is your turn")).classes("text-lg")
        refresh = await section(fetch, draw)


def _device_row(device: Device, remove: Callable[[Device], Awaitable[None]]) -> None:
    described = user_agents.describe(device.user_agent)
    name = " · ".join(part for part in (described.browser, described.system) if part) or _(
        "Unknown browser"
    )
    with ui.row().classes("w-full items-center gap-2 no-wrap").mark("push-device"):
        ui.icon("notifications_active").classes("eq-muted")
        with ui.column().classes("grow gap-0 min-w-0"):
            with ui.row().classes("items-center gap-2"):
                ui.label(name).classes("truncate").mark("push-device-name")
                if device.this_browser:
                    ui.badge(_("this device"), color="positive").mark("this-push-device")
            if device.last_success_at is not None:
                details = _("last told {when}", when=date_time(device.last_success_at))
            else:
                details = _("added {when}", when=date_time(device.created_at))
            ui.label(details).classes("text-xs eq-muted").mark("push-device-details")
        button = ui.button(icon="notifications_off", on_click=lambda: remove(device))
        button.props("flat round dense color=negative").mark("remove-push-device")
        button.props["aria-label"] = _("Stop notifications on {device}", device=name)
        with button:
            ui.tooltip(_("Stop notifications on this device"))

"""The profile's sessions: each signed-in browser, and signing out one or all the others."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import ui

from components.i18n import _
from components.live import Changes, section
from components.notices import attempt, succeeds
from equeue_ui.events import SessionsRevoked
from equeue_ui.formatting import date_time
from equeue_ui.services import account_sessions
from equeue_ui.services.account_sessions import SessionView
from equeue_ui.services.views import UserView


async def sessions_section(user: UserView, *, session_token: str | None) -> None:
    # Signed in or out elsewhere meanwhile: the list follows.
    changes = Changes().on(SessionsRevoked, about=("user_id", user.id))

    client = ui.context.client

    async def fetch() -> list[SessionView]:
        listed = account_sessions.list_sessions(actor=user, session_token=session_token)
        with client:  # a refresh may come from a button the previous one deleted
            return await attempt(listed) or []

    async def end(view: SessionView) -> None:
        # The list redraws through SessionsRevoked, as it does for a sign-out elsewhere.
        await succeeds(account_sessions.end_session(view.id, actor=user))

    async def end_others() -> None:
        if session_token is None:
            return
        ended = await attempt(
            account_sessions.end_other_sessions(actor=user, session_token=session_token)
        )
        if ended is not None:
            ui.notify(_("Signed out on every other device."), type="positive", position="top")

    def draw(views: list[SessionView]) -> None:
        with ui.column().classes("w-full gap-1").mark("sessions"):
            for view in views:
                _session_row(view, end)

    with ui.column().classes("w-full gap-2").mark("profile-sessions"):
        ui.label(_("Where you are signed in")).classes("text-lg")
        refresh = await section(fetch, draw)
        ui.button(_("Sign out all other devices"), on_click=end_others).props(
            "outline color=negative"
        ).mark("end-other-sessions")
    changes.refresh_with(refresh)


def _session_row(view: SessionView, end: Callable[[SessionView], Awaitable[None]]) -> None:
    device = " · ".join(part for part in (view.browser, view.system) if part) or _(
        "Unknown browser"
    )
    with ui.row().classes("w-full items-center gap-2 no-wrap").mark("session"):
        ui.icon("devices").classes("eq-muted")
        with ui.column().classes("grow gap-0 min-w-0"):
            with ui.row().classes("items-center gap-2"):
                ui.label(device).classes("truncate").mark("session-device")
                if view.current:
                    ui.badge(_("this device"), color="positive").mark("this-device")
            details = _("last seen {when}", when=date_time(view.last_seen_at))
            if view.address:
                details = f"{view.address} · {details}"
            ui.label(details).classes("text-xs eq-muted").mark("session-details")
        if not view.current:
            ui.button(_("Sign out"), on_click=lambda: end(view)).props(
                "flat dense color=negative"
            ).mark("end-session")

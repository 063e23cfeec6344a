"""Making and revoking a queue's secret board links (for the projector, no sign-in)."""

from __future__ import annotations

from nicegui import ui

from components.i18n import _
from components.live import Changes, coalesced
from components.notices import attempt, succeeds
from equeue_ui.events import DisplayLinkCreated, DisplayLinkRevoked
from equeue_ui.formatting import date_time
from equeue_ui.services import boards
from equeue_ui.services.views import UserView


async def display_links(queue_id: int, *, user: UserView, base_url: str) -> None:
    # Subscribed before the first read, so a link made or revoked in between shows too.
    changes = (
        Changes()
        .on(DisplayLinkRevoked, lambda e: e.queue_id == queue_id)
        .on(DisplayLinkCreated, lambda e: e.queue_id == queue_id)
    )

    # One redraw at a time: this page's own change and its event (a link made or revoked here
    # or on another open page) would otherwise redraw the list twice at once, doubling it.
    async def redraw() -> None:
        await listing.refresh()

    refresh = coalesced(redraw)

    @ui.refreshable
    async def listing() -> None:
        links = await attempt(boards.list_display_links(queue_id, actor=user)) or []
        for link in links:
            if link.revoked:
                continue
            with ui.row().classes("w-full items-center gap-2 no-wrap").mark("display-link"):
                ui.label(link.label or _("Board link")).classes("grow truncate")
                ui.label(date_time(link.created_at)).classes("text-xs eq-muted")

                async def revoke(link_id: int = link.id) -> None:
                    if await succeeds(boards.revoke_display_link(link_id, actor=user)):
                        await refresh()

                ui.button(_("Revoke"), on_click=revoke, color=None).props("flat dense").classes(
                    "text-negative"
                ).mark("revoke-link")

    async def create() -> None:
        made = await attempt(boards.create_display_link(queue_id, actor=user, label=label.value))
        if made is None:
            return
        url = f"{base_url.rstrip('/')}/board/{made.token}"
        shown.set_text(url)
        shown.classes(remove="hidden")
        label.set_value("")
        await refresh()

    with ui.expansion(_("Board links for the projector"), icon="cast").classes("w-full"):
        ui.label(
            _("Anyone with such a link sees the board without signing in. Revoke it when done.")
        ).classes("text-xs eq-muted")
        with ui.row().classes("w-full items-center gap-2 no-wrap"):
            label = ui.input(_("Where it is shown, e.g. room 4-12")).classes("grow")
            ui.button(_("Make a link"), on_click=create).props("outline").mark("make-link")
        shown = ui.label("").classes("hidden break-all font-mono text-sm").mark("new-link")
        await listing()
    changes.refresh_with(refresh)

"""The classroom board, readable from the back of the room, fed live like every queue view."""

from __future__ import annotations

import segno
from nicegui import ui

from components.i18n import _
from components.live import on_event
from components.queue_broadcast import payload_json
from components.queue_follow import follow_queue
from equeue_ui.events import DisplayLinkRevoked
from equeue_ui.services.boards import BoardInfo
from equeue_ui.services.views import QueueSnapshot


class BoardView(ui.element, component="board_view.js"):
    def __init__(self, snapshot: QueueSnapshot, *, info: BoardInfo, join_url: str) -> None:
        super().__init__()
        self.snapshot = snapshot
        self.props["initial"] = payload_json(snapshot)
        self.props["queue-id"] = snapshot.queue_id
        self.props["subject"] = info.subject_name
        self.props["full-names"] = info.full_names
        self.props["qr-svg"] = segno.make(join_url, error="m").svg_inline(
            scale=8, border=1, svgclass="eq-qr", omitsize=True
        )
        self.props["short-link"] = join_url.split("://", 1)[-1]
        self.props["labels"] = {
            "open": _("open"),
            "paused": _("paused"),
            "closed": _("closed"),
            "serving": _("Now at the desk"),
            "next": _("Next"),
            "empty": _("Nobody is waiting."),
            "waiting": _("Waiting"),
            # The numbers go in by the browser (components/board_view.js).
            "estimate": _("A newcomer waits about {low}–{high} min"),
            "next_now": _("A newcomer is called next"),
            "no_estimate": _("Not enough data for a wait estimate yet"),
            "join": _("Join the queue:"),
        }


async def board(info: BoardInfo, *, join_url: str) -> None:
    """Lay out the full-screen board for ``info``'s queue and keep it live."""
    ui.query(".nicegui-content").classes("p-0 gap-0")
    ui.add_css(".eq-qr { width: 100%; height: 100%; }")
    view: BoardView | None = None

    def keep(snapshot: QueueSnapshot) -> None:
        if view is not None:
            view.snapshot = snapshot

    snapshot = (await follow_queue(info.queue_id, keep)).snapshot
    if snapshot is None:
        return
    view = BoardView(snapshot, info=info, join_url=join_url).mark("board")

    async def reload() -> None:
        ui.navigate.reload()

    # A revoked link stops at once; changed board settings are re-read the same way.
    on_event(
        DisplayLinkRevoked,
        lambda e: e.queue_id == info.queue_id and e.link_id in (None, info.link_id),
        reload,
    )

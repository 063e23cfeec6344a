"""The queue's list as one browser-drawn element, fed by the per-queue broadcast."""

from __future__ import annotations

from nicegui import ui

from components.i18n import _
from components.queue_broadcast import payload_json
from equeue_ui.services.views import QueueSnapshot


class QueueView(ui.element, component="queue_view.js"):
    """Positions, names, tasks and statuses; the browser keeps the newest version it received.

    ``snapshot`` is what this client was last sent, for tests and for the page's own logic; it
    is kept as a plain attribute (not a prop) so a change costs no per-client work here.
    """

    def __init__(self, snapshot: QueueSnapshot, *, me: int | None) -> None:
        super().__init__()
        self.snapshot = snapshot
        self.props["initial"] = payload_json(snapshot)
        self.props["queue-id"] = snapshot.queue_id
        self.props["me"] = me
        self.props["labels"] = {
            "open": _("open"),
            "paused": _("paused"),
            "closed": _("closed"),
            "size": _("{n} in the queue"),
            "empty": _("Nobody is in the queue."),
            "called": _("at the desk"),
            "frozen": _("frozen"),
        }

"""The queue's list as one browser-drawn element, fed by the per-queue broadcast."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from nicegui import ui

from components.avatar import PALETTE
from components.i18n import _, _forms, language
from equeue_ui.live_transport import payload_json
from equeue_ui.services.views import QueueSnapshot

# The initials' colours in the avatar component's order: the same person, the same colour.
AVATAR_PALETTE = json.dumps(PALETTE)


@dataclass(frozen=True, slots=True)
class JoinOffer:
    """What the reader may join with: the subject's tasks in order and the one to preselect."""

    tasks: list[tuple[int, str]]
    task: int | None


class QueueView(ui.element, component="queue_view.js"):
    """Positions, names, tasks and statuses; the browser keeps the newest version it received.

    ``snapshot`` is what this client was last sent, for tests and for the page's own logic; it
    is kept as a plain attribute (not a prop) so a change costs no per-client work here.
    Above the list, while ``join`` is set, the browser draws a task picker and a join button;
    choosing emits ``join`` with the task's id. With ``sticky_join`` they sit in a bar fixed to
    the bottom of a phone's screen, so joining needs no scrolling on a long page.
    """

    def __init__(
        self, snapshot: QueueSnapshot, *, me: int | None, sticky_join: bool = False
    ) -> None:
        super().__init__()
        self.snapshot = snapshot
        self.offer: JoinOffer | None = None
        self.props["initial"] = payload_json(snapshot)
        self.props["queue-id"] = snapshot.queue_id
        self.props["me"] = me
        # One JSON text per language, shared by every page: a dict prop would be copied into
        # an observable dict on each of thousands of open pages.
        self.props["labels"] = _labels(language())
        self.props["join"] = None
        self.props["sticky-join"] = sticky_join
        self.props["palette"] = AVATAR_PALETTE

    def offer_join(self, offer: JoinOffer | None) -> None:
        """Show the picker and button with these choices, or hide them (``None``)."""
        if offer == self.offer:
            return
        self.offer = offer
        text = None if offer is None else json.dumps({"tasks": offer.tasks, "task": offer.task})
        self.props["join"] = text


@cache
def _labels(code: str) -> str:
    """The view's words in one language (the argument keys the cache; ``_`` reads the client's).

    A text with a count the browser fills in comes in all its plural forms, with the language
    whose rules (the browser's ``Intl.PluralRules``) pick one."""
    return json.dumps(
        {
            "lang": code,
            "open": _("open"),
            "paused": _("paused"),
            "closed": _("closed"),
            "size": _forms("{n} in the queue", "{n} in the queue"),
            "empty": _("Nobody is in the queue."),
            "called": _("at the desk"),
            "frozen": _("frozen"),
            "draw": _("in the draw"),
            "task": _("Task you hand in"),
            "join": _("Join the queue"),
            "list": _("The queue"),
        },
        ensure_ascii=False,
    )

"""The console's waiting students as one browser-drawn element, fed by the per-queue broadcast."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache

from nicegui import ui
from nicegui.events import GenericEventArguments

from components.i18n import _, language
from equeue_ui.live_transport import payload_json
from equeue_ui.services.views import QueueSnapshot


class ConsoleList(ui.element, component="console_list.js"):
    """Each waiting student's place, name, task and marks, with a skip and a remove button.

    The browser keeps the newest snapshot it received; ``snapshot`` is what this console was
    last given, for tests. A button emits only the entry's id: ``on_skip`` and ``on_remove``
    get it as an ``int`` (anything else the browser might send is dropped), and have to look
    it up in what the queue holds now, as the row may be gone by then.
    """

    def __init__(
        self,
        snapshot: QueueSnapshot,
        *,
        on_skip: Callable[[int], object],
        on_remove: Callable[[int], object],
    ) -> None:
        super().__init__()
        self.snapshot = snapshot
        self.props["initial"] = payload_json(snapshot)
        self.props["queue-id"] = snapshot.queue_id
        self.props["labels"] = _labels(language())
        self.on("skip", lambda event: _with_entry_id(event, on_skip))
        self.on("remove", lambda event: _with_entry_id(event, on_remove))


def _with_entry_id(event: GenericEventArguments, handle: Callable[[int], object]) -> object:
    entry_id = event.args
    if isinstance(entry_id, int) and not isinstance(entry_id, bool):
        return handle(entry_id)
    return None


@cache
def _labels(code: str) -> str:
    """The list's words in one language (the argument keys the cache; ``_`` reads the client's):
    one JSON text shared by every console."""
    return json.dumps(
        {
            "empty": _("Nobody is waiting."),
            "list": _("The queue"),
            "frozen": _("frozen"),
            "draw": _("in the draw"),
            # Icon-only buttons: their names say what and whom, in the reader's language.
            "skip": _("Skip: to the end of the queue"),
            "skip_named": _("Skip {name}: to the end of the queue", name="{name}"),
            "remove": _("Remove"),
            "remove_named": _("Remove {name} from the queue", name="{name}"),
        },
        ensure_ascii=False,
    )

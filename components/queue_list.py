"""The rows of a queue, shared by the student page, the console and the board."""

from __future__ import annotations

from nicegui import ui

from components.i18n import _
from db.models import EntryStatus, QueueState
from equeue_ui.services.views import QueueSnapshot


def state_badge(state: QueueState) -> None:
    text, color = {
        QueueState.OPEN: (_("open"), "positive"),
        QueueState.PAUSED: (_("paused"), "warning"),
        QueueState.CLOSED: (_("closed"), "grey"),
    }[state]
    ui.badge(text, color=color).classes("text-sm").mark("queue-state")


def entry_list(snapshot: QueueSnapshot, *, me: int | None = None) -> None:
    if not snapshot.entries:
        ui.label(_("Nobody is in the queue.")).classes("text-grey-7").mark("queue-empty")
        return
    for entry in snapshot.entries:
        mine = entry.user_id == me
        row_classes = "w-full items-center gap-3 px-3 py-2 rounded no-wrap"
        if mine:
            row_classes += " bg-blue-1 dark:bg-blue-10 font-bold"
        with ui.row().classes(row_classes).mark("queue-entry"):
            ui.label(str(entry.position)).classes("w-8 text-right text-lg tabular-nums")
            with ui.column().classes("grow gap-0 min-w-0"):
                ui.label(entry.display_name).classes("truncate w-full").mark("entry-name")
                if entry.task_name:
                    ui.label(entry.task_name).classes("text-xs text-grey-7 truncate w-full")
            if entry.status is EntryStatus.CALLED:
                ui.badge(_("at the desk"), color="positive").classes("shrink-0").mark(
                    "entry-called"
                )
            elif entry.status is EntryStatus.FROZEN:
                ui.badge(_("frozen"), color="info").classes("shrink-0").mark("entry-frozen")

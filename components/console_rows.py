"""What the console draws per student: the card of one at the desk, the row of one waiting; and
the console's colours, readable on the light page and on the dark one."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import ui

from components.a11y import labelled
from components.i18n import _
from equeue_ui.services import queues
from equeue_ui.services.views import EntryStatus, EntryView, QueueState

Action = Callable[..., Awaitable[None]]

# Filled buttons and badges in shades their white (or black) text reads on at 4.5:1 or more,
# in light and in dark alike; Quasar's stock positive, warning, grey and info do not (2.6, 1.7,
# 2.7 and 1.9 under white text).
CALL, ACCEPT, RETURN, SKIP, FROZEN = "blue-9", "green-9", "amber-7", "blue-grey-7", "light-blue-9"
STATE_COLOURS = {
    QueueState.OPEN: ("green-9", None),
    QueueState.PAUSED: (RETURN, "black"),
    QueueState.CLOSED: ("blue-grey-7", None),
}
# The console's own text colours, at least 4.5:1 on the light page and cards and on the dark
# ones (Quasar marks dark mode on <body>; Tailwind's `dark:` variant never applies there). Who
# is at the desk gets a green edge, not a light background that would stay light in the dark.
_CSS = """
.eq-muted { color: #5f6368; }
.body--dark .eq-muted { color: #b0b0b0; }
.eq-danger { color: #c10015; }
.body--dark .eq-danger { color: #ff8a80; }
.eq-desk { border-left: 0.5rem solid #2e7d32; }
.body--dark .eq-desk { border-left-color: #66bb6a; }
"""


def use_colours() -> None:
    """Put the console's colours (below) into the page."""
    ui.add_css(_CSS)


def desk_card(
    entry: EntryView, *, keys: bool, act: Callable[[Action], object], remove: Callable[[], None]
) -> ui.label:
    """A called student's card with what the teacher can do; ``keys``: the card that A, R and S
    act on, which tells screen readers so. Returns the label for the time at the desk."""
    with ui.card().classes("w-full eq-desk").mark("at-desk"):
        with ui.row().classes("w-full items-center gap-2"):
            with ui.column().classes("grow gap-0 min-w-0"):
                ui.label(entry.display_name).classes("text-h6 break-words w-full").mark("desk-name")
                if entry.task_name:
                    ui.label(entry.task_name).classes("eq-muted break-words w-full")
            timer = ui.label("").classes("tabular-nums text-lg").mark("desk-timer")
        with ui.row().classes("gap-2"):
            for label, icon, colour, action, marker, key in (
                (_("Accept (A)"), "check", ACCEPT, queues.accept, "accept", "A"),
                (_("Return (R)"), "undo", RETURN, queues.return_entry, "return", "R"),
                (_("Skip (S)"), "redo", SKIP, queues.skip, "skip", "S"),
            ):
                button = ui.button(label, icon=icon, on_click=lambda a=action: act(a))
                button.props["color"] = colour
                if colour == RETURN:  # amber: black text reads on it, white does not
                    button.props["text-color"] = "black"
                if keys:
                    button.props["aria-keyshortcuts"] = key
                button.mark(marker)
            removing = ui.button(_("Remove"), icon="close", on_click=remove)
            removing.props["color"] = "negative"
            removing.mark("remove")
    return timer


def waiting_row(
    entry: EntryView, *, skip: Callable[[], object], remove: Callable[[], None]
) -> None:
    """A waiting (or frozen) student's row: position, name, task, and two icon buttons."""
    with ui.row().classes("w-full items-center gap-2 no-wrap").mark("console-entry"):
        ui.label(str(entry.position)).classes("w-8 text-right tabular-nums shrink-0")
        with ui.column().classes("grow gap-0 min-w-0"):
            ui.label(entry.display_name).classes("break-words w-full")
            if entry.task_name:
                ui.label(entry.task_name).classes("text-xs eq-muted break-words w-full")
        if entry.status is EntryStatus.FROZEN:
            ui.badge(_("frozen"), color=FROZEN).classes("shrink-0")
        # Icon-only buttons: their names say what and whom, in the reader's language.
        skipping = ui.button(icon="redo", on_click=skip, color=None).props("flat round dense")
        skipping.tooltip(_("Skip: to the end of the queue")).mark("skip-entry")
        labelled(skipping, _("Skip {name}: to the end of the queue", name=entry.display_name))
        removing = ui.button(icon="close", on_click=remove, color=None).props("flat round dense")
        removing.classes("eq-danger").tooltip(_("Remove")).mark("remove-entry")
        labelled(removing, _("Remove {name} from the queue", name=entry.display_name))

"""What the console draws per student at the desk (the browser draws those waiting:
components/console_list.js), and the colours it uses (the theme's, readable on the light page
and on the dark one)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import ui

from components.avatar import avatar
from components.i18n import _
from equeue_ui.services import queues
from equeue_ui.services.views import EntryView, QueueState

Action = Callable[..., Awaitable[None]]

# The theme's roles (components/theme.py keeps their text at 4.5:1 in light and in dark: dark
# shades under white text, light tints under dark text); a neutral shade for skip and closed,
# whose white text reads on it in both.
CALL, ACCEPT, RETURN, SKIP = "primary", "positive", "warning", "blue-grey-7"
STATE_COLOURS = {
    QueueState.OPEN: "positive",
    QueueState.PAUSED: "warning",
    QueueState.CLOSED: "blue-grey-7",
}
# Who is at the desk: a green edge, not a light background that would stay light in the dark
# (Tailwind's `dark:` variant never applies: Quasar marks dark mode on <body>).
_CSS = """
.eq-desk { border-left: 0.5rem solid var(--q-positive); }
"""


def use_colours() -> None:
    """Put the console's style (above) into the page."""
    ui.add_css(_CSS)


def desk_card(
    entry: EntryView, *, keys: bool, act: Callable[[Action], object], remove: Callable[[], None]
) -> ui.label:
    """A called student's card with what the teacher can do; ``keys``: the card that A, R and S
    act on, which tells screen readers so. Returns the label for the time at the desk."""
    with ui.card().classes("w-full eq-desk").mark("at-desk"):
        with ui.row().classes("w-full items-center gap-3 no-wrap"):
            # Large: the teacher recognises who came to the desk.
            avatar(entry.user_id, entry.display_name, entry.picture_key, size="xl").mark(
                "desk-avatar"
            )
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
                if keys:
                    button.props["aria-keyshortcuts"] = key
                button.mark(marker)
            removing = ui.button(_("Remove"), icon="close", on_click=remove)
            removing.props["color"] = "negative"
            removing.mark("remove")
    return timer

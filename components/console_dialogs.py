"""The console's confirmations: removing one student, clearing the whole queue.

A teacher removing someone is deliberate and rare, and nothing in the queue's history can put
the place back afterwards, so these ask first (an undo fits the student's one-tap "Leave"
better). The dialog is a labelled modal: Cancel has the focus, Escape cancels, Tab reaches the
red button; nothing happens until that button is pressed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import ui

from components.a11y import labelled
from components.i18n import _


def confirm(
    *, question: str, detail: str, action: str, marker: str, run: Callable[[], Awaitable[object]]
) -> ui.dialog:
    """Open a dialog asking ``question`` (plain text: a person's name in it stays text);
    ``run`` is awaited only after ``action``'s button is pressed."""
    with ui.dialog() as dialog, ui.card().classes("gap-3 max-w-md").mark(f"{marker}-dialog"):
        ui.label(question).classes("text-h6 break-words")
        details = ui.label(detail).classes("eq-muted")

        async def confirmed() -> None:
            dialog.close()
            await run()

        with ui.row().classes("w-full justify-end gap-2"):
            # Cancel first and focused: a stray Enter keeps everybody in the queue.
            ui.button(_("Cancel"), on_click=dialog.close, color=None).props("flat autofocus").mark(
                f"cancel-{marker}"
            )
            ui.button(action, on_click=confirmed, color="negative").mark(marker)
    # Screen readers announce the question and what it means when the dialog opens.
    labelled(dialog, question)
    dialog.props["aria-describedby"] = details.html_id
    dialog.open()
    return dialog

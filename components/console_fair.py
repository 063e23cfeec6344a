"""The console's part of a fair queue: the presence code (for rooms without a projector), the
fair start's pending draw, and letting a present student in by hand."""

from __future__ import annotations

from datetime import UTC, datetime

from nicegui import ui

from components.a11y import labelled
from components.i18n import _
from components.notices import attempt, succeeds
from equeue_ui.formatting import local
from equeue_ui.services import presence, queues
from equeue_ui.services.presence import PresenceCode
from equeue_ui.services.views import QueueSnapshot, UserView


class FairPart:
    """A line under the console's header: the code now, and the draw still to come."""

    def __init__(self, queue_id: int, *, user: UserView) -> None:
        self.queue_id = queue_id
        self.user = user
        self.code: PresenceCode | None = None
        self.required = False
        self.row = ui.row().classes("w-full items-center gap-3")
        with self.row:
            self.code_label = ui.label().classes("text-h6").mark("console-presence-code")
            self.draw_note = ui.label().classes("eq-muted").mark("console-draw-note")
        self.code_label.props["aria-live"] = "polite"
        self.row.set_visibility(False)
        ui.timer(1.0, self._renew)

    def show(self, snapshot: QueueSnapshot) -> None:
        """Draw the part for ``snapshot``; the code itself comes with the next tick."""
        self.required = snapshot.presence_required
        if snapshot.draw_at is None:
            self.draw_note.set_text("")
        else:
            at = local(snapshot.draw_at).strftime("%H:%M:%S")
            self.draw_note.set_text(
                _("Fair start: the order is drawn at {time}; calling waits for it.", time=at)
            )
        self._draw()

    async def _renew(self) -> None:
        """A new code as the window turns, or when the setting was switched on or off."""
        due = self.code is not None and datetime.now(UTC) >= self.code.changes_at
        if due or self.required != (self.code is not None):
            await self._fetch()
            self._draw()

    async def _fetch(self) -> None:
        self.code = await attempt(presence.code_for_operator(self.queue_id, actor=self.user))

    def _draw(self) -> None:
        text = _("Code to join: {code}", code=self.code.code) if self.code else ""
        self.code_label.set_text(text)
        self.row.set_visibility(bool(text or self.draw_note.text))


async def open_let_in(queue_id: int, *, user: UserView) -> ui.dialog | None:
    """A dialog to put a present student in the queue without a code (a dead phone)."""
    members = await attempt(queues.members_to_let_in(queue_id, actor=user))
    if members is None:
        return None
    with ui.dialog() as dialog, ui.card().classes("w-full max-w-md gap-3").mark("let-in-dialog"):
        title = _("Let a student in")
        ui.label(title).classes("text-h6")
        if not members:
            ui.label(_("Every member of the workspace is in the queue already.")).classes(
                "eq-muted"
            )
        choice = (
            ui.select(
                {member.id: member.display_name for member in members},
                label=_("Student"),
                with_input=True,
            )
            .classes("w-full")
            .mark("let-in-student")
        )

        async def let_in() -> None:
            if choice.value is None:
                ui.notify(_("Choose the student first."), type="warning")
                return
            if await succeeds(queues.let_in(queue_id, actor=user, user_id=int(choice.value))):
                dialog.close()

        with ui.row().classes("w-full justify-end gap-2"):
            ui.button(_("Cancel"), on_click=dialog.close, color=None).props("flat")
            ui.button(_("Let in"), on_click=let_in).mark("let-in")
    labelled(dialog, title)
    dialog.open()
    return dialog

"""`/queues/{id}`: the live queue page for students. `?code=…` (the board's QR link) fills in
the presence code; joining is still the reader's tap on "Join": a GET changes nothing."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from nicegui import ui

from components.frame import frame
from components.i18n import _
from components.notices import or_refusal
from components.queue_panel import QueuePanel, ReaderChanges
from equeue_ui.services import queues
from equeue_ui.services.views import UserView
from pages.guard import signed_in_page


def register() -> None:
    @signed_in_page("/queues/{queue_id}")
    async def queue_page(
        request: Request, user: UserView, queue_id: int, code: str = ""
    ) -> Response | None:
        with frame(_("Queue"), user=user, here=request.url.path):
            changes = ReaderChanges(user)  # before reading what they change
            context = await or_refusal(queues.page(queue_id, actor=user))
            if context is None:
                return None
            ui.link(context.subject_name, f"/subjects/{context.subject_id}").classes(
                "text-h6"
            ).mark("queue-subject")
            panel = QueuePanel(
                queue_id,
                user=user,
                tasks=list(context.tasks),
                handed_in=context.handed_in,
                changes=changes,
            )
            panel.code = code[:12]
            await panel.start(subject_id=context.subject_id)
        return None

"""`/queues/{id}`: the live queue page for students."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from nicegui import ui

from components import session
from components.frame import frame
from components.i18n import _
from components.notices import or_refusal
from components.queue_panel import QueuePanel
from equeue_ui.services import queues, submissions, tasks


def register() -> None:
    @ui.page("/queues/{queue_id}")
    async def queue_page(request: Request, queue_id: int) -> Response | None:
        user = await session.current_user(request)
        if user is None:
            return session.login_redirect(request)
        with frame(_("Queue"), user=user, here=request.url.path):
            snapshot = await or_refusal(queues.get_snapshot(queue_id, actor=user))
            if snapshot is None:
                return None
            ui.link(snapshot.subject_name, f"/subjects/{snapshot.subject_id}").classes(
                "text-h6"
            ).mark("queue-subject")
            items = await tasks.list_tasks(snapshot.subject_id, actor=user)
            marked = await submissions.handed_in_task_ids(snapshot.subject_id, actor=user)
            panel = QueuePanel(queue_id, user=user, tasks=items, handed_in=marked)
            await panel.start(subject_id=snapshot.subject_id)
        return None

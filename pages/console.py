"""`/queues/{id}/console`: the teacher's console; `/teaching`: the teacher's queues."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from nicegui import ui

from components.console import Console, access_changes
from components.display_links import display_links
from components.frame import frame
from components.i18n import _
from components.notices import or_refusal, refusal
from equeue_ui import runtime
from equeue_ui.services import queues, subjects
from equeue_ui.services.views import UserView
from pages.guard import signed_in_page


def register() -> None:
    @signed_in_page("/queues/{queue_id}/console")
    async def console_page(request: Request, user: UserView, queue_id: int) -> Response | None:
        with frame(_("Console"), user=user, here=request.url.path):
            subject_id = 0  # the queue's subject, once read
            access = access_changes(user, lambda: subject_id)
            context = await or_refusal(queues.page(queue_id, actor=user))
            if context is None:
                return None
            if not context.can_operate:
                refusal(_("Only the subject's teachers and workspace admins run the queue."))
                return None
            with ui.row().classes("w-full items-center gap-2"):
                ui.link(context.subject_name, f"/subjects/{context.subject_id}").classes(
                    "text-h6 grow"
                ).mark("console-subject")
                ui.link(_("Board"), f"/queues/{queue_id}/board", new_tab=True).mark("open-board")
                ui.link(_("Statistics"), f"/queues/{queue_id}/stats").mark("open-stats")
            subject_id = context.subject_id
            console = Console(context, user=user, access=access)
            await console.start()
            base = runtime.current().settings.public_url or str(request.base_url)
            await display_links(queue_id, user=user, base_url=base)
        return None

    @signed_in_page("/teaching")
    async def teaching_page(user: UserView) -> None:
        with frame(_("My queues"), user=user, here="/teaching"):
            mine = await subjects.list_teacher_subjects(actor=user)
            if not mine:
                ui.label(
                    _("You teach no subject yet. Open the invite link a group's admin sent you.")
                ).classes("text-grey-7").mark("no-teaching")
            for subject in mine:
                with ui.card().classes("w-full").mark("teaching-subject"):
                    ui.label(subject.name).classes("text-lg font-medium")
                    with ui.row().classes("gap-2"):
                        ui.button(
                            _("Console"),
                            icon="tune",
                            on_click=lambda s=subject: ui.navigate.to(
                                f"/queues/{s.queue_id}/console"
                            ),
                        ).mark("open-console")
                        ui.button(
                            _("Board"),
                            icon="cast",
                            on_click=lambda s=subject: ui.navigate.to(
                                f"/queues/{s.queue_id}/board", new_tab=True
                            ),
                        ).props("outline")
                        ui.button(
                            _("Statistics"),
                            icon="insights",
                            on_click=lambda s=subject: ui.navigate.to(
                                f"/queues/{s.queue_id}/stats"
                            ),
                        ).props("flat").mark("open-stats")

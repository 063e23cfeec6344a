"""`/subjects/{id}`: a subject's tasks with my marks, its requirements, and its queue."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from nicegui import ui

from components.frame import frame
from components.i18n import _
from components.live import Changes, section
from components.notices import or_refusal
from components.queue_panel import QueuePanel, ReaderChanges
from components.task_list import task_list
from components.teacher_invites import teacher_invites
from equeue_ui import runtime
from equeue_ui.events import SubmissionChanged, TaskChanged
from equeue_ui.markdown import render_markdown
from equeue_ui.services import queues, subjects, submissions, tasks
from equeue_ui.services.views import TaskView, UserView
from pages.guard import signed_in_page


def register() -> None:
    @signed_in_page("/subjects/{subject_id}")
    async def subject_page(request: Request, user: UserView, subject_id: int) -> Response | None:
        with frame(_("Subject"), user=user, here=request.url.path):
            # Subscribed before anything is read: what changes meanwhile shows too. A teacher
            # accepting my work, or leaving the queue marked, ticks the box here too.
            task_changes = (
                Changes()
                .on(
                    SubmissionChanged,
                    lambda e: e.user_id == user.id and e.subject_id == subject_id,
                )
                .on(TaskChanged, lambda e: e.subject_id == subject_id)
            )
            mine = ReaderChanges(user)
            subject = await or_refusal(subjects.get_subject(subject_id, actor=user))
            if subject is None:
                return None
            ui.link(_("← Workspace"), f"/workspaces/{subject.workspace_id}").classes("text-sm")
            ui.label(subject.name).classes("text-h5").mark("subject-name")
            if subject.teacher_name or subject.teacher_contact:
                ui.label(
                    " · ".join(p for p in (subject.teacher_name, subject.teacher_contact) if p)
                ).classes("text-grey-8")
            items = await tasks.list_tasks(subject_id, actor=user)
            marked = await submissions.handed_in_task_ids(subject_id, actor=user)

            async def fetch_tasks() -> tuple[list[TaskView], frozenset[int]]:
                current = await tasks.list_tasks(subject_id, actor=user)
                return current, await submissions.handed_in_task_ids(subject_id, actor=user)

            with ui.card().classes("w-full"):
                ui.label(_("Tasks")).classes("text-subtitle1 font-bold")
                refresh_tasks = await section(
                    fetch_tasks, lambda data: task_list(data[0], data[1], user=user)
                )
            task_changes.refresh_with(refresh_tasks)
            if subject.requirements.strip():
                with ui.expansion(_("Requirements"), icon="rule").classes("w-full"):
                    ui.html(render_markdown(subject.requirements), sanitize=False)
            if subject.queue_id is None:
                return None
            context = await queues.page(subject.queue_id, actor=user)
            if context.can_operate:
                with ui.row().classes("gap-2"):
                    ui.button(
                        _("Console"),
                        icon="tune",
                        on_click=lambda: ui.navigate.to(f"/queues/{subject.queue_id}/console"),
                    ).mark("open-console")
                    ui.button(
                        _("Board"),
                        icon="cast",
                        on_click=lambda: ui.navigate.to(
                            f"/queues/{subject.queue_id}/board", new_tab=True
                        ),
                    ).props("outline").mark("open-board")
                    ui.link(_("Statistics"), f"/subjects/{subject.id}/stats").mark("open-stats")
            if context.can_manage:
                ui.button(
                    _("Subject settings"),
                    icon="settings",
                    on_click=lambda: ui.navigate.to(f"/subjects/{subject_id}/settings"),
                ).props("flat dense").mark("subject-settings-link")
                base = runtime.current().settings.public_url or str(request.base_url)
                await teacher_invites(subject.id, user=user, base_url=base)
            ui.label(_("Queue")).classes("text-subtitle1 font-bold")
            # On a phone the offer to join stays at the bottom of the screen: the tasks above
            # may be long, and joining is what a student comes here for in class.
            panel = QueuePanel(
                subject.queue_id,
                user=user,
                tasks=items,
                handed_in=marked,
                changes=mine,
                sticky_join=True,
            )
            await panel.start(subject_id=subject.id)
        return None

"""`/subjects/{id}/settings`: the workspace's admins manage a subject's tasks, its queue's
settings and board names, its teacher invite links and its board links; parts follow live."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from nicegui import ui

from components.display_links import display_links
from components.frame import frame
from components.i18n import _, _n
from components.live import Changes, coalesced, section
from components.notices import attempt, or_refusal, refusal
from components.queue_settings import open_settings
from components.subject_settings_tasks import task_admin
from components.teacher_invites import teacher_invites
from equeue_ui import runtime
from equeue_ui.events import DisplayLinkRevoked, QueueChanged, SubjectChanged, TaskChanged
from equeue_ui.formatting import date_time
from equeue_ui.services import boards, queues, subjects, tasks
from equeue_ui.services.boards import BoardInfo
from equeue_ui.services.views import QueueSnapshot, TaskView, UserView
from pages.guard import signed_in_page


def register() -> None:
    @signed_in_page("/subjects/{subject_id}/settings")
    async def subject_settings_page(
        request: Request, user: UserView, subject_id: int
    ) -> Response | None:
        with frame(_("Subject settings"), user=user, here=request.url.path):
            base_url = runtime.current().settings.public_url or str(request.base_url)
            await _content(subject_id, user, base_url=base_url)
        return None


async def _content(subject_id: int, user: UserView, *, base_url: str) -> None:
    # Subscribed before anything is read: what another admin changes meanwhile shows too.
    queue_id: int | None = None  # the subject's, once read
    renamed = Changes().on(SubjectChanged, lambda e: e.subject_id == subject_id)
    task_changes = Changes().on(TaskChanged, lambda e: e.subject_id == subject_id)
    queue_changes = (
        Changes()
        .on(QueueChanged, lambda e: e.queue_id == queue_id)
        .on(DisplayLinkRevoked, lambda e: e.queue_id == queue_id)
    )
    subject = await or_refusal(subjects.get_subject(subject_id, actor=user))
    if subject is None:
        return
    queue_id = subject.queue_id
    context = await queues.page(queue_id, actor=user) if queue_id is not None else None
    if context is None or not context.can_manage:
        refusal(_("Only the workspace's admins can do that."))
        return
    with ui.row().classes("gap-3 text-sm"):
        ui.link(_("← Subject"), f"/subjects/{subject_id}")
        ui.link(_("Workspace settings"), f"/workspaces/{subject.workspace_id}/settings")
        ui.link(_("Import from eCourses"), f"/subjects/{subject_id}/import").mark(
            "ecourses-import-link"
        )
    title = ui.label(subject.name).classes("text-h5").mark("settings-subject-name")

    with ui.card().classes("w-full gap-2").mark("task-settings"):
        ui.label(_("Tasks")).classes("text-subtitle1 font-bold")
        refresh_tasks = await section(
            lambda: _tasks(subject_id, user), lambda items: task_admin(subject_id, items, user=user)
        )
    task_changes.refresh_with(refresh_tasks)

    assert queue_id is not None
    with ui.card().classes("w-full gap-2").mark("queue-settings-card"):
        ui.label(_("Queue")).classes("text-subtitle1 font-bold")
        refresh_queue = await section(
            lambda: _queue(queue_id, user), lambda found: _queue_summary(found, user=user)
        )
    queue_changes.refresh_with(refresh_queue)

    with ui.card().classes("w-full p-0"):
        await teacher_invites(subject_id, user=user, base_url=base_url)
    with ui.card().classes("w-full p-0"):
        await display_links(queue_id, user=user, base_url=base_url)

    async def retitle() -> None:
        current = await attempt(subjects.get_subject(subject_id, actor=user))
        if current is None:  # deleted, or the rights are gone: show why instead
            ui.navigate.reload()
            return
        title.set_text(current.name)

    renamed.refresh_with(coalesced(retitle))


def _queue_summary(found: tuple[QueueSnapshot, BoardInfo] | None, *, user: UserView) -> None:
    if found is None:
        return
    snapshot, board = found
    facts = [
        _("Students may freeze their place")
        if snapshot.members_can_freeze
        else _("Freezing is switched off"),
        _n("At most {n} person", "At most {n} people", snapshot.max_size)
        if snapshot.max_size
        else _("No size limit"),
        _("Names on the board in full")
        if board.full_names
        else _("Names on the board as First L."),
        _("Pictures on the board") if board.pictures else _("No pictures on the board"),
    ]
    if snapshot.opens_at:
        facts.append(_("Opens automatically at {when}", when=date_time(snapshot.opens_at)))
    if snapshot.closes_at:
        facts.append(_("Closes automatically at {when}", when=date_time(snapshot.closes_at)))
    with ui.column().classes("gap-0").mark("queue-facts"):
        for fact in facts:
            ui.label(fact).classes("text-sm").mark("queue-fact")
    ui.button(
        _("Change the queue settings"),
        icon="tune",
        on_click=lambda: open_settings(
            snapshot, user=user, full_names=board.subject_setting, board_pictures=board.pictures
        ),
    ).props("outline").mark("open-queue-settings")


async def _tasks(subject_id: int, user: UserView) -> list[TaskView]:
    return await attempt(tasks.list_tasks(subject_id, actor=user)) or []


async def _queue(queue_id: int, user: UserView) -> tuple[QueueSnapshot, BoardInfo] | None:
    snapshot = await attempt(queues.get_snapshot(queue_id, actor=user))
    board = await attempt(boards.board_for_operator(queue_id, actor=user))
    return None if snapshot is None or board is None else (snapshot, board)

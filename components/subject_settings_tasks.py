"""A subject's tasks for the workspace's admins: create, edit, move up or down, delete."""

from __future__ import annotations

from datetime import datetime

from nicegui import ui

from components.a11y import labelled
from components.i18n import _
from components.notices import attempt, succeeds
from equeue_ui.formatting import date_time, from_input, to_input
from equeue_ui.services import tasks
from equeue_ui.services.views import TaskView, UserView


def task_admin(subject_id: int, items: list[TaskView], *, user: UserView) -> None:
    """The list redraws itself from ``TaskChanged``, for this admin and every other one."""
    ui.button(
        _("New task"), icon="add", on_click=lambda: _edit_dialog(subject_id, None, user=user)
    ).mark("new-task")
    with ui.column().classes("w-full gap-1").mark("task-admin"):
        if not items:
            ui.label(_("No tasks yet.")).classes("eq-muted")
        for index, task in enumerate(items):
            _task_row(task, first=index == 0, last=index == len(items) - 1, user=user)


def _task_row(task: TaskView, *, first: bool, last: bool, user: UserView) -> None:
    async def move(delta: int) -> None:
        await succeeds(tasks.move_task(task.id, actor=user, delta=delta))

    with (
        ui.row()
        .classes("w-full items-center gap-1 no-wrap")
        .mark("task-row", f"task-row-{task.id}")
    ):
        with ui.column().classes("grow gap-0 min-w-0"):
            ui.label(task.name).classes("break-words w-full").mark("task-row-name")
            extras = []
            if task.due_at:
                extras.append(_("Due {when}", when=date_time(task.due_at)))
            if task.url:
                extras.append(task.url)
            if extras:
                ui.label(" · ".join(extras)).classes("text-xs eq-muted truncate w-full")
        up = labelled(ui.button(icon="arrow_upward", on_click=lambda: move(-1)), _("Move up"))
        up.props("flat dense round").mark("task-up")
        down = labelled(ui.button(icon="arrow_downward", on_click=lambda: move(1)), _("Move down"))
        down.props("flat dense round").mark("task-down")
        if first:
            up.disable()
        if last:
            down.disable()
        labelled(
            ui.button(icon="edit", on_click=lambda: _edit_dialog(task.subject_id, task, user=user)),
            _("Edit"),
        ).props("flat dense round").mark("edit-task")
        labelled(
            ui.button(icon="delete", on_click=lambda: _confirm_delete(task, user=user)), _("Delete")
        ).props("flat dense round color=negative").mark("delete-task")


def _edit_dialog(subject_id: int, task: TaskView | None, *, user: UserView) -> None:
    with ui.dialog() as dialog, ui.card().classes("w-full max-w-md gap-2").mark("task-form"):
        ui.label(_("Edit the task") if task else _("New task")).classes("text-h6")
        name = (
            ui.input(_("Name"), value=task.name if task else "")
            .classes("w-full")
            .mark("task-name-input")
        )
        link = (
            ui.input(_("Link (optional)"), value=(task.url or "") if task else "")
            .classes("w-full")
            .mark("task-url-input")
        )
        due = (
            ui.input(_("Due (optional)"), value=to_input(task.due_at) if task else "")
            .props("type=datetime-local stack-label clearable")
            .classes("w-full")
            .mark("task-due-input")
        )

        async def save() -> None:
            try:
                due_at: datetime | None = from_input(due.value)
            except ValueError:
                ui.notify(_("Enter the due date as date and time."), type="warning")
                return
            if task is None:
                done = await attempt(
                    tasks.create_task(
                        subject_id, actor=user, name=name.value or "", url=link.value, due_at=due_at
                    ),
                    success=_("Saved."),
                )
            else:
                done = await attempt(
                    tasks.update_task(
                        task.id, actor=user, name=name.value or "", url=link.value, due_at=due_at
                    ),
                    success=_("Saved."),
                )
            if done is not None:
                dialog.close()

        with ui.row().classes("w-full justify-end"):
            ui.button(_("Cancel"), on_click=dialog.close).props("flat")
            ui.button(_("Save"), on_click=save).mark("save-task")
    dialog.open()


def _confirm_delete(task: TaskView, *, user: UserView) -> None:
    with ui.dialog() as dialog, ui.card().classes("gap-3").mark("confirm-task-delete"):
        ui.label(
            _("Delete the task {name} with everyone's handed-in marks for it?", name=task.name)
        )

        async def delete() -> None:
            if await succeeds(tasks.delete_task(task.id, actor=user)):
                dialog.close()

        with ui.row().classes("w-full justify-end"):
            ui.button(_("Cancel"), on_click=dialog.close).props("flat")
            ui.button(_("Delete"), on_click=delete).props("color=negative").mark(
                "confirm-delete-task"
            )
    dialog.open()

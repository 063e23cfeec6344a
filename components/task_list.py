"""A subject's tasks in order, each with its due date, link, and my handed-in mark."""

from __future__ import annotations

from datetime import UTC, datetime

from nicegui import ui
from nicegui.events import ValueChangeEventArguments

from components.i18n import _
from components.links import web_link
from components.notices import succeeds
from equeue_ui.formatting import date_time
from equeue_ui.services import submissions
from equeue_ui.services.views import TaskView, UserView


def task_list(tasks: list[TaskView], handed_in: frozenset[int], *, user: UserView) -> None:
    with ui.column().classes("w-full gap-1").mark("tasks"):
        if not tasks:
            ui.label(_("No tasks yet.")).classes("text-grey-7").mark("no-tasks")
        for task in tasks:
            _task_row(task, task.id in handed_in, user=user)


def _task_row(task: TaskView, done: bool, *, user: UserView) -> None:
    async def toggle(event: ValueChangeEventArguments) -> None:
        if event.value == done_state["value"]:
            return
        action = submissions.mark_handed_in if event.value else submissions.unmark_handed_in
        if not await succeeds(action(task.id, actor=user)):
            done_state["value"] = not event.value
            box.set_value(not event.value)  # refused: show the mark as it really is
            return
        done_state["value"] = event.value

    done_state = {"value": done}
    with ui.row().classes("w-full items-center gap-2 no-wrap").mark(f"task-{task.id}"):
        box = ui.checkbox(value=done, on_change=toggle).mark("handed-in")
        with ui.column().classes("grow gap-0 min-w-0"):
            name = web_link(task.name, task.url).classes("w-full break-words")
            if task.due_at:
                overdue = task.due_at < datetime.now(UTC) and not done
                ui.label(_("Due {when}", when=date_time(task.due_at))).classes("text-xs").classes(
                    "text-negative" if overdue else "text-grey-7"
                ).mark("due")
    # The box is named by the task's name beside it (a screen reader says "Lab 1, checkbox,
    # checked"): by reference, so the name is not copied into the page a second time.
    box.props["aria-labelledby"] = name.html_id

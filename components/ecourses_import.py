"""Importing from eCourses: course proposals → subjects, a course's assignments → tasks.

Each list is an :class:`EcoursesPanel`: it loads after the page is connected and asks for the
admin's eCourses sign-in in place when it is missing or expires, keeping what they ticked.
Assignments hidden from students are listed, marked, and not ticked unless the admin ticks them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import ui

from components.ecourses_panel import EcoursesPanel
from components.i18n import _, _n
from components.links import web_link
from equeue_ui.formatting import date_time
from equeue_ui.services import ecourses_import, ecourses_tasks, subjects
from equeue_ui.services.ecourses_import import CourseProposal
from equeue_ui.services.ecourses_tasks import TaskProposal, TaskStatus
from equeue_ui.services.views import SubjectView, UserView


def subject_import(workspace_id: int, *, actor: UserView) -> None:
    # The courses the admin ticked, kept while they sign in to eCourses again.
    ticked: set[int] = set()

    async def proposals() -> tuple[list[CourseProposal], list[SubjectView]]:
        found = await ecourses_import.propose_subjects(workspace_id, actor=actor)
        made = await subjects.list_subjects(workspace_id, actor=actor)
        return found, [subject for subject in made if subject.ecourses_course_id is not None]

    def show(
        loaded: tuple[list[CourseProposal], list[SubjectView]],
        panel: EcoursesPanel[tuple[list[CourseProposal], list[SubjectView]]],
    ) -> None:
        found, linked = loaded
        _linked_subjects(linked)
        if not found:
            ui.label(_("Every course of yours is already imported here.")).mark("no-proposals")
            return
        ui.label(_("Choose the courses to create subjects for:"))
        chosen: dict[int, ui.checkbox] = {}
        for course in found:
            with ui.row().classes("items-center gap-2 w-full no-wrap"):
                box = ui.checkbox(course.name, value=course.course_id in ticked).mark(
                    "course-choice"
                )
                if course.name_taken:
                    box.disable()
                    box.value = False
                    ui.badge(_("a subject of this name exists"), color="warning").mark(
                        "course-name-taken"
                    )
                else:
                    chosen[course.course_id] = box
                    box.on_value_change(
                        lambda event, course_id=course.course_id: _toggle(
                            ticked, course_id, event.value
                        )
                    )
                if not course.visible:
                    ui.badge(_("hidden"), color="grey-8").mark("course-hidden")
                ui.space()
                web_link(_("on eCourses"), course.url).classes("text-sm")

        async def create() -> None:
            ids = [course_id for course_id, box in chosen.items() if box.value]
            if not ids:
                ui.notify(_("Choose at least one course."), type="warning", position="top")
                return
            button.disable()
            result = await panel.act(
                ecourses_import.import_subjects(workspace_id, ids, actor=actor)
            )
            _enable(button)
            if result is not None:
                ticked.clear()
                _report(result.created, result.skipped)
                await panel.reload()

        button = ui.button(_("Create subjects"), icon="download", on_click=create).mark(
            "import-subjects"
        )

    EcoursesPanel(proposals, show, actor=actor)


def task_import(subject_id: int, *, actor: UserView) -> None:
    # The admin's own ticks (assignment id → ticked), kept while they sign in again.
    ticks: dict[int, bool] = {}

    async def preview() -> list[TaskProposal]:
        return await ecourses_tasks.preview_tasks(subject_id, actor=actor)

    def show(found: list[TaskProposal], panel: EcoursesPanel[list[TaskProposal]]) -> None:
        if not found:
            ui.label(_("The course has no assignments.")).mark("no-assignments")
            return
        boxes: dict[int, ui.checkbox] = {}
        for item in found:
            # Wraps on a phone: the name on its line, the date and badges under it.
            with ui.row().classes("items-center gap-x-2 gap-y-0 w-full").mark("task-proposal"):
                if item.status is TaskStatus.DUPLICATE:
                    ui.label(item.name).classes("line-through eq-muted").mark("proposal-name")
                else:
                    box = ui.checkbox(
                        item.name, value=ticks.get(item.ecourses_id, item.chosen_by_default)
                    ).mark("proposal-name")
                    box.on_value_change(
                        lambda event, key=item.ecourses_id: _tick(ticks, key, event.value)
                    )
                    boxes[item.ecourses_id] = box
                with ui.row().classes("items-center gap-2 ml-auto"):
                    if item.due_at is not None:
                        ui.label(date_time(item.due_at)).classes("text-sm eq-muted")
                    if item.hidden:
                        ui.badge(_("hidden in eCourses"), color="grey-8").mark("proposal-hidden")
                    _status_badge(item.status)
        if not boxes:
            ui.label(_("Every assignment is already a task here.")).mark("nothing-new")
            return

        def chosen() -> list[int]:
            return [key for key, box in boxes.items() if box.value]

        def _tick(store: dict[int, bool], key: int, value: bool) -> None:
            store[key] = value
            button.set_text(_import_label(len(chosen())))

        async def run() -> None:
            ids = chosen()
            if not ids:
                ui.notify(_("Choose at least one assignment."), type="warning", position="top")
                return
            button.disable()
            result = await panel.act(
                ecourses_tasks.import_tasks(subject_id, actor=actor, chosen=ids)
            )
            _enable(button)
            if result is not None:
                ticks.clear()
                _report(result.created, result.skipped)
                await panel.reload()

        button = ui.button(_import_label(len(chosen())), icon="download", on_click=run).mark(
            "import-tasks"
        )

    EcoursesPanel(preview, show, actor=actor)


def course_link(
    subject: SubjectView, *, actor: UserView, on_linked: Callable[[], Awaitable[None]]
) -> None:
    """For a subject made by hand: pick its eCourses course (one not linked here yet)."""

    async def proposals() -> list[CourseProposal]:
        return await ecourses_import.propose_subjects(subject.workspace_id, actor=actor)

    def show(found: list[CourseProposal], panel: EcoursesPanel[list[CourseProposal]]) -> None:
        if not found:
            ui.label(_("None of your eCourses courses is free to link.")).mark("no-courses")
            return
        ui.label(_("This subject is not linked to an eCourses course. Choose its course:"))
        options = {course.course_id: course.name for course in found}
        same_name = next((c.course_id for c in found if c.name == subject.name), None)
        choice = (
            ui.select(options, value=same_name, label=_("Course"))
            .classes("w-full max-w-md")
            .mark("course-select")
        )

        async def link() -> None:
            if choice.value is None:
                ui.notify(_("Choose a course."), type="warning", position="top")
                return
            linked = await panel.act(
                ecourses_tasks.link_course(subject.id, int(choice.value), actor=actor)
            )
            if linked is not None:
                await on_linked()

        ui.button(_("Link and continue"), icon="link", on_click=link).mark("link-course")

    EcoursesPanel(proposals, show, actor=actor)


# --- helpers ----------------------------------------------------------------------------------


def _linked_subjects(linked: list[SubjectView]) -> None:
    """Subjects of the workspace that come from eCourses, each with its task import."""
    if not linked:
        return
    ui.label(_("Subjects from eCourses here:")).classes("font-bold")
    for subject in linked:
        with ui.row().classes("items-center gap-2 w-full no-wrap").mark("linked-subject"):
            ui.link(subject.name, f"/subjects/{subject.id}")
            ui.space()
            ui.link(_("Import tasks"), f"/subjects/{subject.id}/import").classes("text-sm").mark(
                "import-tasks-link"
            )
            ui.link(_("Sync with eCourses"), f"/subjects/{subject.id}/import?tab=sync").classes(
                "text-sm"
            ).mark("sync-tasks-link")
    ui.separator()


def _status_badge(status: TaskStatus) -> None:
    text, color = {
        TaskStatus.NEW: (_("new"), "positive"),
        TaskStatus.RENAMED: (_("new, section name added"), "info"),
        TaskStatus.DUPLICATE: (_("already there: skipped"), "grey-8"),
    }[status]
    ui.badge(text, color=color).mark(f"status-{status.value}")


def _enable(button: ui.button) -> None:
    # The panel may have turned into the eCourses sign-in meanwhile, taking the button along.
    if not button.is_deleted:
        button.enable()


def _import_label(n: int) -> str:
    return _n("Import {n} task", "Import {n} tasks", n)


def _toggle(ticked: set[int], key: int, value: bool) -> None:
    if value:
        ticked.add(key)
    else:
        ticked.discard(key)


def _report(created: tuple[str, ...], skipped: tuple[str, ...]) -> None:
    text = _n("Imported {n} task.", "Imported {n} tasks.", len(created))
    if skipped:
        text += " " + _("Skipped (already there): {names}.", names=", ".join(skipped))
    ui.notify(text, type="positive" if created else "info", position="top", multi_line=True)

"""Importing from eCourses: course proposals → subjects, a course's assignments → tasks.

eCourses may take seconds to answer, so each panel draws itself empty, then loads once the
browser is connected (a page must return quickly). When the admin's eCourses sign-in is missing
or expired, the panel asks for it in place and loads again afterwards.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from nicegui import ui

from components.i18n import _, language
from components.links import web_link
from components.notices import attempt
from equeue_ui.ecourses.errors import EcoursesTokenExpired
from equeue_ui.errors import DomainError
from equeue_ui.formatting import date_time
from equeue_ui.services import ecourses_accounts, ecourses_import, ecourses_tasks, subjects
from equeue_ui.services.ecourses_import import CourseProposal
from equeue_ui.services.ecourses_tasks import TaskProposal, TaskStatus
from equeue_ui.services.views import SubjectView, UserView

T = TypeVar("T")


def subject_import(workspace_id: int, *, actor: UserView) -> None:
    async def proposals() -> tuple[list[CourseProposal], list[SubjectView]]:
        found = await ecourses_import.propose_subjects(workspace_id, actor=actor)
        made = await subjects.list_subjects(workspace_id, actor=actor)
        return found, [subject for subject in made if subject.ecourses_course_id is not None]

    def show(
        loaded: tuple[list[CourseProposal], list[SubjectView]],
        reload: Callable[[], Awaitable[None]],
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
                box = ui.checkbox(course.name).mark("course-choice")
                if course.name_taken:
                    box.disable()
                    ui.badge(_("a subject of this name exists"), color="warning").mark(
                        "course-name-taken"
                    )
                else:
                    chosen[course.course_id] = box
                if not course.visible:
                    ui.badge(_("hidden"), color="grey").mark("course-hidden")
                ui.space()
                web_link(_("on eCourses"), course.url).classes("text-sm")

        async def create() -> None:
            ids = [course_id for course_id, box in chosen.items() if box.value]
            if not ids:
                ui.notify(_("Choose at least one course."), type="warning", position="top")
                return
            button.disable()
            result = await attempt(ecourses_import.import_subjects(workspace_id, ids, actor=actor))
            button.enable()
            if result is not None:
                _report(result.created, result.skipped)
                await reload()

        button = ui.button(_("Create subjects"), icon="download", on_click=create).mark(
            "import-subjects"
        )

    _loading_panel(proposals, show, actor=actor)


def task_import(subject_id: int, *, actor: UserView) -> None:
    async def preview() -> list[TaskProposal]:
        return await ecourses_tasks.preview_tasks(subject_id, actor=actor)

    def show(found: list[TaskProposal], reload: Callable[[], Awaitable[None]]) -> None:
        if not found:
            ui.label(_("The course has no assignments.")).mark("no-assignments")
            return
        for item in found:
            with ui.row().classes("items-center gap-2 w-full no-wrap").mark("task-proposal"):
                ui.label(item.name).classes(
                    "line-through text-grey-6" if item.status is TaskStatus.DUPLICATE else ""
                ).mark("proposal-name")
                ui.space()
                if item.due_at is not None:
                    ui.label(date_time(item.due_at)).classes("text-sm text-grey-8")
                _status_badge(item.status)
        new = sum(1 for item in found if item.status is not TaskStatus.DUPLICATE)
        if not new:
            ui.label(_("Every assignment is already a task here.")).mark("nothing-new")
            return

        async def run() -> None:
            button.disable()
            result = await attempt(ecourses_tasks.import_tasks(subject_id, actor=actor))
            button.enable()
            if result is not None:
                _report(result.created, result.skipped)
                await reload()

        button = ui.button(_("Import {n} tasks", n=new), icon="download", on_click=run).mark(
            "import-tasks"
        )

    _loading_panel(preview, show, actor=actor)


def course_link(
    subject: SubjectView, *, actor: UserView, on_linked: Callable[[], Awaitable[None]]
) -> None:
    """For a subject made by hand: pick its eCourses course (one not linked here yet)."""

    async def proposals() -> list[CourseProposal]:
        return await ecourses_import.propose_subjects(subject.workspace_id, actor=actor)

    def show(found: list[CourseProposal], _reload: Callable[[], Awaitable[None]]) -> None:
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
            linked = await attempt(
                ecourses_tasks.link_course(subject.id, int(choice.value), actor=actor)
            )
            if linked is not None:
                await on_linked()

        ui.button(_("Link and continue"), icon="link", on_click=link).mark("link-course")

    _loading_panel(proposals, show, actor=actor)


def connect_form(*, actor: UserView, on_connected: Callable[[], Awaitable[None]]) -> None:
    """eCourses username and password, to link the account or renew an expired sign-in."""

    # Failed attempts count per address too, as on the sign-in page.
    address = ui.context.client.ip

    async def submit() -> None:
        if not username.value.strip() or not password.value:
            ui.notify(_("Enter your eCourses username and password."), type="warning")
            return
        button.disable()
        linked = await attempt(
            ecourses_accounts.connect_ecourses(
                username.value, password.value, actor=actor, address=address
            )
        )
        button.enable()
        password.set_value("")
        if linked is not None:
            await on_connected()

    with ui.column().classes("w-full max-w-sm gap-1").mark("ecourses-connect-form"):
        username = ui.input(_("eCourses username")).classes("w-full").mark("ecourses-username")
        password = (
            ui.input(_("eCourses password"), password=True, password_toggle_button=True)
            .classes("w-full")
            .mark("ecourses-password")
        )
        password.on("keydown.enter", submit)
        button = ui.button(_("Sign in with eCourses"), on_click=submit).mark("ecourses-connect")


# --- helpers ----------------------------------------------------------------------------------


def _loading_panel(
    load: Callable[[], Awaitable[T]],
    show: Callable[[T, Callable[[], Awaitable[None]]], None],
    *,
    actor: UserView,
) -> None:
    panel = ui.column().classes("w-full gap-2").mark("ecourses-panel")

    async def reload() -> None:
        panel.clear()
        with panel:
            ui.spinner(size="lg").mark("ecourses-loading")
        try:
            found = await load()
        except EcoursesTokenExpired as error:
            panel.clear()
            with panel:
                ui.label(error.render(language())).classes("text-warning").mark("ecourses-sign-in")
                connect_form(actor=actor, on_connected=reload)
            return
        except DomainError as error:
            panel.clear()
            with panel:
                ui.label(error.render(language())).classes("text-negative").mark("ecourses-error")
                ui.button(_("Try again"), icon="refresh", on_click=reload).props("flat").mark(
                    "ecourses-retry"
                )
            return
        panel.clear()
        with panel:
            show(found, reload)

    ui.timer(0, reload, once=True)


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
    ui.separator()


def _status_badge(status: TaskStatus) -> None:
    text, color = {
        TaskStatus.NEW: (_("new"), "positive"),
        TaskStatus.RENAMED: (_("new, section name added"), "info"),
        TaskStatus.DUPLICATE: (_("already there: skipped"), "grey"),
    }[status]
    ui.badge(text, color=color).mark(f"status-{status.value}")


def _report(created: tuple[str, ...], skipped: tuple[str, ...]) -> None:
    text = _("Imported: {n}.", n=len(created))
    if skipped:
        text += " " + _("Skipped (already there): {names}.", names=", ".join(skipped))
    ui.notify(text, type="positive" if created else "info", position="top", multi_line=True)

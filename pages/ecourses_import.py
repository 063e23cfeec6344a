"""Import from eCourses (workspace admins): `/workspaces/{id}/import` proposes courses as
subjects, `/subjects/{id}/import` previews and imports a course's assignments as tasks and
(`?tab=sync`) syncs the tasks with what changed in eCourses since."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from nicegui import ui

from components.ecourses_import import course_link, subject_import, task_import
from components.ecourses_sync import task_sync
from components.frame import frame
from components.i18n import _
from components.links import web_link
from components.notices import or_refusal, refusal
from equeue_ui.services import subjects, workspaces
from equeue_ui.services.views import UserView, WorkspaceView
from pages.guard import signed_in_page


def register() -> None:
    @signed_in_page("/workspaces/{workspace_id}/import")
    async def subjects_page(request: Request, user: UserView, workspace_id: int) -> Response | None:
        with frame(_("Import from eCourses"), user=user, here=request.url.path):
            workspace = await or_refusal(workspaces.get_workspace(workspace_id, actor=user))
            if workspace is None or not _may_import(workspace, user):
                return None
            ui.link(_("← Workspace"), f"/workspaces/{workspace_id}").classes("text-sm")
            ui.label(_("Subjects from your eCourses courses")).classes("text-h6")
            ui.label(
                _(
                    "Courses you are enrolled in on eCourses; those already imported into "
                    "this workspace are not shown."
                )
            ).classes("eq-muted")
            subject_import(workspace_id, actor=user)
        return None

    @signed_in_page("/subjects/{subject_id}/import")
    async def tasks_page(request: Request, user: UserView, subject_id: int) -> Response | None:
        with frame(_("Import from eCourses"), user=user, here=request.url.path):
            subject = await or_refusal(subjects.get_subject(subject_id, actor=user))
            if subject is None:
                return None
            workspace = await or_refusal(workspaces.get_workspace(subject.workspace_id, actor=user))
            if workspace is None or not _may_import(workspace, user):
                return None
            ui.link(_("← Subject"), f"/subjects/{subject_id}").classes("text-sm")
            ui.label(_("Tasks from the assignments of “{name}”", name=subject.name)).classes(
                "text-h6"
            )
            if subject.ecourses_url:
                web_link(_("The course on eCourses"), subject.ecourses_url)
            body = ui.column().classes("w-full gap-2")

            async def show_tasks() -> None:
                body.clear()
                with body:
                    _task_tabs(subject_id, user, request.query_params.get("tab"))

            with body:
                if subject.ecourses_course_id is not None:
                    _task_tabs(subject_id, user, request.query_params.get("tab"))
                else:
                    course_link(subject, actor=user, on_linked=show_tasks)
        return None


def _task_tabs(subject_id: int, user: UserView, start: str | None) -> None:
    """Import (the course's assignments not yet here) and sync (what changed in eCourses). Each
    reads eCourses when first shown, not both at once."""
    with (
        ui.tabs()
        .classes("w-full")
        .props("dense inline-label align=left outside-arrows mobile-arrows") as tabs
    ):
        ui.tab("import", _("New assignments"), icon="download").mark("tab-import")
        ui.tab("sync", _("Sync with eCourses"), icon="sync").mark("tab-sync")
    with ui.tab_panels(tabs, value="sync" if start == "sync" else "import").classes(
        "w-full bg-transparent"
    ) as panels:
        import_panel = ui.tab_panel("import").classes("px-0 gap-2")
        sync_panel = ui.tab_panel("sync").classes("px-0 gap-2")
    drawn: set[str] = set()

    def draw(name: object) -> None:
        if name in drawn:
            return
        if name == "import":
            drawn.add("import")
            with import_panel:
                ui.label(
                    _(
                        "Assignments come in the course's section order with their due dates. "
                        "Those already here are skipped; a name that repeats in the course gets "
                        "its section name added. Assignments hidden from students are not "
                        "chosen unless you choose them."
                    )
                ).classes("eq-muted")
                task_import(subject_id, actor=user)
        elif name == "sync":
            drawn.add("sync")
            with sync_panel:
                ui.label(
                    _(
                        "What changed in eCourses since the tasks were imported: new "
                        "assignments, due dates, names, and assignments removed there. Choose "
                        "the changes to apply; no task is deleted."
                    )
                ).classes("eq-muted")
                task_sync(subject_id, actor=user)

    draw(panels.value)
    panels.on_value_change(lambda event: draw(event.value))


def _may_import(workspace: WorkspaceView, user: UserView) -> bool:
    """Importing creates subjects and tasks: the workspace's admins only (SPEC §2). The services
    refuse anyone else too; this shows the refusal instead of an import form that cannot work."""
    if workspace.is_admin or user.is_site_admin:
        return True
    refusal(_("Only the workspace's admins can do that."))
    return False

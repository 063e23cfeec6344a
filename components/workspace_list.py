"""The viewer's workspaces and their group's others, with the viewer's membership in each."""

from __future__ import annotations

from nicegui import ui

from components.i18n import _, _n
from components.notices import attempt
from equeue_ui.services import workspaces
from equeue_ui.services.views import MemberStatus, UserView, WorkspaceView


def workspace_list(
    items: list[WorkspaceView], *, user: UserView, waiting: dict[int, int] | None = None
) -> None:
    """``waiting``: join requests waiting per workspace, shown to the workspace's admins."""
    with ui.column().classes("w-full gap-2").mark("workspace-list"):
        ui.label(_("Workspaces")).classes("text-subtitle1 font-bold")
        if not items:
            ui.label(_("No workspaces yet.")).classes("eq-muted").mark("no-workspaces")
        for item in items:
            _workspace_row(item, user=user, waiting=(waiting or {}).get(item.id, 0))
        if user.group_id is not None:
            _create_form(user)


def _workspace_row(item: WorkspaceView, *, user: UserView, waiting: int) -> None:
    async def request_join() -> None:
        if await attempt(
            workspaces.request_to_join(item.id, actor=user),
            success=_("Request sent. An admin of the workspace will approve it."),
        ):
            ui.navigate.reload()

    with (
        ui.card().classes("w-full").mark(f"workspace-{item.id}"),
        ui.row().classes("w-full items-center gap-2"),
    ):
        ui.icon("workspaces").classes("text-primary")
        # A long name wraps rather than losing its end; the badges and button go to the next
        # line when the name needs the room (a phone).
        ui.label(item.name).classes("text-base font-medium grow basis-40 break-words")
        if item.my_status is MemberStatus.APPROVED:
            if item.is_admin:
                ui.badge(_("admin")).props("outline")
            if waiting:
                ui.badge(
                    _n("Join requests waiting: {n}", "Join requests waiting: {n}", waiting),
                    color="negative",
                ).mark("pending-requests")
            ui.button(_("Open"), on_click=lambda: ui.navigate.to(f"/workspaces/{item.id}")).props(
                "flat"
            ).mark("open-workspace")
        elif item.my_status is MemberStatus.PENDING:
            ui.badge(_("waiting for approval"), color="orange").mark("pending")
        else:
            if item.my_status is MemberStatus.REJECTED:
                ui.badge(_("request rejected"), color="red").mark("rejected")
            ui.button(_("Ask to join"), on_click=request_join).props("flat").mark("request-join")


def _create_form(user: UserView) -> None:
    """A button that opens the form: most people join their group's workspace, and a form
    on the start page asked every student to make one."""

    async def create() -> None:
        created = await attempt(workspaces.create_workspace(name.value, actor=user))
        if created is not None:
            ui.navigate.to(f"/workspaces/{created.id}")

    def open_form() -> None:
        opener.set_visibility(False)
        form.set_visibility(True)
        name.run_method("focus")

    opener = (
        ui.button(_("New workspace"), icon="add", on_click=open_form)
        .props("flat no-caps")
        .mark("open-create-workspace")
    )
    with ui.row().classes("w-full items-center gap-2 no-wrap").mark("create-workspace") as form:
        name = ui.input(_("New workspace name")).classes("grow").mark("new-workspace-name")
        name.on("keydown.enter", create)
        ui.button(_("Create"), on_click=create).props("outline").mark("create-workspace-button")
    form.set_visibility(False)

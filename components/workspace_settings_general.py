"""The general settings of a workspace: its name, and deleting it after typing that name."""

from __future__ import annotations

from nicegui import ui

from components.i18n import _
from components.notices import attempt, succeeds
from equeue_ui.services import workspaces
from equeue_ui.services.views import UserView, WorkspaceView


def rename_card(workspace: WorkspaceView, *, user: UserView) -> None:
    async def rename() -> None:
        renamed = await attempt(
            workspaces.rename_workspace(workspace.id, name.value or "", actor=user),
            success=_("Saved."),
        )
        if renamed is not None:
            name.set_value(renamed.name)

    with ui.card().classes("w-full gap-2").mark("rename-workspace"):
        ui.label(_("Name")).classes("text-subtitle1 font-bold")
        with ui.row().classes("w-full items-center gap-2 no-wrap"):
            name = (
                ui.input(_("Workspace name"), value=workspace.name)
                .classes("grow")
                .mark("workspace-name-input")
            )
            ui.button(_("Rename"), on_click=rename).mark("rename")


def delete_card(workspace: WorkspaceView, *, user: UserView) -> None:
    """Deleting takes every subject, task, queue and membership with it, so the admin types the
    workspace's name first: a stray click cannot do it."""

    async def delete() -> None:
        if (typed.value or "").strip() != workspace.name:
            ui.notify(_("Type the workspace's name exactly to delete it."), type="warning")
            return
        if await succeeds(
            workspaces.delete_workspace(workspace.id, actor=user), success=_("Deleted.")
        ):
            ui.navigate.to("/")

    with ui.card().classes("w-full gap-2 border border-red-300").mark("delete-workspace"):
        ui.label(_("Delete the workspace")).classes("text-subtitle1 font-bold text-negative")
        ui.label(
            _(
                "Its subjects, tasks, queues, handed-in marks and members are deleted for good. "
                "Type its name to confirm: {name}",
                name=workspace.name,
            )
        ).classes("text-sm")
        with ui.row().classes("w-full items-center gap-2 no-wrap"):
            typed = ui.input(_("Workspace name")).classes("grow").mark("delete-confirmation")
            ui.button(_("Delete"), icon="delete_forever", on_click=delete).props(
                "color=negative"
            ).mark("delete-workspace-button")

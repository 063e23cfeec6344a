"""The members of a workspace for its admins: make or unmake admins, remove people."""

from __future__ import annotations

from nicegui import ui

from components.a11y import labelled
from components.avatar import person_avatar
from components.i18n import _
from components.notices import succeeds
from equeue_ui.services import workspaces
from equeue_ui.services.views import MemberRole, MemberView, UserView


def member_admin(workspace_id: int, members: list[MemberView], *, user: UserView) -> None:
    """Approved members with their role and actions. The list redraws itself from the membership
    event, for this admin and every other one."""
    admins = [m for m in members if m.role is MemberRole.ADMIN]
    if len(admins) == 1:
        ui.label(
            _(
                "{name} is the only admin. Make another member an admin before they step down "
                "or leave.",
                name=admins[0].user.display_name,
            )
        ).classes("text-sm eq-note rounded p-2 w-full").mark("last-admin-notice")
    with ui.column().classes("w-full gap-1").mark("member-admin"):
        if not members:
            ui.label(_("No members yet.")).classes("eq-muted")
        for member in members:
            _member_row(workspace_id, member, user=user, sole_admin=admins == [member])


def _member_row(workspace_id: int, member: MemberView, *, user: UserView, sole_admin: bool) -> None:
    target = member.user

    async def promote() -> None:
        await succeeds(workspaces.promote(workspace_id, target.id, actor=user))

    async def demote() -> None:
        await succeeds(workspaces.demote(workspace_id, target.id, actor=user))

    with (
        ui.row()
        .classes("w-full items-center gap-2 no-wrap")
        .mark("member-row", f"member-{target.username}")
    ):
        person_avatar(target)
        with ui.column().classes("grow gap-0 min-w-0"):
            ui.label(target.display_name).classes("truncate").mark("member-name")
            ui.label(f"@{target.username}").classes("text-xs eq-muted")
        if member.role is MemberRole.ADMIN:
            ui.badge(_("admin")).props("outline").mark("admin-badge")
            demote_button = (
                ui.button(_("Remove admin rights"), on_click=demote)
                .props("flat dense")
                .mark("demote")
            )
            if sole_admin:
                demote_button.disable()
        else:
            ui.button(_("Make admin"), on_click=promote).props("flat dense").mark("promote")
        remove_button = labelled(
            ui.button(
                icon="person_remove",
                on_click=lambda: _confirm_removal(workspace_id, member, user=user),
            ),
            _("Remove"),
        )
        remove_button.props("flat dense round color=negative").mark("remove-member")
        remove_button.tooltip(_("Remove from the workspace"))
        if sole_admin:
            remove_button.disable()


def _confirm_removal(workspace_id: int, member: MemberView, *, user: UserView) -> None:
    with ui.dialog() as dialog, ui.card().classes("gap-3").mark("confirm-removal"):
        ui.label(
            _(
                "Remove {name} from the workspace? Their places in queues go; what they handed "
                "in is kept.",
                name=member.user.display_name,
            )
        )

        async def remove() -> None:
            if await succeeds(workspaces.remove_member(workspace_id, member.user.id, actor=user)):
                dialog.close()

        with ui.row().classes("w-full justify-end"):
            ui.button(_("Cancel"), on_click=dialog.close).props("flat")
            ui.button(_("Remove"), on_click=remove).props("color=negative").mark("confirm-remove")
    dialog.open()

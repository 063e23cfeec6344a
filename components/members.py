"""Workspace members, join requests (for admins) and the leaderboard."""

from __future__ import annotations

from nicegui import ui

from components.avatar import person_avatar
from components.i18n import _, _n
from components.notices import attempt
from equeue_ui.services import workspaces
from equeue_ui.services.views import LeaderboardRow, MemberRole, MemberView, UserView


def member_list(members: list[MemberView]) -> None:
    with ui.column().classes("w-full gap-1").mark("members"):
        for member in members:
            with ui.row().classes("items-center gap-2"):
                person_avatar(member.user, size="sm")
                ui.label(member.user.display_name).mark("member-name")
                if member.role is MemberRole.ADMIN:
                    ui.badge(_("admin")).props("outline")


def join_requests(workspace_id: int, pending: list[MemberView], *, actor: UserView) -> None:
    """Pending requests with approve and reject buttons (shown to admins only); the list
    redraws itself from the membership event, for this admin and every other one."""

    async def decide(member: MemberView, approve: bool) -> None:
        action = workspaces.approve if approve else workspaces.reject
        await attempt(action(workspace_id, member.user.id, actor=actor))

    with ui.column().classes("w-full gap-1").mark("join-requests"):
        if not pending:
            ui.label(_("No requests waiting.")).classes("eq-muted")
        for member in pending:
            with ui.row().classes("w-full items-center gap-2 no-wrap").mark("join-request"):
                person_avatar(member.user, size="sm")
                ui.label(member.user.display_name).classes("grow truncate")
                ui.button(_("Approve"), on_click=lambda m=member: decide(m, True)).props(
                    "flat color=positive dense"
                ).mark("approve")
                ui.button(_("Reject"), on_click=lambda m=member: decide(m, False)).props(
                    "flat color=negative dense"
                ).mark("reject")


def leaderboard_table(rows: list[LeaderboardRow]) -> None:
    with ui.column().classes("w-full gap-1").mark("leaderboard"):
        if not rows:
            ui.label(_("Nobody has handed anything in yet.")).classes("eq-muted")
        for place, row in enumerate(rows, start=1):
            with ui.row().classes("w-full items-center gap-2 no-wrap"):
                ui.label(f"{place}.").classes("w-6 text-right tabular-nums")
                person_avatar(row.user, size="sm")
                ui.label(row.user.display_name).classes("grow truncate")
                handed_in = _n("{n} handed in", "{n} handed in", row.handed_in)
                ui.label(handed_in).classes("text-sm").mark("leaderboard-count")

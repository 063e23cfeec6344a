"""`/workspaces/{id}`: subjects with progress, join requests for admins, members, leaderboard."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from nicegui import ui

from components.frame import frame
from components.i18n import _, _n
from components.live import Changes, Refresh, coalesced
from components.members import join_requests, leaderboard_table, member_list
from components.notices import or_refusal
from components.subject_card import subject_card
from equeue_ui.errors import DomainError
from equeue_ui.events import MembershipChanged, SubjectChanged
from equeue_ui.services import subjects, submissions, workspaces
from equeue_ui.services.views import MemberStatus, UserView, WorkspaceView
from pages.guard import signed_in_page


def register() -> None:
    @signed_in_page("/workspaces/{workspace_id}")
    async def workspace_page(
        request: Request, user: UserView, workspace_id: int
    ) -> Response | None:
        with frame(_("Workspace"), user=user, here=request.url.path):
            await _content(workspace_id, user)
        return None


async def _content(workspace_id: int, user: UserView) -> None:
    # Subscribed before anything is read: what changes meanwhile shows too.
    membership = Changes().on(MembershipChanged, lambda e: e.workspace_id == workspace_id)
    subject_changes = Changes().on(SubjectChanged, lambda e: e.workspace_id == workspace_id)
    workspace = await or_refusal(workspaces.get_workspace(workspace_id, actor=user))
    if workspace is None:
        return
    runs_it = workspace.is_admin or user.is_site_admin
    with ui.row().classes("w-full items-center no-wrap gap-2"):
        ui.label(workspace.name).classes("text-h5 grow min-w-0 break-words").mark("workspace-name")
        if runs_it:
            ui.button(
                _("Settings"),
                icon="settings",
                on_click=lambda: ui.navigate.to(f"/workspaces/{workspace_id}/settings"),
            ).props("flat dense").mark("workspace-settings-link")
            ui.button(
                _("Statistics"),
                icon="insights",
                on_click=lambda: ui.navigate.to(f"/workspaces/{workspace_id}/stats"),
            ).props("flat dense").mark("workspace-stats-link")

    @ui.refreshable
    async def waiting_requests() -> None:
        """At the top, for its admins: how many wait to join (the list is further down)."""
        if not runs_it:
            return
        counts = await workspaces.pending_request_counts(actor=user, workspace_ids=[workspace_id])
        if count := counts.get(workspace_id, 0):
            ui.button(
                _n("Join requests waiting: {n}", "Join requests waiting: {n}", count),
                icon="how_to_reg",
                on_click=lambda: ui.navigate.to(f"/workspaces/{workspace_id}/settings"),
            ).props("flat dense no-caps color=negative").mark("pending-requests")

    await waiting_requests()

    @ui.refreshable
    async def subject_section() -> None:
        items = await subjects.list_subjects(workspace_id, actor=user)
        progress = await submissions.progress(workspace_id, actor=user)
        due = await submissions.next_due(workspace_id, actor=user)
        with_deadlines = await submissions.subjects_with_due_dates(workspace_id, actor=user)
        if not items:
            ui.label(_("No subjects yet.")).classes("eq-muted").mark("no-subjects")
        for subject in items:
            subject_card(
                subject,
                progress=progress.get(subject.id, (0, 0)),
                next_due=due.get(subject.id),
                has_deadlines=subject.id in with_deadlines,
            )

    @ui.refreshable
    async def people_section() -> None:
        if workspace.is_admin or user.is_site_admin:
            pending = await workspaces.list_members(
                workspace_id, actor=user, statuses=(MemberStatus.PENDING,)
            )
            with ui.expansion(
                _n("Join requests ({n})", "Join requests ({n})", len(pending)),
                icon="how_to_reg",
                value=bool(pending),
            ).classes("w-full"):
                join_requests(workspace_id, pending, actor=user)
        members = await workspaces.list_members(workspace_id, actor=user)
        members_title = _n("Members ({n})", "Members ({n})", len(members))
        with ui.expansion(members_title, icon="group").classes("w-full"):
            member_list(members)
        board = await submissions.leaderboard(workspace_id, actor=user, limit=10)
        with ui.expansion(_("Leaderboard"), icon="emoji_events").classes("w-full"):
            leaderboard_table(board)

    ui.label(_("Subjects")).classes("text-subtitle1 font-bold")
    await subject_section()
    await people_section()

    async def membership_changed() -> None:
        await waiting_requests.refresh()
        await people_section.refresh()

    membership.refresh_with(_while_member(workspace, user, coalesced(membership_changed)))
    subject_changes.refresh_with(coalesced(subject_section.refresh))


def _while_member(workspace: WorkspaceView, user: UserView, refresh: Refresh) -> Refresh:
    """``refresh``, after checking the reader is still a member."""

    async def changed() -> None:
        try:
            await workspaces.get_workspace(workspace.id, actor=user)
        except DomainError:  # no longer a member: the page must stop showing the data
            ui.navigate.reload()
            return
        await refresh()

    return changed

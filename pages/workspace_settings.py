"""`/workspaces/{id}/settings`: a workspace's admins (and site admins) manage its name, join
requests, members, subjects and student invite links; every part follows other admins live."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from nicegui import ui

from components.frame import frame
from components.i18n import _
from components.live import Changes, Refresh, coalesced, section
from components.members import join_requests
from components.notices import attempt, or_refusal, refusal
from components.student_invites import invite_list, invite_maker
from components.workspace_settings_general import delete_card, rename_card
from components.workspace_settings_people import member_admin
from components.workspace_settings_subjects import subject_admin
from equeue_ui import runtime
from equeue_ui.errors import DomainError
from equeue_ui.events import InvitesChanged, MembershipChanged, SubjectChanged, WorkspaceChanged
from equeue_ui.services import student_invites, subjects, workspaces
from equeue_ui.services.student_invites import StudentInviteView
from equeue_ui.services.views import MemberStatus, MemberView, SubjectView, UserView, WorkspaceView
from pages.guard import signed_in_page


def register() -> None:
    @signed_in_page("/workspaces/{workspace_id}/settings")
    async def workspace_settings_page(
        request: Request, user: UserView, workspace_id: int
    ) -> Response | None:
        with frame(_("Workspace settings"), user=user, here=request.url.path):
            base_url = runtime.current().settings.public_url or str(request.base_url)
            await _content(workspace_id, user, base_url=base_url)
        return None


async def general_tab(workspace: WorkspaceView, *, user: UserView) -> None:
    """The "General" tab: the workspace's own settings (more sections may join these)."""
    rename_card(workspace, user=user)
    delete_card(workspace, user=user)


async def _content(workspace_id: int, user: UserView, *, base_url: str) -> None:
    # Subscribed before anything is read: what another admin changes meanwhile shows too.
    membership = Changes().on(MembershipChanged, lambda e: e.workspace_id == workspace_id)
    renamed = Changes().on(WorkspaceChanged, lambda e: e.workspace_id == workspace_id)
    subject_changes = Changes().on(SubjectChanged, lambda e: e.workspace_id == workspace_id)
    invite_changes = Changes().on(
        InvitesChanged, lambda e: e.workspace_id == workspace_id and e.subject_id is None
    )
    workspace = await or_refusal(workspaces.get_workspace(workspace_id, actor=user))
    if workspace is None:
        return
    if not (workspace.is_admin or user.is_site_admin):
        refusal(_("Only the workspace's admins can do that."))
        return
    ui.link(_("← Workspace"), f"/workspaces/{workspace_id}").classes("text-sm")
    title = ui.label(workspace.name).classes("text-h5").mark("settings-workspace-name")
    with ui.tabs().classes("w-full").props("dense align=left outside-arrows mobile-arrows") as tabs:
        general = ui.tab("general", _("General"), icon="settings").mark("tab-general")
        requests = ui.tab("requests", _("Join requests"), icon="how_to_reg").mark("tab-requests")
        with requests:
            waiting = ui.badge("", color="negative").props("floating").mark("pending-count")
        people = ui.tab("members", _("Members"), icon="group").mark("tab-members")
        subject_tab = ui.tab("subjects", _("Subjects"), icon="menu_book").mark("tab-subjects")
        invites = ui.tab("invites", _("Invite link"), icon="link").mark("tab-invites")
    # Selected by name, not by the tab: the tabs holding their tab would keep a closed page
    # in a cycle for the garbage collector (tests/ui/test_closed_page_garbage.py).
    with ui.tab_panels(tabs, value="general").classes("w-full bg-transparent"):
        with ui.tab_panel(general).classes("gap-3 px-0"):
            await general_tab(workspace, user=user)
        with ui.tab_panel(requests).classes("px-0"):

            def draw_requests(pending: list[MemberView]) -> None:
                waiting.set_text(str(len(pending)))
                waiting.set_visibility(bool(pending))
                join_requests(workspace_id, pending, actor=user)

            refresh_requests = await section(
                lambda: _members(workspace_id, user, MemberStatus.PENDING), draw_requests
            )
        with ui.tab_panel(people).classes("px-0"):
            refresh_members = await section(
                lambda: _members(workspace_id, user, MemberStatus.APPROVED),
                lambda members: member_admin(workspace_id, members, user=user),
            )
        with ui.tab_panel(subject_tab).classes("px-0 gap-2"):
            ui.link(_("Import from eCourses"), f"/workspaces/{workspace_id}/import").mark(
                "ecourses-import-link"
            )
            refresh_subjects = await section(
                lambda: _subjects(workspace_id, user),
                lambda items: subject_admin(workspace_id, items, user=user),
            )
        with ui.tab_panel(invites).classes("px-0 gap-3"):
            invite_maker(workspace_id, user=user, base_url=base_url)
            refresh_invites = await section(
                lambda: _invites(workspace_id, user), lambda found: invite_list(found, user=user)
            )

    async def still_admin() -> bool:
        """After any change to the workspace: an admin who lost the rights (or a deleted
        workspace) sees the refusal at once instead of stale data."""
        try:
            current = await workspaces.get_workspace(workspace_id, actor=user)
        except DomainError:
            ui.navigate.reload()
            return False
        if not (current.is_admin or user.is_site_admin):
            ui.navigate.reload()
            return False
        title.set_text(current.name)
        return True

    def guarded(*refreshes: Refresh) -> Refresh:
        async def run() -> None:
            if await still_admin():
                for refresh in refreshes:
                    await refresh()

        return coalesced(run)

    membership.refresh_with(guarded(refresh_requests, refresh_members))
    renamed.refresh_with(guarded())
    subject_changes.refresh_with(guarded(refresh_subjects))
    invite_changes.refresh_with(guarded(refresh_invites))


# Reads for the live parts: a refusal (rights lost meanwhile) shows as a notice, not an error.


async def _members(workspace_id: int, user: UserView, status: MemberStatus) -> list[MemberView]:
    found = await attempt(workspaces.list_members(workspace_id, actor=user, statuses=(status,)))
    return found or []


async def _subjects(workspace_id: int, user: UserView) -> list[SubjectView]:
    return await attempt(subjects.list_subjects(workspace_id, actor=user)) or []


async def _invites(workspace_id: int, user: UserView) -> list[StudentInviteView]:
    return await attempt(student_invites.list_invites(workspace_id, actor=user)) or []

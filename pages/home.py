"""`/`: the sign-in form for visitors; who is signed in and their workspaces for members."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from nicegui import ui

from components import session
from components.frame import frame
from components.i18n import _
from components.live import Changes, coalesced, drawn_section
from components.workspace_list import workspace_list
from equeue_ui.errors import DomainError
from equeue_ui.events import GroupsChanged, MembershipChanged, UserChanged, WorkspaceChanged
from equeue_ui.services import accounts, groups, workspaces
from equeue_ui.services.views import GroupView, MemberStatus
from pages.auth import sign_in_response
from pages.guard import page_at


def register() -> None:
    @page_at("/")
    async def home_page(request: Request) -> Response | None:
        user = await session.current_user(request)
        if user is None:
            return await sign_in_response(request, "/", welcome=True)
        with frame(_("Home"), user=user, here="/"):
            ui.label(_("Signed in as {name}", name=user.display_name)).classes("text-h6").mark(
                "welcome"
            )
            shown: list[int | None] = [None]  # the group on the page
            administered: set[int] = set()  # the workspaces on the page this user runs
            # Subscribed before anything is read: what changes meanwhile shows too.
            # My group renamed or deleted (or many at once), or another one chosen (that
            # changes the workspaces listed too).
            group_changes = (
                Changes()
                .on(GroupsChanged, lambda e: e.group_id in (None, shown[0]))
                .on(UserChanged, about=("user_id", user.id))
            )
            # An admin approving my request, or a new workspace of my group, shows up at once.
            listing_changes = (
                Changes()
                .on(MembershipChanged, about=("user_id", user.id))
                # someone asking to join (or decided on) in a workspace this user runs
                .on(MembershipChanged, lambda e: e.workspace_id in administered)
                .on(WorkspaceChanged, lambda _e: True)
                .on(UserChanged, about=("user_id", user.id))
            )

            async def my_group() -> GroupView | None:
                try:  # the group chosen since, in another tab or by an admin
                    group_id = (await accounts.get_user(user.id)).group_id
                except DomainError:  # blocked meanwhile: the frame signs this page out
                    return None
                return await groups.get_group(group_id) if group_id else None

            def draw_group(group: GroupView | None) -> None:
                shown[0] = group.id if group else None
                _group_row(group)

            # the first draw from the signed-in user as read for this request; refreshes re-read
            first = await groups.get_group(user.group_id) if user.group_id else None
            group_changes.refresh_with(drawn_section(first, my_group, draw_group))

            waiting_for: set[int] = set()  # those this user asked to join, as last drawn

            @ui.refreshable
            async def listing() -> None:
                mine = await workspaces.list_my_workspaces(actor=user)
                of_group = await workspaces.list_group_workspaces(actor=user)
                known = {w.id for w in mine}
                items = mine + [w for w in of_group if w.id not in known]
                administered.clear()
                administered.update(w.id for w in items if w.is_admin)
                for item in items:  # an admin let this user in while the page was open
                    if item.id in waiting_for and item.my_status is MemberStatus.APPROVED:
                        ui.notify(
                            _("You are now a member of {name}", name=item.name),
                            type="positive",
                            position="top",
                        )
                waiting_for.clear()
                waiting_for.update(w.id for w in items if w.my_status is MemberStatus.PENDING)
                waiting = (
                    await workspaces.pending_request_counts(actor=user, workspace_ids=administered)
                    if administered
                    else {}
                )
                workspace_list(items, user=user, waiting=waiting)

            await listing()
            listing_changes.refresh_with(coalesced(listing.refresh))
        return None


def _group_row(group: GroupView | None) -> None:
    with ui.row().classes("items-center gap-2"):
        ui.label(_("Group: {name}", name=group.name) if group else _("No group chosen")).mark(
            "my-group"
        )
        ui.button(
            _("Change group") if group else _("Choose your group"),
            on_click=lambda: ui.navigate.to("/groups"),
        ).props("flat dense").mark("choose-group")

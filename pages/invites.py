"""`/invites/teacher/{token}`: a teacher accepts an invite to a subject.
`/invites/workspace/{token}`: a student joins a workspace through an admin's link."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from nicegui import ui

from components.frame import frame
from components.i18n import _
from components.notices import attempt, or_refusal
from equeue_ui.services import student_invites, teaching
from equeue_ui.services.views import MemberStatus, UserView
from pages.guard import signed_in_page


def register() -> None:
    @signed_in_page("/invites/teacher/{token}")
    async def teacher_invite_page(request: Request, user: UserView, token: str) -> Response | None:
        with frame(_("Invitation"), user=user, here=request.url.path):
            subject = await or_refusal(teaching.invite_subject(token))
            if subject is None:
                return None

            async def accept() -> None:
                accepted = await attempt(teaching.accept_invite(token, actor=user))
                if accepted is not None:
                    ui.navigate.to("/teaching")

            with ui.card().classes("w-full items-center text-center gap-3 py-6"):
                ui.icon("school", size="xl").classes("text-primary")
                ui.label(_("You are invited to teach {subject}", subject=subject.name)).classes(
                    "text-lg"
                ).mark("invite-subject")
                ui.button(_("Accept"), icon="check", on_click=accept).mark("accept-invite")
        return None

    @signed_in_page("/invites/workspace/{token}")
    async def student_invite_page(request: Request, user: UserView, token: str) -> Response | None:
        with frame(_("Invitation"), user=user, here=request.url.path):
            await _student_invite(token, user)
        return None


async def _student_invite(token: str, user: UserView) -> None:
    workspace = await or_refusal(student_invites.invite_workspace(token, actor=user))
    if workspace is None:
        return

    async def join() -> None:
        joined = await attempt(student_invites.accept_invite(token, actor=user))
        if joined is not None:
            ui.navigate.to(f"/workspaces/{joined.id}")

    with ui.card().classes("w-full items-center text-center gap-3 py-6"):
        ui.icon("group_add", size="xl").classes("text-primary")
        ui.label(_("You are invited to the workspace {name}", name=workspace.name)).classes(
            "text-lg"
        ).mark("invite-workspace")
        if workspace.my_status is MemberStatus.APPROVED:
            ui.label(_("You are already a member of this workspace.")).mark("already-member")
            ui.button(
                _("Open the workspace"),
                on_click=lambda: ui.navigate.to(f"/workspaces/{workspace.id}"),
            ).mark("open-workspace")
        else:
            ui.button(_("Join"), icon="check", on_click=join).mark("accept-student-invite")

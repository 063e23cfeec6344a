"""`/invites/teacher/{token}`: a teacher accepts an invite to a subject."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from nicegui import ui

from components import session
from components.frame import frame
from components.i18n import _
from components.notices import attempt, or_refusal
from equeue_ui.services import teaching


def register() -> None:
    @ui.page("/invites/teacher/{token}")
    async def teacher_invite_page(request: Request, token: str) -> Response | None:
        user = await session.current_user(request)
        if user is None:
            return session.login_redirect(request)
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

"""`/groups`: choose one's study group, with type-ahead search over thousands of groups."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from nicegui import ui

from components import session
from components.frame import frame
from components.group_picker import group_picker
from components.i18n import _


def register() -> None:
    @ui.page("/groups")
    async def groups_page(request: Request) -> Response | None:
        user = await session.current_user(request)
        if user is None:
            return session.login_redirect(request)
        with frame(_("Your group"), user=user, here="/groups"):
            await group_picker(user)
        return None

"""Site administration (site admins only): `/admin/users`."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from nicegui import ui

from components import session
from components.frame import frame
from components.i18n import _
from components.notices import refusal
from components.user_admin import user_admin


def register() -> None:
    @ui.page("/admin/users")
    async def users_page(request: Request) -> Response | None:
        user = await session.current_user(request)
        if user is None:
            return session.login_redirect(request)
        with frame(_("Users"), user=user, here=request.url.path):
            if not user.is_site_admin:
                refusal(_("Only site administrators can do that."))
                return None
            await user_admin(actor=user)
        return None

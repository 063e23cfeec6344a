"""Site administration (site admins only): users, groups, settings, audit log, status."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi.responses import RedirectResponse, Response

from components.admin_audit import audit_admin
from components.admin_groups import group_admin
from components.admin_nav import admin_nav
from components.admin_settings import settings_admin
from components.admin_status import status_admin
from components.frame import frame
from components.i18n import _
from components.notices import refusal
from components.user_admin import user_admin
from equeue_ui.services.views import UserView
from pages.guard import page_at, signed_in_page

Body = Callable[..., Awaitable[None]]


def register() -> None:
    @page_at("/admin")
    def admin_home() -> Response:
        return RedirectResponse("/admin/users", status_code=303)

    # Titles are functions: they are translated for each reader, on each visit.
    _admin_page("/admin/users", lambda: _("Users"), user_admin)
    _admin_page("/admin/groups", lambda: _("Groups"), group_admin)
    _admin_page("/admin/settings", lambda: _("Site settings"), settings_admin)
    _admin_page("/admin/audit", lambda: _("Audit log"), audit_admin)
    _admin_page("/admin/status", lambda: _("Status"), status_admin)


def _admin_page(path: str, title: Callable[[], str], body: Body) -> None:
    @signed_in_page(path)
    async def page(user: UserView) -> None:
        await _draw(user, path, title(), body)


async def _draw(user: UserView, path: str, title: str, body: Body) -> None:
    with frame(title, user=user, here=path):
        if not user.is_site_admin:
            refusal(_("Only site administrators can do that."))
            return
        admin_nav(path)
        await body(actor=user)

"""Site administration of users: find them, grant or take roles, block."""

from __future__ import annotations

from nicegui import ui

from components.account_merge import merge_into_dialog
from components.i18n import _
from components.live import Changes, Refresh, coalesced
from components.notices import attempt, succeeds
from components.password_reset_link import reset_link_dialog
from equeue_ui.events import UserChanged
from equeue_ui.services import accounts
from equeue_ui.services.accounts import UserRow
from equeue_ui.services.views import UserView


async def user_admin(*, actor: UserView) -> None:
    # Another admin's change (here or in another process) shows at once.
    changes = Changes().on(UserChanged, lambda _event: True)
    users = _UserSearch(actor)
    await users.search()
    changes.refresh_with(coalesced(users.search))


class _UserSearch:
    """The search box and its results. A class rather than a closure: a search that passes
    itself on to the rows it draws would hold itself, and the closed page, in a cycle."""

    def __init__(self, actor: UserView) -> None:
        self.actor = actor
        self.latest = 0
        self.query = (
            ui.input(_("Search by username or name"), on_change=self.search)
            .props("clearable debounce=250 autofocus")
            .classes("w-full")
            .mark("user-search")
        )
        self.results = ui.column().classes("w-full gap-2")

    async def search(self) -> None:
        self.latest += 1
        mine = self.latest
        found = accounts.search_users(self.query.value or "", actor=self.actor)
        rows = await attempt(found) or []
        if mine != self.latest:
            return
        self.results.clear()
        with self.results:
            if not rows:
                ui.label(_("Nobody matches.")).classes("eq-muted")
            for row in rows:
                _user_row(row, actor=self.actor, search=self.search)


def _user_row(row: UserRow, *, actor: UserView, search: Refresh) -> None:
    """One user's card; ``search`` redraws the results (after a refusal, or a merge)."""
    user = row.user

    async def roles(teacher: bool | None = None, site_admin: bool | None = None) -> None:
        # Success redraws through UserChanged; a refusal redraws here to undo the switch.
        if not await succeeds(
            accounts.set_roles(user.id, actor=actor, teacher=teacher, site_admin=site_admin)
        ):
            await search()

    async def block(value: bool) -> None:
        if not await succeeds(accounts.set_blocked(user.id, value, actor=actor)):
            await search()

    with ui.card().classes("w-full gap-1").mark("admin-user"):
        with ui.row().classes("w-full items-center gap-2 no-wrap"):
            ui.label(user.display_name).classes("font-medium grow truncate")
            ui.label(f"@{user.username}").classes("text-xs eq-muted").mark("admin-user-name")
            if row.blocked:
                ui.badge(_("blocked"), color="negative")
        with ui.row().classes("items-center gap-3"):
            ui.switch(
                _("Teacher"),
                value=user.is_teacher,
                on_change=lambda e: roles(teacher=bool(e.value)),
            ).mark("role-teacher")
            ui.switch(
                _("Site admin"),
                value=user.is_site_admin,
                on_change=lambda e: roles(site_admin=bool(e.value)),
            ).mark("role-site-admin")
            ui.button(
                _("Unblock") if row.blocked else _("Block"),
                on_click=lambda: block(not row.blocked),
            ).props("flat dense color=negative").mark("block-user")
            if user.has_password and not row.blocked:
                ui.button(
                    _("Password reset link…"),
                    on_click=lambda: reset_link_dialog(user, actor=actor),
                ).props("flat dense").mark("make-reset-link")
            if user.id != actor.id:
                ui.button(
                    _("Merge into…"),
                    on_click=lambda: merge_into_dialog(user, actor=actor, merged=search),
                ).props("flat dense").mark("merge-user")

"""`/groups`: choose one's study group, with type-ahead search over thousands of groups."""

from __future__ import annotations

from components.frame import frame
from components.group_picker import group_picker
from components.i18n import _
from equeue_ui.services.views import UserView
from pages.guard import signed_in_page


def register() -> None:
    @signed_in_page("/groups")
    async def groups_page(user: UserView) -> None:
        with frame(_("Your group"), user=user, here="/groups"):
            await group_picker(user)

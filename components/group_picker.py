"""Type-ahead group search: a few matches per keystroke, never the whole list."""

from __future__ import annotations

from nicegui import ui

from components.i18n import _
from components.live import Changes, coalesced
from components.notices import attempt
from equeue_ui.events import GroupsChanged
from equeue_ui.services import accounts, groups
from equeue_ui.services.views import GroupView, UserView

RESULTS = 30


async def group_picker(user: UserView) -> None:
    changes = Changes().on(GroupsChanged, lambda _e: True)  # added, renamed, deleted

    async def choose(group: GroupView) -> None:
        if await attempt(accounts.set_group(group.id, actor=user)):
            ui.navigate.to("/")

    latest = 0

    async def search() -> None:
        nonlocal latest
        latest += 1
        mine = latest
        # A search with a control character in it is refused with a notice.
        found = await attempt(groups.search_groups(query.value or "", limit=RESULTS))
        if found is None or mine != latest:  # refused, or a newer keystroke's search started
            return
        results.clear()
        with results:
            if not found:
                ui.label(_("No group matches.")).classes("eq-muted").mark("no-groups")
            # The service picks the closest matches (shortest names); people read them A to Z.
            for group in sorted(found, key=lambda g: g.name.casefold()):
                current = group.id == user.group_id
                ui.button(
                    group.name,
                    on_click=lambda g=group: choose(g),
                    icon="check" if current else None,
                ).props("flat no-caps align=left").classes("w-full").mark("group-option")

    ui.label(_("Find your group by name, e.g. КИ21-16/2Б")).classes("eq-muted")
    query = (
        ui.input(_("Group"), on_change=search)
        .props("autofocus clearable debounce=250")
        .classes("w-full")
        .mark("group-search")
    )
    results = ui.column().classes("w-full gap-0").mark("group-results")
    await search()
    changes.refresh_with(coalesced(search))

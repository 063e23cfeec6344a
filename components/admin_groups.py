"""Groups for site admins: search, rename, delete (after seeing what it affects), import."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import ui

from components.a11y import labelled
from components.admin_group_import import group_import
from components.i18n import _, _n
from components.live import Changes, coalesced
from components.notices import attempt, or_refusal
from equeue_ui.events import GroupsChanged
from equeue_ui.services import groups
from equeue_ui.services.groups import GroupImpact, GroupPage, GroupRow
from equeue_ui.services.views import UserView

PAGE_SIZE = 50
Load = Callable[[int], Awaitable[None]]


async def group_admin(*, actor: UserView) -> None:
    # Another admin's import, rename or deletion shows here at once.
    changes = Changes().on(GroupsChanged, lambda _event: True)
    first = await or_refusal(groups.list_groups("", actor=actor, limit=PAGE_SIZE))
    if first is None:
        return
    offset = 0

    async def load(start: int | None = None) -> None:
        nonlocal offset
        wanted = offset if start is None else start
        page = await attempt(
            groups.list_groups(search.value or "", actor=actor, offset=wanted, limit=PAGE_SIZE)
        )
        if page is not None:
            offset = wanted
            draw(page)

    def draw(page: GroupPage) -> None:
        results.clear()
        with results:
            _group_list(page, offset, actor, load)

    await group_import(actor=actor)
    search = (
        ui.input(_("Search groups"), on_change=lambda: load(0))
        .props("clearable debounce=250")
        .classes("w-full")
        .mark("group-search")
    )
    results = ui.column().classes("w-full gap-1")
    draw(first)
    changes.refresh_with(coalesced(load))


def _group_list(page: GroupPage, offset: int, actor: UserView, load: Load) -> None:
    if not page.rows:
        ui.label(_("No groups match.")).classes("eq-muted").mark("no-groups")
        return
    for row in page.rows:
        _group_row(row, actor)
    last = offset + len(page.rows)
    with ui.row().classes("w-full items-center justify-end gap-2"):
        ui.label(
            _("{first}–{last} of {total}", first=offset + 1, last=last, total=page.total)
        ).mark("group-range")
        labelled(
            ui.button(icon="chevron_left", on_click=lambda: load(max(offset - PAGE_SIZE, 0))),
            _("Previous page"),
        ).props("flat round").set_enabled(offset > 0).mark("groups-previous")
        labelled(
            ui.button(icon="chevron_right", on_click=lambda: load(last)), _("Next page")
        ).props("flat round").set_enabled(last < page.total).mark("groups-next")


def _group_row(row: GroupRow, actor: UserView) -> None:
    with (
        ui.card().props("flat bordered").classes("w-full py-1 px-3").mark("admin-group"),
        ui.row().classes("w-full items-center gap-2 no-wrap"),
    ):
        with ui.column().classes("grow min-w-0 gap-0"):
            ui.label(row.name).classes("font-medium break-words").mark("group-name")
            ui.label(
                _(
                    "Users: {users} · workspaces: {workspaces}",
                    users=row.users,
                    workspaces=row.workspaces,
                )
            ).classes("text-xs eq-muted")
        labelled(ui.button(icon="edit", on_click=lambda: _rename(row, actor)), _("Rename")).props(
            "flat round dense"
        ).mark("rename-group")
        labelled(
            ui.button(icon="delete", on_click=lambda: _confirm_delete(row, actor)), _("Delete")
        ).props("flat round dense color=negative").mark("delete-group")


async def _rename(row: GroupRow, actor: UserView) -> None:
    with ui.dialog() as dialog, ui.card().classes("w-96 max-w-full"):
        ui.label(_("Rename the group")).classes("text-lg font-medium")
        name = ui.input(_("Name"), value=row.name).classes("w-full").mark("group-new-name")

        async def save() -> None:
            renamed = await attempt(
                groups.rename_group(row.id, name.value or "", actor=actor),
                success=_("Group renamed."),
            )
            if renamed is not None:
                dialog.close()

        name.on("keydown.enter", save)
        with ui.row().classes("w-full justify-end"):
            ui.button(_("Cancel"), on_click=dialog.close).props("flat")
            ui.button(_("Save"), on_click=save).props("unelevated").mark("save-group-name")
    dialog.on("hide", dialog.delete)
    dialog.open()


async def _confirm_delete(row: GroupRow, actor: UserView) -> None:
    impact = await attempt(groups.group_impact(row.id, actor=actor))
    if impact is None:
        return
    with ui.dialog() as dialog, ui.card().classes("w-96 max-w-full").mark("delete-group-dialog"):
        ui.label(_("Delete the group {name}?", name=impact.name)).classes(
            "text-lg font-medium break-all"
        )
        for line in _impact_lines(impact):
            ui.label(line).mark("group-impact")
        ui.label(_("This cannot be undone.")).classes("text-negative")

        async def delete() -> None:
            if await attempt(groups.delete_group(row.id, actor=actor), success=_("Group deleted.")):
                dialog.close()

        with ui.row().classes("w-full justify-end"):
            ui.button(_("Cancel"), on_click=dialog.close).props("flat")
            ui.button(_("Delete"), on_click=delete).props("unelevated color=negative").mark(
                "confirm-delete-group"
            )
    dialog.on("hide", dialog.delete)
    dialog.open()


def _impact_lines(impact: GroupImpact) -> list[str]:
    return [
        _n(
            "Users left without a group (their accounts stay): {n}",
            "Users left without a group (their accounts stay): {n}",
            impact.users,
        ),
        _n(
            "Workspaces deleted with everything in them: {n}",
            "Workspaces deleted with everything in them: {n}",
            impact.workspaces,
        ),
        _(
            "Memberships: {memberships} · subjects: {subjects} · queues: {queues}",
            memberships=impact.members,
            subjects=impact.subjects,
            queues=impact.queues,
        ),
    ]

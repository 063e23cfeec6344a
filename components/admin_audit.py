"""The audit log for site admins: every admin action, newest first, filtered and paged."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

from nicegui import ui

from components.a11y import labelled, scroll_region
from components.i18n import _
from components.notices import attempt, or_refusal
from equeue_ui.formatting import date_time
from equeue_ui.services import audit_log
from equeue_ui.services.audit_log import AuditPage
from equeue_ui.services.views import UserView

PAGE_SIZE = 50
Load = Callable[[int], Awaitable[None]]
_ALL = ""


async def audit_admin(*, actor: UserView) -> None:
    actions = await or_refusal(audit_log.list_actions(actor=actor))
    if actions is None:
        return
    offset = 0

    async def load(start: int = 0) -> None:
        nonlocal offset
        try:
            since, until = _day(since_input.value), _day(until_input.value)
        except ValueError:
            ui.notify(_("Enter dates as YYYY-MM-DD."), type="warning", position="top")
            return
        page = await attempt(
            audit_log.list_entries(
                actor=actor,
                username=actor_input.value or "",
                action=action_select.value or "",
                since=since,
                until=until,
                offset=start,
                limit=PAGE_SIZE,
            )
        )
        if page is None:
            return
        offset = start
        results.clear()
        with results:
            _draw(page, offset, load)

    with ui.row().classes("w-full items-end gap-2"):
        actor_input = (
            ui.input(_("Who (username)"), on_change=lambda: load())
            .props("clearable debounce=300")
            .classes("w-40")
            .mark("audit-actor")
        )
        action_select = (
            ui.select(
                {_ALL: _("All actions"), **{action: action for action in actions}},
                value=_ALL,
                label=_("Action"),
                on_change=lambda: load(),
            )
            .classes("w-48")
            .mark("audit-action")
        )
        since_input = (
            ui.input(_("From"), on_change=lambda: load())
            .props("type=date clearable stack-label debounce=300")
            .mark("audit-since")
        )
        until_input = (
            ui.input(_("To"), on_change=lambda: load())
            .props("type=date clearable stack-label debounce=300")
            .mark("audit-until")
        )
    results = ui.column().classes("w-full gap-2")
    await load()


def _draw(page: AuditPage, offset: int, load: Load) -> None:
    if not page.entries:
        ui.label(_("No entries match.")).classes("eq-muted").mark("audit-empty")
        return
    columns = [
        {"name": "at", "label": _("When"), "field": "at", "align": "left"},
        {"name": "actor", "label": _("Who"), "field": "actor", "align": "left"},
        {"name": "action", "label": _("Action"), "field": "action", "align": "left"},
        {"name": "target", "label": _("What"), "field": "target", "align": "left"},
        {"name": "details", "label": _("Details"), "field": "details", "align": "left"},
    ]
    rows = [
        {
            "id": entry.id,
            "at": date_time(entry.at),
            "actor": entry.actor or _("Deleted account"),
            "action": entry.action,
            "target": entry.target,
            "details": entry.details,
        }
        for entry in page.entries
    ]
    with scroll_region(_("Audit log")):
        ui.table(columns=columns, rows=rows, row_key="id").props(
            "flat dense wrap-cells :pagination='{rowsPerPage: 0}' hide-pagination"
        ).classes("w-full").mark("audit-table")
    last = offset + len(page.entries)
    with ui.row().classes("w-full items-center justify-end gap-2"):
        ui.label(
            _("{first}–{last} of {total}", first=offset + 1, last=last, total=page.total)
        ).mark("audit-range")
        labelled(
            ui.button(icon="chevron_left", on_click=lambda: load(max(offset - PAGE_SIZE, 0))),
            _("Newer entries"),
        ).props("flat round").set_enabled(offset > 0).mark("audit-newer")
        labelled(
            ui.button(icon="chevron_right", on_click=lambda: load(last)), _("Older entries")
        ).props("flat round").set_enabled(last < page.total).mark("audit-older")


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None

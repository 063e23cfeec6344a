""" "Sync with eCourses": what changed in the course since its tasks were imported, to choose
from and apply at once. An assignment removed from eCourses is only reported; choosing it
unlinks its task, which stays with its hand-ins."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from nicegui import ui

from components.ecourses_panel import EcoursesPanel
from components.i18n import _, _n
from equeue_ui.formatting import date_time
from equeue_ui.services import ecourses_sync
from equeue_ui.services.ecourses_sync import ChangeKind, SyncChange
from equeue_ui.services.views import UserView


def task_sync(subject_id: int, *, actor: UserView) -> None:
    # The admin's own ticks (change key → ticked), kept while they sign in to eCourses again.
    ticks: dict[str, bool] = {}

    async def preview() -> list[SyncChange]:
        return await ecourses_sync.preview_sync(subject_id, actor=actor)

    def show(changes: list[SyncChange], panel: EcoursesPanel[list[SyncChange]]) -> None:
        if not changes:
            ui.label(_("The tasks are in step with eCourses: nothing changed there.")).mark(
                "sync-nothing"
            )
            return
        boxes: dict[str, ui.checkbox] = {}
        for kind, title, note in _groups():
            group = [change for change in changes if change.kind is kind]
            if not group:
                continue
            with ui.column().classes("w-full gap-1").mark(f"sync-group-{kind.value}"):
                ui.label(title).classes("font-medium")
                if note:
                    ui.label(note).classes("text-sm eq-muted")
                for change in group:
                    boxes[change.key] = _change_row(change, ticks, lambda: update_button())

        def chosen() -> list[str]:
            return [key for key, box in boxes.items() if box.value and box.enabled]

        def update_button() -> None:
            button.set_text(_apply_label(len(chosen())))

        async def apply() -> None:
            keys = chosen()
            if not keys:
                ui.notify(_("Choose at least one change."), type="warning", position="top")
                return
            button.disable()
            result = await panel.act(ecourses_sync.apply_sync(subject_id, keys, actor=actor))
            if not button.is_deleted:
                button.enable()
            if result is None:
                return
            ticks.clear()
            applied = len(result.applied)
            text = _n("{n} change applied.", "{n} changes applied.", applied)
            if result.not_applied:
                text += " " + _n(
                    "{n} change was not applied, as the tasks changed meanwhile.",
                    "{n} changes were not applied, as the tasks changed meanwhile.",
                    result.not_applied,
                )
            ui.notify(text, type="positive", position="top", multi_line=True)
            await panel.reload()

        button = (
            ui.button(_apply_label(len(chosen())), icon="sync", on_click=apply)
            .props("unelevated")
            .mark("apply-sync")
        )

    EcoursesPanel(preview, show, actor=actor)


# --- helpers ----------------------------------------------------------------------------------


def _groups() -> list[tuple[ChangeKind, str, str]]:
    return [
        (ChangeKind.NEW, _("New in eCourses"), ""),
        (ChangeKind.DUE_DATE, _("Due date changed in eCourses"), ""),
        (ChangeKind.RENAMED, _("Renamed in eCourses"), ""),
        (
            ChangeKind.REMOVED,
            _("Removed from eCourses"),
            _(
                "These tasks stay with their hand-ins. Choosing one unlinks it from eCourses, "
                "so it is no longer reported here."
            ),
        ),
    ]


def _change_row(
    change: SyncChange, ticks: dict[str, bool], changed: Callable[[], None]
) -> ui.checkbox:
    with ui.row().classes("items-center gap-x-2 gap-y-0 w-full").mark("sync-change"):
        box = ui.checkbox(
            _describe(change), value=ticks.get(change.key, change.chosen_by_default)
        ).mark(f"sync-{change.kind.value}")

        def remember(value: bool) -> None:
            ticks[change.key] = value
            changed()

        box.on_value_change(lambda event: remember(bool(event.value)))
        with ui.row().classes("items-center gap-2 ml-auto"):
            if change.kind is ChangeKind.NEW and change.new_due_at is not None:
                ui.label(date_time(change.new_due_at)).classes("text-sm eq-muted")
            if change.hidden:
                ui.badge(_("hidden in eCourses"), color="grey-8").mark("sync-hidden")
            if change.blocked:
                box.disable()
                box.value = False
                ui.badge(_("a task of this name exists"), color="warning").mark("sync-blocked")
    return box


def _describe(change: SyncChange) -> str:
    if change.kind is ChangeKind.DUE_DATE:
        return f"{change.name}: {_when(change.due_at)} → {_when(change.new_due_at)}"
    if change.kind is ChangeKind.RENAMED:
        return f"{change.name} → {change.new_name}"
    return change.name


def _when(moment: datetime | None) -> str:
    return date_time(moment) if moment is not None else _("no due date")


def _apply_label(n: int) -> str:
    return _n("Apply {n} change", "Apply {n} changes", n)

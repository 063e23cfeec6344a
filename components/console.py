"""The teacher's console: the live queue with call next, accept, return, skip, remove, and the
queue's state; usable by keyboard (N, A, R, S)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from nicegui import ui
from nicegui.events import KeyEventArguments

from components.i18n import _
from components.live import coalesced, on_event
from components.notices import attempt, succeeds
from components.queue_follow import Following, follow_queue
from components.queue_settings import open_settings
from equeue_ui.errors import DomainError
from equeue_ui.events import MembershipChanged, SubjectChanged, UserChanged
from equeue_ui.services import boards, queues
from equeue_ui.services.views import (
    EntryStatus,
    EntryView,
    QueuePage,
    QueueSnapshot,
    QueueState,
    UserView,
)


def _state_actions(state: QueueState) -> list[tuple[str, QueueState, str]]:
    opening = (_("Open"), QueueState.OPEN, "play_arrow")
    resuming = (_("Resume"), QueueState.OPEN, "play_arrow")
    pausing = (_("Pause"), QueueState.PAUSED, "pause")
    closing = (_("Close"), QueueState.CLOSED, "stop")
    return {
        QueueState.CLOSED: [opening],
        QueueState.OPEN: [pausing, closing],
        QueueState.PAUSED: [resuming, closing],
    }[state]


class Console:
    """One teacher's console on one queue; redrawn from every newer snapshot (consoles are few)."""

    def __init__(self, context: QueuePage, *, user: UserView) -> None:
        self.context = context
        self.queue_id = context.queue_id
        self.user = user
        self.shown: QueueSnapshot | None = None
        self.timers: list[tuple[ui.label, float]] = []
        self.client = ui.context.client
        self.following: Following | None = None
        with ui.column().classes("w-full gap-3").mark("console"):
            self.header = ui.row().classes("w-full items-center gap-2")
            self.desk = ui.column().classes("w-full gap-2")
            ui.label(_("Keys: N — call next, A — accept, R — return, S — skip")).classes(
                "text-xs text-grey-7"
            ).mark("shortcuts")
            self.waiting = ui.card().classes("w-full gap-1")
            # Dialogs live here, outside the parts redrawn on every change of the queue.
            self.dialogs = ui.element()
        ui.keyboard(on_key=self._on_key, ignore=["input", "select", "button", "textarea"])
        ui.timer(1.0, self._tick)

    async def start(self) -> None:
        self.following = await follow_queue(self.queue_id, self.show)
        if self.following.snapshot is not None:
            self.show(self.following.snapshot)
        # Unassigned from the subject, removed from the workspace or stripped of a role: the
        # open console stops at once (the services refuse its actions anyway).
        recheck = coalesced(self._recheck_access)
        me, subject_id = self.user.id, self.context.subject_id
        on_event(SubjectChanged, lambda e: e.subject_id == subject_id, recheck)
        on_event(MembershipChanged, lambda e: e.user_id == me, recheck)
        on_event(UserChanged, lambda e: e.user_id == me, recheck)

    async def _recheck_access(self) -> None:
        try:
            allowed = (await queues.page(self.queue_id, actor=self.user)).can_operate
        except DomainError:
            allowed = False
        if not allowed:
            if self.following is not None:
                await self.following.stop()
            ui.navigate.reload()

    def show(self, snapshot: QueueSnapshot) -> None:
        if self.shown is not None and snapshot.version <= self.shown.version:
            return
        self.shown = snapshot
        if self.client.is_deleted:
            return
        with self.client:
            self._render_header(snapshot)
            self._render_desk(snapshot)
            self._render_waiting(snapshot)

    # --- drawing ---------------------------------------------------------------------------

    def _render_header(self, snapshot: QueueSnapshot) -> None:
        self.header.clear()
        with self.header:
            state = {
                QueueState.OPEN: (_("open"), "positive"),
                QueueState.PAUSED: (_("paused"), "warning"),
                QueueState.CLOSED: (_("closed"), "grey"),
            }[snapshot.state]
            ui.badge(state[0], color=state[1]).classes("text-sm").mark("console-state")
            ui.label(_("{n} waiting", n=snapshot.waiting_count)).mark("console-waiting")
            ui.space()
            for label, target, icon in _state_actions(snapshot.state):
                ui.button(label, icon=icon, on_click=lambda t=target: self._set_state(t)).props(
                    "outline dense"
                ).mark(f"state-{target.value}")
            ui.button(_("Settings"), icon="settings", on_click=self._settings).props(
                "outline dense"
            ).mark("open-settings")
            ui.button(_("Clear"), icon="delete_sweep", on_click=self._confirm_clear).props(
                "outline dense color=negative"
            ).mark("clear")

    def _render_desk(self, snapshot: QueueSnapshot) -> None:
        self.desk.clear()
        self.timers.clear()
        called = [e for e in snapshot.entries if e.status is EntryStatus.CALLED]
        with self.desk:
            ui.button(_("Call next (N)"), icon="campaign", on_click=self._call_next).classes(
                "w-full text-lg"
            ).props("size=lg").mark("call-next")
            for entry in called:
                self._desk_card(entry)

    def _desk_card(self, entry: EntryView) -> None:
        with ui.card().classes("w-full bg-green-1 dark:bg-green-10").mark("at-desk"):
            with ui.row().classes("w-full items-center gap-2 no-wrap"):
                with ui.column().classes("grow gap-0 min-w-0"):
                    ui.label(entry.display_name).classes("text-h6 truncate w-full").mark(
                        "desk-name"
                    )
                    if entry.task_name:
                        ui.label(entry.task_name).classes("text-grey-8 truncate w-full")
                timer = ui.label("").classes("tabular-nums text-lg").mark("desk-timer")
                if entry.called_at is not None:
                    self.timers.append((timer, entry.called_at.timestamp()))
            with ui.row().classes("gap-2"):
                self._entry_button(
                    _("Accept (A)"), "check", "positive", queues.accept, entry, "accept"
                )
                self._entry_button(
                    _("Return (R)"), "undo", "warning", queues.return_entry, entry, "return"
                )
                self._entry_button(_("Skip (S)"), "redo", "grey", queues.skip, entry, "skip")
                self._entry_button(
                    _("Remove"), "close", "negative", queues.remove_entry, entry, "remove"
                )

    def _render_waiting(self, snapshot: QueueSnapshot) -> None:
        self.waiting.clear()
        waiting = [e for e in snapshot.entries if e.status is not EntryStatus.CALLED]
        with self.waiting:
            if not waiting:
                ui.label(_("Nobody is waiting.")).classes("text-grey-7").mark("console-empty")
            for entry in waiting:
                with ui.row().classes("w-full items-center gap-2 no-wrap").mark("console-entry"):
                    ui.label(str(entry.position)).classes("w-8 text-right tabular-nums")
                    with ui.column().classes("grow gap-0 min-w-0"):
                        ui.label(entry.display_name).classes("truncate w-full")
                        if entry.task_name:
                            ui.label(entry.task_name).classes("text-xs text-grey-7 truncate w-full")
                    if entry.status is EntryStatus.FROZEN:
                        ui.badge(_("frozen"), color="info").classes("shrink-0")
                    ui.button(
                        icon="redo", on_click=lambda e=entry: self._act(queues.skip, e)
                    ).props("flat round dense").tooltip(_("Skip: to the end of the queue"))
                    ui.button(
                        icon="close", on_click=lambda e=entry: self._act(queues.remove_entry, e)
                    ).props("flat round dense color=negative").tooltip(_("Remove"))

    def _entry_button(
        self,
        label: str,
        icon: str,
        color: str,
        action: Callable[..., Awaitable[None]],
        entry: EntryView,
        marker: str,
    ) -> None:
        button = ui.button(label, icon=icon, on_click=lambda: self._act(action, entry))
        button.props["color"] = color
        button.mark(marker)

    # --- actions ---------------------------------------------------------------------------

    async def _call_next(self) -> None:
        called = await attempt(queues.call_next(self.queue_id, actor=self.user))
        if called is None and self.shown is not None and self._nobody_to_call():
            ui.notify(_("Nobody is waiting to be called."), position="top")

    def _nobody_to_call(self) -> bool:
        assert self.shown is not None
        return not any(e.status is EntryStatus.WAITING for e in self.shown.entries)

    async def _act(self, action: Callable[..., Awaitable[None]], entry: EntryView) -> None:
        await succeeds(action(entry.id, actor=self.user))

    async def _set_state(self, state: QueueState) -> None:
        await succeeds(queues.set_state(self.queue_id, state, actor=self.user))

    async def _settings(self) -> None:
        info = await attempt(boards.board_for_operator(self.queue_id, actor=self.user))
        if info is not None and self.shown is not None:
            with self.dialogs:
                open_settings(self.shown, user=self.user, full_names=info.subject_setting)

    def _confirm_clear(self) -> None:
        with self.dialogs, ui.dialog() as dialog, ui.card():
            ui.label(_("Remove everybody from the queue?"))
            with ui.row():
                ui.button(_("Cancel"), on_click=dialog.close).props("flat")

                async def clear() -> None:
                    dialog.close()
                    await succeeds(queues.clear_queue(self.queue_id, actor=self.user))

                ui.button(_("Clear the queue"), on_click=clear).props("color=negative").mark(
                    "confirm-clear"
                )
        dialog.open()

    async def _on_key(self, event: KeyEventArguments) -> None:
        if not event.action.keydown or event.action.repeat or self.shown is None:
            return
        if event.modifiers.ctrl or event.modifiers.alt or event.modifiers.meta:
            return
        key = str(event.key.name).lower()
        if key == "n":
            await self._call_next()
            return
        action = {"a": queues.accept, "r": queues.return_entry, "s": queues.skip}.get(key)
        target = self._my_called_entry()
        if action is not None and target is not None:
            await self._act(action, target)

    def _my_called_entry(self) -> EntryView | None:
        """The student this teacher called last; someone else's only when none is theirs."""
        assert self.shown is not None
        called = [e for e in self.shown.entries if e.status is EntryStatus.CALLED]
        mine = [e for e in called if e.called_by == self.user.id]
        return max(mine or called, key=lambda e: e.called_at or datetime.now(UTC), default=None)

    def _tick(self) -> None:
        """How long each called student has been at the desk."""
        now = datetime.now(UTC).timestamp()
        for label, called_at in self.timers:
            seconds = max(0, int(now - called_at))
            label.set_text(_("at the desk {m}:{s:02d}", m=seconds // 60, s=seconds % 60))

"""The teacher's console: the live queue with call next, accept, return, skip, remove, and the
queue's state; usable by keyboard (N, A, R, S), by screen reader, on a phone, light or dark."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial

from nicegui import ui
from nicegui.events import KeyEventArguments

from components.console_dialogs import confirm
from components.console_fair import FairPart, open_let_in
from components.console_list import ConsoleList
from components.console_rows import CALL, STATE_COLOURS, Action, desk_card, use_colours
from components.i18n import _, _n
from components.live import Changes, coalesced
from components.notices import attempt, succeeds
from components.queue_follow import Following, follow_queue
from components.queue_settings import open_settings
from equeue_ui.errors import DomainError
from equeue_ui.events import MembershipChanged, SubjectChanged, UserChanged
from equeue_ui.services import boards, queues
from equeue_ui.services.views import (
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


def access_changes(user: UserView, subject_id: Callable[[], int]) -> Changes:
    """What may take the console from ``user``: unassigned from the subject (whose id
    ``subject_id`` gives once the page has read it), removed from the workspace or stripped of
    a role. The page subscribes before it reads the rights, and the open console stops at once
    even when it happened in between (the services refuse its actions anyway)."""
    return (
        Changes()
        .on(SubjectChanged, lambda e: e.subject_id == subject_id())
        .on(MembershipChanged, about=("user_id", user.id))
        .on(UserChanged, about=("user_id", user.id))
    )


class Console:
    """One teacher's console on one queue, following every newer snapshot: the header's count
    changes (the whole header with the queue's state), the desk is drawn again when who is
    there changes; the browser draws the waiting students itself (ConsoleList)."""

    def __init__(self, context: QueuePage, *, user: UserView, access: Changes) -> None:
        self.context = context
        self.access = access  # see access_changes()
        self.queue_id = context.queue_id
        self.user = user
        self.shown: QueueSnapshot | None = None
        self.timers: list[tuple[ui.label, float]] = []
        self.client = ui.context.client
        self.following: Following | None = None
        use_colours()
        with ui.column().classes("w-full gap-3").mark("console"):
            self.header = ui.row().classes("w-full items-center gap-2")
            self.header_state: QueueState | None = None  # what the header was drawn for
            self.waiting_count: ui.label | None = None
            self.fair = FairPart(self.queue_id, user=user)
            # Drawn once, so a keyboard user's focus stays on it while the queue changes.
            call = ui.button(_("Call next (N)"), icon="campaign", on_click=self._call_next)
            call.classes("w-full text-lg").props("size=lg").mark("call-next")
            call.props["color"] = CALL
            call.props["aria-keyshortcuts"] = "N"
            self.desk = ui.column().classes("w-full gap-2")
            # Who the desk shows now: drawn again only when that changes.
            self.desk_drawn: tuple[object, ...] | None = None
            self.shortcuts = ui.label(
                _("Keys: N — call next, A — accept, R — return, S — skip")
            ).classes("text-sm eq-muted")
            self.shortcuts.mark("shortcuts")
            call.props["aria-describedby"] = self.shortcuts.html_id
            self.waiting = ui.element().classes("w-full")
            self.list: ConsoleList | None = None  # made with the first snapshot
            # Dialogs are made here, outside the parts redrawn on every change of the queue (a
            # dialog is deleted with the element it was made in).
            self.dialogs = ui.element()
        self.open_dialogs: list[ui.dialog] = []
        # Letters do nothing on a focused button, so the keys work after a click too (a clicked
        # button keeps the focus); only typing and open dialogs turn them off (_on_key).
        ui.keyboard(on_key=self._on_key, ignore=["input", "select", "textarea"])
        ui.timer(1.0, self._tick)

    async def start(self) -> None:
        self.following = await follow_queue(self.queue_id, self.show)
        if self.following.snapshot is not None:
            self.show(self.following.snapshot)
        self.access.refresh_with(coalesced(self._recheck_access))

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
            self.fair.show(snapshot)
            self._render_desk(snapshot)
            self._render_waiting(snapshot)

    # --- drawing ---------------------------------------------------------------------------

    def _render_header(self, snapshot: QueueSnapshot) -> None:
        waiting_text = _n("{n} waiting", "{n} waiting", snapshot.waiting_count)
        # Most changes only change the count: the header is drawn again when the state changes.
        if self.waiting_count is not None and snapshot.state is self.header_state:
            self.waiting_count.set_text(waiting_text)
            return
        self.header_state = snapshot.state
        self.header.clear()
        with self.header:
            state = {
                QueueState.OPEN: _("open"),
                QueueState.PAUSED: _("paused"),
                QueueState.CLOSED: _("closed"),
            }[snapshot.state]
            ui.badge(state, color=STATE_COLOURS[snapshot.state]).classes("text-sm").mark(
                "console-state"
            )
            self.waiting_count = ui.label(waiting_text).mark("console-waiting")
            ui.space()
            # Outlined in the text's own colour: readable on the light and on the dark page.
            for label, target, icon in _state_actions(snapshot.state):
                ui.button(
                    label, icon=icon, on_click=lambda t=target: self._set_state(t), color=None
                ).props("outline dense").mark(f"state-{target.value}")
            ui.button(_("Settings"), icon="settings", on_click=self._settings, color=None).props(
                "outline dense"
            ).mark("open-settings")
            ui.button(_("Let in"), icon="person_add", on_click=self._let_in, color=None).props(
                "outline dense"
            ).mark("open-let-in")
            ui.button(
                _("Clear"), icon="delete_sweep", on_click=self._confirm_clear, color=None
            ).props("outline dense").classes("text-negative").mark("clear")

    def _render_desk(self, snapshot: QueueSnapshot) -> None:
        keyed = snapshot.desk_entry_for(self.user.id)
        drawn = (snapshot.at_desk, keyed)
        if drawn == self.desk_drawn:
            return
        self.desk_drawn = drawn
        self.desk.clear()
        self.timers.clear()
        with self.desk:
            for entry in snapshot.at_desk:
                timer = desk_card(
                    entry,
                    keys=entry is keyed,
                    act=partial(self._act_on, entry),
                    remove=partial(self._confirm_remove, entry),
                )
                if entry.called_at is not None:
                    self.timers.append((timer, entry.called_at.timestamp()))

    def _render_waiting(self, snapshot: QueueSnapshot) -> None:
        if self.list is not None:
            self.list.snapshot = snapshot  # the browser draws it from the broadcast
            return
        with self.waiting:
            self.list = ConsoleList(snapshot, on_skip=self._skip, on_remove=self._remove)
            self.list.mark("console-list")

    # --- actions ---------------------------------------------------------------------------

    async def _call_next(self) -> None:
        called = await attempt(queues.call_next(self.queue_id, actor=self.user))
        if called is None and self.shown is not None and self.shown.callable_count == 0:
            ui.notify(_("Nobody is waiting to be called."), position="top")

    async def _act(self, action: Action, entry: EntryView) -> None:
        await succeeds(action(entry.id, actor=self.user))

    async def _act_on(self, entry: EntryView, action: Action) -> None:
        await self._act(action, entry)

    def _waiting_entry(self, entry_id: int) -> EntryView | None:
        """The entry the list's button meant, if it still waits (the list may have been behind)."""
        line = () if self.shown is None else self.shown.in_line
        entry = next((e for e in line if e.id == entry_id), None)
        if entry is None:
            ui.notify(_("That student is no longer waiting."), type="warning", position="top")
        return entry

    async def _skip(self, entry_id: int) -> None:
        entry = self._waiting_entry(entry_id)
        if entry is not None:
            await self._act(queues.skip, entry)

    def _remove(self, entry_id: int) -> None:
        entry = self._waiting_entry(entry_id)
        if entry is not None:
            self._confirm_remove(entry)

    async def _set_state(self, state: QueueState) -> None:
        await succeeds(queues.set_state(self.queue_id, state, actor=self.user))

    async def _settings(self) -> None:
        info = await attempt(boards.board_for_operator(self.queue_id, actor=self.user))
        if info is not None and self.shown is not None:
            with self.dialogs:
                self._opened(
                    open_settings(
                        self.shown,
                        user=self.user,
                        full_names=info.subject_setting,
                        board_pictures=info.pictures,
                    )
                )

    async def _let_in(self) -> None:
        with self.dialogs:
            dialog = await open_let_in(self.queue_id, user=self.user)
        if dialog is not None:
            self._opened(dialog)

    def _confirm_clear(self) -> None:
        with self.dialogs:
            dialog = confirm(
                question=_("Remove everybody from the queue?"),
                detail=_("Their places are lost and nothing is recorded."),
                action=_("Clear the queue"),
                marker="confirm-clear",
                run=lambda: succeeds(queues.clear_queue(self.queue_id, actor=self.user)),
            )
        self._opened(dialog)

    def _confirm_remove(self, entry: EntryView) -> None:
        with self.dialogs:
            dialog = confirm(
                question=_("Remove {name} from the queue?", name=entry.display_name),
                detail=_("Their place is lost and nothing is recorded for their task."),
                action=_("Remove"),
                marker="confirm-remove",
                run=lambda: succeeds(queues.remove_entry(entry.id, actor=self.user)),
            )
        self._opened(dialog)

    def _opened(self, dialog: ui.dialog) -> None:
        """Keep track of ``dialog`` (the keys pause while it is open); closed ones are deleted,
        so they do not pile up on a console left open all day."""
        for old in self.open_dialogs:
            if not old.value:
                old.delete()
        self.open_dialogs = [d for d in self.open_dialogs if not d.is_deleted] + [dialog]

    def _dialog_open(self) -> bool:
        return any(d.value for d in self.open_dialogs if not d.is_deleted)

    async def _on_key(self, event: KeyEventArguments) -> None:
        if not event.action.keydown or event.action.repeat or self.shown is None:
            return
        if event.modifiers.ctrl or event.modifiers.alt or event.modifiers.meta:
            return
        if self._dialog_open():  # a letter typed in a dialog is not meant for the queue
            return
        key = str(event.key.name).lower()
        if key == "n":
            await self._call_next()
            return
        action = {"a": queues.accept, "r": queues.return_entry, "s": queues.skip}.get(key)
        target = self.shown.desk_entry_for(self.user.id)
        if action is not None and target is not None:
            await self._act(action, target)

    def _tick(self) -> None:
        """How long each called student has been at the desk."""
        now = datetime.now(UTC).timestamp()
        for label, called_at in self.timers:
            seconds = max(0, int(now - called_at))
            label.set_text(_("at the desk {m}:{s:02d}", m=seconds // 60, s=seconds % 60))

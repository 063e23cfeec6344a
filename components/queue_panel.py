"""The live queue as a student sees it: the list, my place, and what I can do."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from nicegui import background_tasks, ui
from nicegui.events import GenericEventArguments

from components import turn_alerts
from components.i18n import _, _n
from components.live import Changes, coalesced
from components.notices import attempt
from components.queue_follow import Following, follow_queue
from components.queue_view import JoinOffer, QueueView
from equeue_ui.errors import DomainError
from equeue_ui.events import MembershipChanged, SubmissionChanged
from equeue_ui.formatting import local
from equeue_ui.services import queues, submissions
from equeue_ui.services.estimates import estimate_wait
from equeue_ui.services.views import (
    EntryStatus,
    QueueSnapshot,
    QueueState,
    TaskView,
    UserView,
    default_task,
)

# How long "Undo" is offered after leaving (the service accepts a little longer).
UNDO_OFFER_SECONDS = 8.0


class ReaderChanges:
    """What changes the reader's own part of a queue page besides the queue: their hand-ins and
    their membership. The page makes it before it reads them (subscribe, then read)."""

    def __init__(self, user: UserView) -> None:
        self.subject_id = 0  # the queue's subject, set once the page has read it
        me = user.id
        self.hand_ins = Changes().on(
            SubmissionChanged, lambda e: e.subject_id == self.subject_id, about=("user_id", me)
        )
        self.membership = Changes().on(MembershipChanged, about=("user_id", me))


class QueuePanel:
    """Follows one queue live for one client; never shows an older version after a newer one.

    The list itself is drawn in the browser from the per-queue broadcast; this panel only
    redraws the reader's own part (place, wait, buttons), and only when that part changes.
    """

    def __init__(
        self,
        queue_id: int,
        *,
        user: UserView,
        tasks: list[TaskView],
        handed_in: frozenset[int],
        changes: ReaderChanges,
        sticky_join: bool = False,
    ) -> None:
        self.queue_id = queue_id
        self.changes = changes
        self.user = user
        self.tasks = tasks
        self.handed_in = handed_in
        self.subject_id = 0
        self.shown: QueueSnapshot | None = None
        self.view: QueueView | None = None
        self.following: Following | None = None
        self._drawn_key: tuple[object, ...] | None = None
        self._next_shown = False  # told "you are next" (kept apart: redraws reset the key)
        self.sticky_join = sticky_join  # on a phone, the offer to join stays in view
        self.left: queues.LeftPlace | None = None  # a place just left, while Undo is offered
        self.left_marked = False
        self.code = ""  # the presence code typed so far: kept while the part is redrawn
        self.client = ui.context.client
        # Straight into the page's slot, with no wrapping column: every element costs memory on
        # each of thousands of open pages. One column holds the reader's own part (place, wait,
        # buttons); the list itself is one element, drawn by the browser.
        self.slot = ui.context.slot
        self.mine = ui.column().classes("w-full gap-2").mark("queue-panel")
        # What a screen reader says politely as the place changes; "your turn" is the banner's,
        # said assertively (components/turn_alerts.py). Kept outside the redrawn part: a live
        # region must stay in the page for its changes to be read.
        self.spoken = ui.label().classes("sr-only").mark("queue-status")
        self.spoken.props["role"] = "status"
        self.spoken.props["aria-live"] = "polite"

    async def start(self, *, subject_id: int) -> None:
        self.subject_id = self.changes.subject_id = subject_id
        self.following = await follow_queue(self.queue_id, self.show)
        snapshot = self.following.snapshot
        if snapshot is None:
            return
        with self.slot:
            self.view = (
                QueueView(snapshot, me=self.user.id, sticky_join=self.sticky_join)
                .classes("w-full")
                .mark("queue-view", "queue-list")
            )
        self.view.on("join", self._join)
        # A newer snapshot may have come while following began, drawn before the view (which
        # holds the offer to join) existed: draw the newest one again, now with the view.
        if self.shown is not None and self.shown.version > snapshot.version:
            snapshot = self.shown
        self.shown, self._drawn_key = None, None
        self.show(snapshot)
        self.changes.hand_ins.refresh_with(coalesced(self._reload_handed_in))
        self.changes.membership.refresh_with(self._recheck_access)

    def show(self, snapshot: QueueSnapshot) -> None:
        if self.shown is not None and snapshot.version <= self.shown.version:
            return
        self.shown = snapshot
        if self.view is not None:
            self.view.snapshot = snapshot
        key = self._my_part(snapshot)
        if key == self._drawn_key or self.client.is_deleted:
            return
        was_next, self._next_shown = self._next_shown, self._is_next(key)
        self._drawn_key = key
        with self.client:
            self._render_mine(snapshot)
            self.spoken.set_text(self._spoken(snapshot))
            if self._next_shown and not was_next:
                turn_alerts.heads_up(snapshot.subject_name, user=self.user)
            elif was_next and not self._next_shown:
                turn_alerts.heads_up_over()

    @staticmethod
    def _is_next(key: tuple[object, ...] | None) -> bool:
        return key is not None and key[1] is True

    def _my_part(self, snapshot: QueueSnapshot) -> tuple[object, ...]:
        """Everything the reader's own part depends on: most changes leave it as it is."""
        me = self.user.id
        mine = snapshot.entry_of(me)
        common = (
            snapshot.state,
            snapshot.members_can_freeze,
            self.handed_in,
            snapshot.presence_required,
            snapshot.draw_at,
        )
        if mine is None:
            return (None, False, *common)
        return (
            mine.status,
            snapshot.is_next(me),  # key[1]: see _is_next
            mine.in_draw,
            mine.position,
            snapshot.people_ahead(me),
            mine.task_id,
            estimate_wait(snapshot, me),
            *common,
        )

    def _spoken(self, snapshot: QueueSnapshot) -> str:
        mine = snapshot.entry_of(self.user.id)
        if mine is None or mine.status is EntryStatus.CALLED:
            return ""
        if mine.in_draw:
            return self._draw_text(snapshot)
        if snapshot.is_next(self.user.id):
            return _("You are next")
        return _n(
            "In the queue: place {position}, {n} ahead of you.",
            "In the queue: place {position}, {n} ahead of you.",
            snapshot.people_ahead(self.user.id) or 0,
            position=mine.position,
        )

    def _redraw(self) -> None:
        """Draw the reader's part again although the queue did not change (say, Undo ended)."""
        if self.shown is not None and not self.client.is_deleted:
            self._drawn_key = None
            with self.client:
                self._render_mine(self.shown)

    async def _reload_handed_in(self) -> None:
        self.handed_in = await submissions.handed_in_task_ids(self.subject_id, actor=self.user)
        if self.shown is not None:
            self._drawn_key = None
            self._render_mine(self.shown)

    async def _recheck_access(self) -> None:
        """Someone removed from the workspace must stop seeing its queue at once."""
        try:
            await queues.get_snapshot(self.queue_id, actor=self.user)
        except DomainError:
            # Not only the page: the server stops sending this browser the queue at once.
            if self.following is not None:
                await self.following.stop()
            ui.navigate.reload()

    def _render_mine(self, snapshot: QueueSnapshot) -> None:
        self.mine.clear()
        with self.mine:
            self._render_summary(snapshot)
            self._render_actions(snapshot)

    def _render_summary(self, snapshot: QueueSnapshot) -> None:
        mine = snapshot.entry_of(self.user.id)
        if mine is None:
            return
        with ui.card().classes("w-full").mark("queue-summary"):
            if mine.status is EntryStatus.CALLED:
                ui.label(_("It is your turn! Go to the teacher.")).classes(
                    "text-h6 text-positive"
                ).mark("your-turn")
                return
            if mine.in_draw:
                ui.label(self._draw_text(snapshot)).classes("text-h6").mark("order-drawn-at")
                self._draw_when_due(snapshot)
                return
            with ui.row().classes("items-baseline gap-2"):
                ui.label(_("Your position")).classes("text-grey-8")
                ui.label(str(mine.position)).classes("text-h4 font-bold").mark("my-position")
            ahead = snapshot.people_ahead(self.user.id) or 0
            ui.label(_n("People ahead of you: {n}", "People ahead of you: {n}", ahead)).mark(
                "people-ahead"
            )
            if mine.status is EntryStatus.FROZEN:  # no wait: it is up to its owner to go on
                ui.label(_("Your place is frozen: others go ahead while you keep it.")).classes(
                    "text-info"
                ).mark("frozen-note")
            else:
                self._render_wait(snapshot)

    @staticmethod
    def _draw_text(snapshot: QueueSnapshot) -> str:
        drawn_at = snapshot.draw_at
        at = local(drawn_at).strftime("%H:%M:%S") if drawn_at else ""
        return _("You are in; the order is drawn at {time}.", time=at)

    def _draw_when_due(self, snapshot: QueueSnapshot) -> None:
        """Ask for the queue once the draw is due: the read draws, if no process did yet, and
        the drawn order comes to every page live."""
        if snapshot.draw_at is None:
            return
        wait = (snapshot.draw_at - datetime.now(UTC)).total_seconds() + 0.2
        ui.timer(max(wait, 0.2), self._ask_for_draw, once=True)

    async def _ask_for_draw(self) -> None:
        await attempt(queues.get_snapshot(self.queue_id, actor=self.user))

    def _render_wait(self, snapshot: QueueSnapshot) -> None:
        estimate = estimate_wait(snapshot, self.user.id)
        if snapshot.is_next(self.user.id):
            text = _("You are next")
        elif estimate is None:
            text = _("Estimated wait: not enough data yet")
        else:
            text = _(
                "Estimated wait: {low}–{high} min",
                low=estimate.low_minutes,
                high=estimate.high_minutes,
            )
        ui.label(text).classes("text-grey-8").mark("estimated-wait")

    def _render_actions(self, snapshot: QueueSnapshot) -> None:
        mine = snapshot.entry_of(self.user.id)
        self._offer_join(snapshot if mine is None else None)
        if self.left is not None and snapshot.version >= self.left.event_version:
            if mine is not None:
                self.left = None  # back in the queue: nothing to undo any more
            else:
                self._offer_undo()
        if mine is None:
            if snapshot.state is QueueState.CLOSED:
                ui.label(_("The queue is closed: joining is not possible now.")).classes(
                    "text-grey-8"
                ).mark("queue-closed")
            elif snapshot.presence_required:
                self._render_code_input()
            return
        with ui.row().classes("w-full gap-2"):
            if mine.status is EntryStatus.FROZEN:
                ui.button(_("Unfreeze"), icon="play_arrow", on_click=self._unfreeze).mark(
                    "unfreeze"
                )
            elif mine.status is EntryStatus.WAITING and snapshot.members_can_freeze:
                ui.button(_("Let others go ahead"), icon="ac_unit", on_click=self._freeze).props(
                    "outline"
                ).mark("freeze")
            ui.button(_("Leave"), icon="logout", on_click=self._leave).props(
                "outline color=negative"
            ).mark("leave")
            if mine.task_id is not None:
                ui.button(
                    _("Leave and mark handed in"), icon="task_alt", on_click=self._leave_marked
                ).props("outline color=positive").mark("leave-and-mark")
        if mine.status is not EntryStatus.CALLED:  # being called, it is too late to ask
            turn_alerts.offer_notifications(self.user)

    def _render_code_input(self) -> None:
        """A queue joined only from the classroom: the code the board shows, typed here (or
        brought by the board's QR link)."""

        def typed(event: object) -> None:
            self.code = str(getattr(event, "value", "") or "")

        code = (
            ui.input(
                _("Code from the classroom board"),
                value=self.code,
                on_change=typed,
            )
            .classes("w-full")
            .mark("presence-code")
        )
        code.props["inputmode"] = "numeric"
        code.props["autocomplete"] = "one-time-code"
        code.props["maxlength"] = 12

    def _offer_undo(self) -> None:
        if self.left_marked:
            text = _("You left the queue and marked the task handed in.")
        else:
            text = _("You left the queue.")
        with ui.row().classes("w-full items-center gap-2 eq-note rounded-borders pl-3 pr-1 py-1"):
            note = ui.label(text).classes("grow").mark("left-note")
            note.props["role"] = "status"
            ui.button(_("Undo"), icon="undo", on_click=self._undo).props("flat no-caps").mark(
                "undo-leave"
            )

    def _offer_join(self, snapshot: QueueSnapshot | None) -> None:
        """The task picker and the join button are drawn by the list element in the browser:
        two heavy elements less on each open page of someone who is not in the queue."""
        if self.view is None:
            return
        if snapshot is None or snapshot.state is QueueState.CLOSED:
            self.view.offer_join(None)
            return
        default = default_task(self.tasks, self.handed_in)
        self.view.offer_join(JoinOffer(tasks=[(t.id, t.name) for t in self.tasks], task=default))

    async def _join(self, event: GenericEventArguments) -> None:
        # The service checks the task is one of this subject's; anything else means the default.
        task_id = event.args if isinstance(event.args, int) else None
        await attempt(
            queues.join_queue(
                self.queue_id, actor=self.user, task_id=task_id, code=self.code or None
            )
        )

    async def _freeze(self) -> None:
        await attempt(queues.freeze(self.queue_id, actor=self.user))

    async def _unfreeze(self) -> None:
        await attempt(queues.unfreeze(self.queue_id, actor=self.user))

    async def _leave(self) -> None:
        await self._leave_undoably(mark_handed_in=False)

    async def _leave_marked(self) -> None:
        await self._leave_undoably(mark_handed_in=True)

    async def _leave_undoably(self, *, mark_handed_in: bool) -> None:
        """Leave at once (the place is free for the next one), with a few seconds' Undo that
        puts the place back exactly where it was."""
        place = await attempt(
            queues.leave_queue(self.queue_id, actor=self.user, mark_handed_in=mark_handed_in)
        )
        if place is None:
            return
        self.left, self.left_marked = place, mark_handed_in
        self._redraw()
        background_tasks.create(self._withdraw_undo(place), name="undo offer")

    async def _withdraw_undo(self, place: queues.LeftPlace) -> None:
        await asyncio.sleep(UNDO_OFFER_SECONDS)
        if self.left is place:
            self.left = None
            self._redraw()

    async def _undo(self) -> None:
        place, self.left = self.left, None  # one tap undoes once
        if place is None:
            return
        # In the page's own context: the redraw deletes the button this handler belongs to.
        with self.client:
            await attempt(queues.undo_leave(self.queue_id, actor=self.user, place=place))
        self._redraw()

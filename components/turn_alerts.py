""" "Your turn": a banner, a sound, vibration, the tab title and a browser notification on every
open page of the student who is called, until they answer "I'm going" or the call ends; a
quieter heads-up when they are next; and, when a teacher ends their place, what happened.

A call is kept on the server until acknowledged (``queues.pending_calls``): every page load and
every reconnection of the student's pages raises it again, so a phone that was offline or
reloaded while its owner was called does not stay silent.

"Notify me" also subscribes the device to Web Push (issue 17): the browser's subscription comes
back through the page's socket (no HTTP endpoint to guard) and is stored for the signed-in
session, so the call reaches a locked phone or a closed tab through its push service.
"""

from __future__ import annotations

from nicegui import Client, background_tasks, ui

from components.i18n import _
from components.live import always, on_each_event
from components.notices import attempt
from components.session import session_token
from equeue_ui import runtime
from equeue_ui.events import CallAcknowledged, StudentCalled, TurnEnded, TurnOutcome
from equeue_ui.services import push, queues
from equeue_ui.services.views import UserView


class AlertPlayer(ui.element, component="turn_alerts.js"):
    """Invisible: plays each alert it is given in the browser, and puts the tab title back and
    closes the notification once ``ringing`` goes off.

    The words go in the ``alert`` prop, as data: a subject's name or a translation is never
    spliced into JavaScript text. Made on a page's first alert only, so most pages carry none.
    """

    def __init__(self) -> None:
        super().__init__()
        self.played = 0
        self.props["alert"] = None
        self.props["ringing"] = False
        # Whether this browser is subscribed to pushes, as it said on loading (turn_alerts.js)
        # or as the buttons left it; the buttons are redrawn with the queue and follow it.
        self.push_subscribed = False
        self._push_buttons: list[tuple[ui.element, ui.element]] = []
        self.on("push_state", lambda event: self.set_push_subscribed(_subscribed(event.args)))

    def show_push_buttons(self, enable: ui.element, disable: ui.element) -> None:
        """Show ``enable`` or ``disable`` as this browser's subscription is, now and later."""
        self._push_buttons = [pair for pair in self._push_buttons if not pair[0].is_deleted]
        self._push_buttons.append((enable, disable))
        self.set_push_subscribed(self.push_subscribed)

    def set_push_subscribed(self, subscribed: bool) -> None:
        self.push_subscribed = subscribed
        for enable, disable in self._push_buttons:
            if not enable.is_deleted:
                enable.set_visibility(not subscribed)
                disable.set_visibility(subscribed)

    def play(self, title: str, body: str, *, strong: bool) -> None:
        self.played += 1
        self.props["alert"] = {"title": title, "body": body, "strong": strong, "n": self.played}
        if strong:
            self.props["ringing"] = True

    def hush(self) -> None:
        """The call is over: the title goes back and the notification closes."""
        self.props["ringing"] = False

    async def ask_permission(self) -> object:
        """The browser's answer to "may we show notifications?" ("granted", "denied", …)."""
        return await self.run_method("askNotifications", timeout=60)

    async def subscribe_push(self) -> object:
        """The browser's push subscription ({endpoint, p256dh, auth, userAgent}), or None where
        there is no service worker or push service."""
        return await self.run_method("subscribePush", timeout=30)

    async def unsubscribe_push(self) -> object:
        """Ends the browser's push subscription; its endpoint, or None if it had none."""
        return await self.run_method("unsubscribePush", timeout=30)


class TurnAlerts(ui.element):
    """One page's banner and notices, made on first need at the top of the page's layout.

    The parts are fixed to the screen, so where this holder sits does not matter; it draws
    nothing of its own.
    """

    def __init__(self, user: UserView) -> None:
        super().__init__("div")
        self.user = user
        self.queue_id: int | None = None  # the call the banner shows
        with self:
            # Quasar's header sits at z-index 2000: the banner covers it (nothing matters more
            # right now); the notices stay under it.
            self.banner = (
                ui.element("div")
                .classes(
                    "fixed top-0 left-0 right-0 z-[3000] bg-positive text-white shadow-lg "
                    "row items-center justify-center gap-x-4 gap-y-2 px-3 py-3"
                )
                .mark("turn-banner")
            )
            # role=alert: screen readers say it at once, interrupting (aria-live assertive)
            self.banner.props["role"] = "alert"
            self.banner.props["aria-live"] = "assertive"
            with self.banner:
                self.banner_text = ui.label().classes("text-xl font-bold text-center")
                ui.button(
                    _("OK, I'm going"), icon="directions_walk", on_click=self._acknowledge
                ).props("unelevated no-caps color=white text-color=black").classes(
                    "text-base font-bold"
                ).mark("acknowledge-call")
            # Apart: "get ready" at the bottom, what happened at the top, where the banner was.
            self.heads_up, self.heads_up_text = _notice("heads-up", at_top=False)
            self.outcome, self.outcome_text = _notice("turn-outcome", at_top=True)
        for part in (self.banner, self.heads_up, self.outcome):
            part.set_visibility(False)

    def call(self, queue_id: int, subject: str) -> None:
        """Raise the whole alert: banner, sound, vibration, title, notification."""
        title = _("It is your turn!")
        body = _("Go to the teacher: {subject}", subject=subject)
        self.queue_id = queue_id
        self.banner_text.set_text(f"{title} {body}")
        self.banner.set_visibility(True)
        # "Get ready" is over, and a notice must never sit over or beside the call.
        self.heads_up.set_visibility(False)
        self.outcome.set_visibility(False)
        player(self.client).play(title, body, strong=True)

    def end_call(self, queue_id: int | None = None) -> None:
        """The call was acknowledged or ended (``queue_id`` None: whichever it was)."""
        if queue_id is not None and self.queue_id is not None and queue_id != self.queue_id:
            return
        self.queue_id = None
        self.banner.set_visibility(False)
        player(self.client).hush()

    def next_up(self, subject: str) -> None:
        title = _("You are next")
        body = _("Get ready: {subject}", subject=subject)
        if self.queue_id is None:  # never over a call
            self.heads_up_text.set_text(f"{title}. {body}")
            self.heads_up.set_visibility(True)
        player(self.client).play(title, body, strong=False)

    def not_next(self) -> None:
        self.heads_up.set_visibility(False)

    def tell(self, text: str) -> None:
        self.outcome_text.set_text(text)
        self.outcome.set_visibility(True)

    async def _acknowledge(self) -> None:
        queue_id = self.queue_id
        self.end_call()  # at once on this page; the student's other pages follow the event
        if queue_id is not None:
            await attempt(queues.acknowledge_call(queue_id, actor=self.user))
        await recheck(self.client, self.user)  # called in another queue too?


def install(user: UserView) -> None:
    """On a signed-in page: alert the user wherever they are when a teacher calls them, on
    every (re)connection while a call waits for their answer, and tell them how it ended."""
    client = ui.context.client

    async def called(event: StudentCalled) -> None:
        snapshot = await runtime.current().hub.current(event.queue_id)
        alerts(client, user).call(event.queue_id, snapshot.subject_name if snapshot else "")

    async def acknowledged(event: CallAcknowledged) -> None:
        if (found := _existing(client)) is not None:
            found.end_call(event.queue_id)

    async def ended(event: TurnEnded) -> None:
        text = _outcome_text(event)
        found = _existing(client)
        if text is None and found is None:
            return  # a leave of this student's, and nothing to take down here
        found = found or alerts(client, user)
        found.end_call(event.queue_id)
        found.not_next()
        if text is not None:
            found.tell(text)

    mine = ("user_id", user.id)
    on_each_event(StudentCalled, always, called, about=mine)
    on_each_event(CallAcknowledged, always, acknowledged, about=mine)
    on_each_event(TurnEnded, always, ended, about=mine)
    client.on_connect(lambda: background_tasks.create(recheck(client, user), name="turn alerts"))


async def recheck(client: Client, user: UserView) -> None:
    """After a page load or a reconnection: raise a call still waiting for an answer, or take
    down a banner whose call ended while the page was away."""
    calls = await queues.pending_calls(actor=user)
    if client.is_deleted:
        return
    with client:
        if calls:
            alerts(client, user).call(calls[0].queue_id, calls[0].subject_name)
        elif (found := _existing(client)) is not None:
            found.end_call()


def heads_up(subject_name: str, *, user: UserView) -> None:
    """A quieter alert: the student is next."""
    alerts(ui.context.client, user).next_up(subject_name)


def heads_up_over() -> None:
    """No longer next (say, someone ahead took their frozen place back)."""
    if (found := _existing(ui.context.client)) is not None:
        found.not_next()


def offer_notifications(user: UserView) -> None:
    """A button that asks the browser for permission to show notifications and subscribes this
    device to pushes; once it is subscribed, a button that turns that off again."""
    client = ui.context.client
    token = session_token(client.request)
    # Made now, so it is in the browser before the button is pressed.
    player_element = player(client)
    player_element.props["push-key"] = push.public_key()

    async def ask() -> None:
        answer = await player_element.ask_permission()
        if answer == "granted":
            if await _subscribe(player_element, user, token):
                ui.notify(
                    _(
                        "Notifications are on: this device will be told when it is your turn, "
                        "even with the page closed."
                    )
                )
                player_element.set_push_subscribed(True)
            else:
                ui.notify(_("Notifications are on: you will be told when it is your turn."))
                button.set_visibility(False)
        elif answer == "denied":
            ui.notify(_("The browser blocks notifications for this site."), type="warning")

    async def stop() -> None:
        endpoint = await player_element.unsubscribe_push()
        if isinstance(endpoint, str):
            await attempt(push.unsubscribe(endpoint, actor=user))
        ui.notify(_("This device will no longer be told when it is your turn."))
        player_element.set_push_subscribed(False)

    button = ui.button(_("Notify me when it is my turn"), icon="notifications", on_click=ask)
    button.props("flat dense").mark("enable-notifications")
    off = ui.button(_("Stop notifications on this device"), icon="notifications_off", on_click=stop)
    off.props("flat dense").mark("disable-notifications")
    player_element.show_push_buttons(button, off)


def _subscribed(args: object) -> bool:
    """``{subscribed: …}`` as the browser emits it (NiceGUI may hand it over in a list)."""
    if isinstance(args, list) and args:
        args = args[0]
    return isinstance(args, dict) and args.get("subscribed") is True


async def _subscribe(player_element: AlertPlayer, user: UserView, token: str | None) -> bool:
    found = await player_element.subscribe_push()
    if not isinstance(found, dict):
        return False  # no push service in this browser: the open page still rings
    fields = {key: found.get(key) for key in ("endpoint", "p256dh", "auth", "userAgent")}
    if not all(isinstance(value, str) for value in fields.values()):
        return False
    done = await attempt(
        push.subscribe(
            actor=user,
            session_token=token,
            endpoint=str(fields["endpoint"]),
            p256dh=str(fields["p256dh"]),
            auth=str(fields["auth"]),
            user_agent=str(fields["userAgent"]),
        )
    )
    return done is not None


def player(client: Client) -> AlertPlayer:
    """The page's one alert player, made at the top of the page on first need."""
    for child in client.layout.default_slot.children:
        if isinstance(child, AlertPlayer):
            return child
    with client.layout:
        return AlertPlayer().mark("turn-alerts")


def alerts(client: Client, user: UserView) -> TurnAlerts:
    """The page's banner and notices, made on first need."""
    found = _existing(client)
    if found is None:
        with client.layout:
            found = TurnAlerts(user).mark("turn-alerts-holder")
    return found


def _existing(client: Client) -> TurnAlerts | None:
    return next((c for c in client.layout.default_slot.children if isinstance(c, TurnAlerts)), None)


def _outcome_text(event: TurnEnded) -> str | None:
    outcome = TurnOutcome(event.outcome)
    if outcome is TurnOutcome.ACCEPTED:
        if event.task_name:
            return _("Your work was accepted: {task}", task=event.task_name)
        return _("Your work was accepted.")
    return {
        TurnOutcome.RETURNED: _("The teacher returned your work for fixing."),
        TurnOutcome.SKIPPED: _(
            "You were not there: the teacher moved you to the end of the queue."
        ),
        TurnOutcome.REMOVED: _("The teacher took you out of the queue."),
        TurnOutcome.CLEARED: _("The teacher cleared the queue."),
    }.get(outcome)


def _notice(marker: str, *, at_top: bool) -> tuple[ui.element, ui.label]:
    """A card fixed near the top or the bottom, read out politely (role=status), with a close
    button."""
    notice = ui.element("div").classes(
        "fixed left-2 right-2 z-[2500] mx-auto max-w-xl bg-[#fff] dark:bg-[#2b2b2b] shadow-lg "
        "rounded-borders row items-center no-wrap gap-2 pl-4 pr-1 py-2"
    )
    notice.classes("top-16" if at_top else "bottom-4").mark(marker)
    notice.props["role"] = "status"
    notice.props["aria-live"] = "polite"
    with notice:
        text = ui.label().classes("grow text-base").mark(f"{marker}-text")
        close = ui.button(icon="close", on_click=lambda: notice.set_visibility(False))
        close.props("flat round dense").mark(f"{marker}-close")
        close.props["aria-label"] = _("Close")
    return notice, text

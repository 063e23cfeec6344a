"""Domain events and the in-process bus they travel on after a commit."""

from __future__ import annotations

import inspect
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class QueueChanged:
    queue_id: int
    version: int


@dataclass(frozen=True)
class StudentCalled:
    """A teacher called this student to the desk."""

    queue_id: int
    user_id: int
    version: int


@dataclass(frozen=True)
class CallAcknowledged:
    """The called student answered "I'm going": every open page of theirs stops alerting."""

    queue_id: int
    user_id: int


class TurnOutcome(StrEnum):
    """How a student's place in a queue ended (or, for ``SKIPPED``, moved to the end)."""

    ACCEPTED = "accepted"
    RETURNED = "returned"
    SKIPPED = "skipped"
    REMOVED = "removed"
    CLEARED = "cleared"
    LEFT = "left"


@dataclass(frozen=True)
class TurnEnded:
    """A student's place ended or moved to the end: every open page of theirs drops its "your
    turn" alert and says what happened. ``outcome`` is a :class:`TurnOutcome` value (a plain
    string once it has crossed processes); ``task_name`` is the accepted task's."""

    queue_id: int
    user_id: int
    outcome: str
    task_name: str | None = None


@dataclass(frozen=True)
class WorkspaceChanged:
    workspace_id: int


@dataclass(frozen=True)
class MembershipChanged:
    workspace_id: int
    user_id: int


@dataclass(frozen=True)
class SubjectChanged:
    workspace_id: int
    subject_id: int


@dataclass(frozen=True)
class TaskChanged:
    subject_id: int
    task_id: int | None


@dataclass(frozen=True)
class SubmissionChanged:
    user_id: int
    subject_id: int


@dataclass(frozen=True)
class DisplayLinkRevoked:
    """A board link was revoked (link_id), or the board's settings changed (None)."""

    queue_id: int
    link_id: int | None


@dataclass(frozen=True)
class SessionsRevoked:
    """A user's sessions ended; ``kept_session`` (a session's token hash) is the one that stays,
    when the user changed the password from it; ``ended_session``, when only that one ended
    (signed out from the list of sessions)."""

    user_id: int
    kept_session: str | None = None
    ended_session: str | None = None


@dataclass(frozen=True)
class SiteSettingsChanged:
    """A site admin changed the site settings; readers fetch them again."""


@dataclass(frozen=True)
class UserChanged:
    """A site admin changed a user's roles or blocked flag, or the user chose a group or changed
    their name, status or picture."""

    user_id: int


@dataclass(frozen=True)
class GroupsChanged:
    """Groups were added, renamed or deleted (group_id None: many at once)."""

    group_id: int | None


@dataclass(frozen=True)
class InvitesChanged:
    """Invite links were made or revoked: a workspace's student links (subject_id None) or a
    subject's teacher links."""

    workspace_id: int
    subject_id: int | None


@dataclass(frozen=True)
class DisplayLinkCreated:
    """An operator made a board link; open lists of the queue's links show it."""

    queue_id: int
    link_id: int


DomainEvent = (
    QueueChanged
    | StudentCalled
    | CallAcknowledged
    | TurnEnded
    | WorkspaceChanged
    | MembershipChanged
    | SubjectChanged
    | TaskChanged
    | DisplayLinkRevoked
    | DisplayLinkCreated
    | SubmissionChanged
    | SessionsRevoked
    | InvitesChanged
    | SiteSettingsChanged
    | UserChanged
    | GroupsChanged
)
Handler = Callable[[Any], Awaitable[None] | None]


class Subscription:
    """One subscription, and what cancels it when called (its own key among the handlers).

    An object of four slots rather than a closure: each open page holds several for hours, and
    a closure with its cells took about four times the memory (tests/bench/README.md,
    session 11)."""

    __slots__ = ("_by_value", "_handlers", "_value")

    def __init__(
        self,
        handlers: dict[object, Handler],
        by_value: dict[Hashable, dict[object, Handler]] | None,
        about: tuple[str, Hashable] | None,
    ) -> None:
        self._handlers = handlers
        self._by_value = by_value
        self._value = None if about is None else about[1]

    def __call__(self) -> None:
        handlers, by_value = self._handlers, self._by_value
        handlers.pop(self, None)
        if by_value is not None and not handlers and by_value.get(self._value) is handlers:
            del by_value[self._value]  # pages come and go all day: no empty lists left behind


class EventBus:
    """Delivers committed events to subscribers in this process.

    A subscriber may name the one field value it is about (``about=("user_id", 7)``): it is
    then handed only those events, found by that value, so that an event reaches the few pages
    it concerns without being offered to each of thousands (tests/bench: with 5,000 open pages,
    offering every event to every page's filter took a core's eighth at 7 changes a second).
    A failing subscriber is logged and never stops the others.
    """

    def __init__(self) -> None:
        # Each subscription's handler under the subscription itself, so that unsubscribing is one
        # lookup: with thousands of pages subscribed, a list's remove cost a scan per closed page.
        self._handlers: dict[type, dict[object, Handler]] = defaultdict(dict)
        # event type → field → value → handlers about that value
        self._about: dict[type, dict[str, dict[Hashable, dict[object, Handler]]]] = defaultdict(
            dict
        )

    def subscribe(
        self, event_type: type, handler: Handler, *, about: tuple[str, Hashable] | None = None
    ) -> Callable[[], None]:
        """Hand ``handler`` every event of the type, or, given ``about=(field, value)``, those
        whose field has that value; returns what unsubscribes it."""
        by_value: dict[Hashable, dict[object, Handler]] | None = None
        if about is None:
            handlers = self._handlers[event_type]
        else:
            field_name, value = about
            if field_name not in {field.name for field in fields(event_type)}:
                raise ValueError(f"{event_type.__name__} has no field {field_name!r}")
            by_value = self._about[event_type].setdefault(field_name, {})
            handlers = by_value.setdefault(value, {})
        subscription = Subscription(handlers, by_value, about)
        handlers[subscription] = handler
        return subscription

    async def publish(self, events: list[Any]) -> None:
        for event in events:
            for handler in self._receivers(event):
                try:
                    result = handler(event)
                    if inspect.isawaitable(result):
                        await result
                except Exception:
                    log.exception("event handler %r failed on %r", handler, event)

    def _receivers(self, event: Any) -> list[Handler]:
        """Who gets ``event``, copied: a handler may subscribe or unsubscribe others."""
        receivers = list(self._handlers.get(type(event), {}).values())
        for field_name, by_value in self._about.get(type(event), {}).items():
            receivers.extend(by_value.get(getattr(event, field_name), {}).values())
        return receivers

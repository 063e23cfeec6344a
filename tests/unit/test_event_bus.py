"""The bus hands a subscriber that names what it is about only the events with that value."""

from __future__ import annotations

from typing import Any

import pytest

from equeue_ui.events import EventBus, MembershipChanged, StudentCalled, SubmissionChanged


def _collector() -> tuple[list[Any], Any]:
    got: list[Any] = []
    return got, got.append


async def test_a_subscriber_about_a_value_gets_only_events_with_that_value() -> None:
    bus = EventBus()
    everyone, to_everyone = _collector()
    seven, to_seven = _collector()
    eight, to_eight = _collector()
    bus.subscribe(StudentCalled, to_everyone)
    bus.subscribe(StudentCalled, to_seven, about=("user_id", 7))
    bus.subscribe(StudentCalled, to_eight, about=("queue_id", 8))

    events = [
        StudentCalled(queue_id=1, user_id=7, version=1),
        StudentCalled(queue_id=8, user_id=2, version=1),
    ]
    await bus.publish([*events, SubmissionChanged(user_id=7, subject_id=8)])

    assert everyone == events
    assert seven == [events[0]]
    assert eight == [events[1]]


async def test_unsubscribing_the_last_one_about_a_value_leaves_nothing_behind() -> None:
    bus = EventBus()
    got, handler = _collector()
    stops = [bus.subscribe(MembershipChanged, handler, about=("user_id", user)) for user in (1, 2)]
    second = bus.subscribe(MembershipChanged, handler, about=("user_id", 1))

    stops[0]()
    await bus.publish([MembershipChanged(user_id=1, workspace_id=3)])
    assert len(got) == 1  # the second subscription about user 1 still gets it

    second()
    stops[1]()
    stops[1]()  # twice is harmless
    await bus.publish([MembershipChanged(user_id=1, workspace_id=3)])
    assert len(got) == 1
    assert bus._about[MembershipChanged]["user_id"] == {}  # a day of pages leaves no keys


async def test_unsubscribing_ends_that_subscription_only_in_the_order_kept() -> None:
    bus = EventBus()
    got: list[str] = []
    first = bus.subscribe(StudentCalled, lambda _: got.append("a"))
    same = lambda _: got.append("b")  # noqa: E731 - one handler subscribed twice
    twice = [bus.subscribe(StudentCalled, same) for _ in range(2)]
    bus.subscribe(StudentCalled, lambda _: got.append("c"))

    twice[0]()
    await bus.publish([StudentCalled(queue_id=1, user_id=7, version=1)])
    assert got == ["a", "b", "c"]  # the other subscription of the same handler still holds

    first()
    twice[1]()
    got.clear()
    await bus.publish([StudentCalled(queue_id=1, user_id=7, version=1)])
    assert got == ["c"]


async def test_a_field_the_event_does_not_have_is_refused_at_once() -> None:
    with pytest.raises(ValueError, match="no field 'user'"):
        EventBus().subscribe(StudentCalled, print, about=("user", 7))


async def test_a_failing_subscriber_about_a_value_does_not_stop_the_others() -> None:
    bus = EventBus()
    got, handler = _collector()

    def broken(_event: Any) -> None:
        raise RuntimeError("boom")

    bus.subscribe(StudentCalled, broken, about=("user_id", 7))
    bus.subscribe(StudentCalled, handler, about=("user_id", 7))
    await bus.publish([StudentCalled(queue_id=1, user_id=7, version=1)])
    assert got == [StudentCalled(queue_id=1, user_id=7, version=1)]

"""The queue's numbers have one definition each (QueueSnapshot, services/estimates.py), which
the student page, the board and the console all show."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from equeue_ui.live_transport import payload
from equeue_ui.services.estimates import estimate_wait, newcomer_wait
from equeue_ui.services.views import EntryStatus, EntryView, QueueSnapshot, QueueState

AT = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
FIVE_MINUTES = (300.0, 300.0, 300.0, 300.0)
# The broadcast caches one payload per queue and version: every snapshot here is a new version.
_versions = itertools.count(1)


def snapshot(*statuses: EntryStatus, services: tuple[float, ...] = FIVE_MINUTES) -> QueueSnapshot:
    """Users 1, 2, 3… in that order, with these statuses."""
    return QueueSnapshot(
        queue_id=1,
        subject_id=1,
        workspace_id=1,
        subject_name="Алгоритмы",
        state=QueueState.OPEN,
        members_can_freeze=True,
        max_size=None,
        version=next(_versions),
        entries=tuple(
            EntryView(
                id=n,
                position=n,
                user_id=n,
                display_name=f"Student {n}",
                short_name=f"S. {n}",
                task_id=None,
                task_name=None,
                status=status,
                joined_at=AT,
                called_at=AT if status is EntryStatus.CALLED else None,
            )
            for n, status in enumerate(statuses, start=1)
        ),
        service_seconds=services,
    )


CALLED, WAITING, FROZEN = EntryStatus.CALLED, EntryStatus.WAITING, EntryStatus.FROZEN


def test_people_ahead_are_those_call_next_would_call_first() -> None:
    """The issue's queue: the one at the desk and a frozen student are not ahead of anyone."""
    queue = snapshot(CALLED, WAITING, FROZEN, WAITING, WAITING, WAITING, WAITING, WAITING)

    assert [queue.people_ahead(n) for n in range(1, 9)] == [0, 0, 1, 1, 2, 3, 4, 5]
    assert queue.people_ahead(99) is None


def test_the_next_one_is_the_first_waiting_even_behind_a_frozen_place() -> None:
    queue = snapshot(CALLED, FROZEN, WAITING, WAITING)

    assert [queue.is_next(n) for n in range(1, 5)] == [False, False, True, False]
    assert not queue.is_next(99)


def test_a_frozen_place_at_the_head_is_never_next() -> None:
    queue = snapshot(FROZEN)

    assert queue.people_ahead(1) == 0 and not queue.is_next(1)


def test_the_counts_of_waiting_and_callable_people() -> None:
    queue = snapshot(CALLED, WAITING, FROZEN, WAITING)

    assert (queue.waiting_count, queue.callable_count) == (3, 2)


def test_a_students_wait_counts_only_the_people_ahead() -> None:
    queue = snapshot(CALLED, FROZEN, WAITING, WAITING, WAITING)

    three = estimate_wait(queue, 3)
    assert three is not None and three.high_minutes == 0
    five = estimate_wait(queue, 5)
    assert five is not None and (five.people_ahead, five.low_minutes, five.high_minutes) == (
        2,
        10,
        10,
    )
    assert estimate_wait(queue, 1) is None  # at the desk: no wait to tell


def test_being_next_needs_no_service_history() -> None:
    queue = snapshot(CALLED, WAITING, services=())

    estimate = estimate_wait(queue, 2)
    assert estimate is not None and estimate.people_ahead == 0


def test_a_newcomer_behind_only_a_frozen_student_is_called_next() -> None:
    """The board said "a newcomer waits about 1 min" here."""
    queue = snapshot(FROZEN)

    wait = newcomer_wait(queue)
    assert wait is not None and (wait.low_minutes, wait.high_minutes) == (0, 0)
    assert payload(queue)["newcomer_wait"] == [0, 0]


def test_a_newcomers_wait_counts_everyone_call_next_would_call_first() -> None:
    queue = snapshot(CALLED, WAITING, FROZEN, WAITING)

    assert payload(queue)["newcomer_wait"] == [10, 10]
    assert payload(snapshot(WAITING, services=()))["newcomer_wait"] is None  # no history yet


def test_the_board_gets_the_count_and_the_places_from_the_server() -> None:
    data = payload(snapshot(CALLED, WAITING, FROZEN, WAITING))

    assert data["waiting_count"] == 3
    assert [entry["position"] for entry in data["entries"]] == [1, 2, 3, 4]

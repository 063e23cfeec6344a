"""The estimated wait shown to a student: a range from recent service times."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from db.models import EntryStatus
from equeue_ui.services.views import QueueSnapshot

MIN_SAMPLES = 3
# Services longer than this are sessions left open (a forgotten "called"), not real services.
LONGEST_SERVICE_SECONDS = 45 * 60


@dataclass(frozen=True)
class WaitEstimate:
    people_ahead: int
    low_minutes: int
    high_minutes: int


def estimate_wait(snapshot: QueueSnapshot, user_id: int) -> WaitEstimate | None:
    """The wait of ``user_id`` (not at the desk), or None when not enough services happened
    to say how long the people ahead take."""
    mine = snapshot.entry_of(user_id)
    if mine is None or mine.status is EntryStatus.CALLED:
        return None
    return estimate_for(snapshot.people_ahead(user_id) or 0, snapshot.service_seconds)


def newcomer_wait(snapshot: QueueSnapshot) -> WaitEstimate | None:
    """The wait of someone who joined now (the board's "a newcomer waits about …")."""
    return estimate_for(snapshot.callable_count, snapshot.service_seconds)


def estimate_for(people_ahead: int, service_seconds: tuple[float, ...]) -> WaitEstimate | None:
    if people_ahead == 0:
        return WaitEstimate(people_ahead=0, low_minutes=0, high_minutes=0)  # next: no data needed
    samples = sorted(s for s in service_seconds if 0 < s <= LONGEST_SERVICE_SECONDS)
    if len(samples) < MIN_SAMPLES:
        return None
    quartiles = statistics.quantiles(samples, n=4, method="inclusive")
    low, high = quartiles[0], quartiles[2]
    return WaitEstimate(
        people_ahead=people_ahead,
        low_minutes=int(people_ahead * low // 60),
        high_minutes=max(int(-(-people_ahead * high // 60)), 1),
    )

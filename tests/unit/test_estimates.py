"""The estimated wait: a range from recent service times, or nothing when there is too little."""

from __future__ import annotations

from equeue_ui.services.estimates import estimate_for


def test_fewer_than_three_services_give_no_estimate() -> None:
    assert estimate_for(4, (300.0, 360.0)) is None


def test_the_range_grows_with_the_people_ahead() -> None:
    services = (240.0, 300.0, 360.0, 420.0, 480.0)
    near, far = estimate_for(1, services), estimate_for(4, services)
    assert near is not None and far is not None
    assert near.low_minutes <= near.high_minutes
    assert far.low_minutes > near.low_minutes and far.high_minutes > near.high_minutes
    assert (far.low_minutes, far.high_minutes) == (20, 28)


def test_nobody_ahead_means_no_wait() -> None:
    estimate = estimate_for(0, (300.0, 300.0, 300.0))
    assert estimate is not None and (estimate.low_minutes, estimate.high_minutes) == (0, 0)


def test_forgotten_calls_longer_than_45_minutes_are_not_services() -> None:
    assert estimate_for(2, (300.0, 300.0, 4 * 3600.0, 5 * 3600.0)) is None

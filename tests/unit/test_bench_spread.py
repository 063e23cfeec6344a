"""The load benchmark's bookkeeping for many queues, arrivals and soaks (tests/bench, issue 19):
how viewers and changes are spread, which pairs count for latency, who counts as dropped, and
the memory slope."""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left
from collections import Counter
from dataclasses import replace
from itertools import takewhile

import pytest

from tests.bench.driver import Change, queue_for_change
from tests.bench.fanout import TIME_LIMIT, parse_args, viewer_specs
from tests.bench.loader import BOARD, CONSOLE, STUDENT, ViewerResult, arrival_moments
from tests.bench.memory import MemorySample, slope_mb_per_10min, soak_warmup_seconds
from tests.bench.report import arrival_span
from tests.bench.stats import dropped, final_versions, latencies_ms, least_squares_slope
from tests.bench.viewer import INITIAL_VERSION


def change(queue: int, version: int, at: float) -> Change:
    return Change(0, "join", "s", at, True, version, at, queue=queue)


def viewer(
    queue: int,
    seen: list[tuple[float, int]],
    *,
    index: int = 0,
    role: str = STUDENT,
    opened: float | None = 0.0,
    left: float | None = None,
    version: int | None = None,
) -> ViewerResult:
    return ViewerResult(
        index=index,
        port=1,
        connect_seconds=0.1,
        page_seconds=0.05,
        connected_at=opened,
        failure="",
        unexpected_disconnects=0,
        disconnects=0,
        disconnected_at=array("d"),
        page_loads=1,
        events=len(seen),
        event_bytes=0,
        deflate_accepted=False,
        version=version if version is not None else max((v for _, v in seen), default=-1),
        seen_at=array("d", [at for at, _ in seen]),
        seen_version=array("q", [v for _, v in seen]),
        queue=queue,
        role=role,
        first_connected_at=opened,
        left_at=left,
    )


def test_changes_go_round_the_queues_so_each_gets_an_even_share() -> None:
    counts = Counter(queue_for_change(k, 7) for k in range(100))
    assert set(counts) == set(range(7))
    assert max(counts.values()) - min(counts.values()) <= 1


def test_viewers_spread_evenly_over_queues_and_apps_with_a_board_and_console_per_queue() -> None:
    specs = viewer_specs(
        50, 5, [1001, 1002], operator_pages=True, path=lambda role, q: f"/{role}/{q}"
    )
    students = [s for s in specs if s.role == STUDENT]
    assert Counter(s.queue for s in students) == dict.fromkeys(range(5), 10)
    assert Counter(s.port for s in students) == {1001: 25, 1002: 25}
    for role in (BOARD, CONSOLE):
        assert sorted(s.queue for s in specs if s.role == role) == list(range(5))
    assert len({s.index for s in specs}) == len(specs) == 60
    assert all(s.path == f"/{s.role}/{s.queue}" for s in specs)


def test_one_queue_has_no_operator_pages_unless_asked() -> None:
    assert not parse_args(["--viewers", "10"]).operator_pages
    assert parse_args(["--viewers", "10", "--queues", "2"]).operator_pages
    assert parse_args(["--viewers", "10", "--operator-pages"]).operator_pages


def test_a_viewer_counts_only_its_own_queues_changes() -> None:
    changes = [change(0, 5, 10.0), change(1, 5, 11.0)]
    seen = viewer(0, [(10.02, 5)])
    assert latencies_ms(changes, [seen]) == pytest.approx([20.0])


def test_an_arrival_counts_only_changes_after_its_socket_connected() -> None:
    changes = [change(0, 5, 10.0), change(0, 6, 20.0)]
    arrival = viewer(0, [(20.05, 6)], opened=15.0)
    # version 5 was in the page it loaded: that is no fan-out latency
    assert latencies_ms(changes, [arrival]) == pytest.approx([50.0])


def test_a_closed_tab_counts_only_changes_before_it_closed() -> None:
    changes = [change(0, 5, 10.0), change(0, 6, 20.0)]
    gone = viewer(0, [(10.01, 5)], left=15.0)
    assert latencies_ms(changes, [gone]) == pytest.approx([10.0])


def test_each_queue_has_its_own_final_version() -> None:
    changes = [change(0, 5, 1.0), change(1, 9, 2.0), change(0, 7, 3.0)]
    assert final_versions(changes) == {0: 7, 1: 9}


def test_who_counts_as_dropped_with_several_queues() -> None:
    finals = {0: 7, 1: 9}
    assert dropped(viewer(0, [(1.0, 7)]), finals) == ""
    assert dropped(viewer(1, [(1.0, 7)]), finals) == "never showed the final version"
    # a tab closed on purpose, a console (redrawn, no version) and a queue without changes
    assert dropped(viewer(1, [(1.0, 7)], left=2.0), finals) == ""
    assert dropped(viewer(1, [], role=CONSOLE), finals) == ""
    assert dropped(viewer(2, []), finals) == ""


def test_a_page_tells_the_version_it_was_built_with() -> None:
    html = b'"props":{"initial":"{\\"queue_id\\": 12, \\"version\\": 345, \\"entries\\": []'
    found = INITIAL_VERSION.search(html)
    assert found is not None and found.group(1) == b"345"


def test_least_squares_slope_of_a_line_and_of_too_few_points() -> None:
    assert least_squares_slope([0, 1, 2, 3], [1, 3, 5, 7]) == pytest.approx(2.0)
    assert math.isnan(least_squares_slope([5], [1]))
    assert math.isnan(least_squares_slope([2, 2], [1, 3]))


def test_the_soak_slope_leaves_out_the_warm_up_and_is_per_ten_minutes() -> None:
    # 100 MB jump during the warm-up, then 1 MB more each minute
    samples = [MemorySample(0, 100 * 1024, None)] + [
        MemorySample(60 * m, (200 + m) * 1024, (150 + 2 * m) * 1024) for m in range(1, 31)
    ]
    warmup = soak_warmup_seconds(30 * 60)
    assert warmup == 300
    assert slope_mb_per_10min(samples, warmup) == pytest.approx(10.0)
    assert slope_mb_per_10min(samples, warmup, pss=True) == pytest.approx(20.0)
    unread = [*samples, MemorySample(31 * 60, 231 * 1024, None)]
    assert math.isnan(slope_mb_per_10min(unread, warmup, pss=True))
    assert soak_warmup_seconds(120) == 40
    assert math.isnan(slope_mb_per_10min(samples[:2], warmup))


def test_a_soak_lifts_the_self_stop_and_a_plain_run_keeps_it() -> None:
    assert parse_args(["--viewers", "10"]).time_limit == TIME_LIMIT
    soak = parse_args(["--viewers", "10", "--soak", "30"])
    assert soak.phase_seconds == 1800 and soak.time_limit > 1800 + 60
    assert parse_args(["--viewers", "10", "--time-limit", "50"]).time_limit == 50


def test_a_restart_runs_with_one_queue_only() -> None:
    with pytest.raises(SystemExit):
        parse_args(["--viewers", "10", "--queues", "2", "--restart", "1"])


def test_arrivals_come_at_random_moments_not_all_load_processes_at_once() -> None:
    # 22 load processes share 10 arrivals a second, as in a two-process run of 10,000 pages.
    loaders, rate, seconds = 22, 10.0, 60.0
    moments = sorted(
        moment
        for seed in range(loaders)
        for moment in takewhile(lambda m: m < seconds, arrival_moments(rate / loaders, seed))
    )
    assert abs(len(moments) - rate * seconds) <= 3 * math.sqrt(rate * seconds)
    busiest = max(bisect_left(moments, at + 0.15) - k for k, at in enumerate(moments))
    # A fixed schedule started in every load process at once sent all 22 within 0.15 s.
    assert busiest <= loaders // 2
    assert next(arrival_moments(1.0, 3)) == next(arrival_moments(1.0, 3))  # seeded: repeatable


def test_the_arrivals_rate_is_over_the_time_they_ran_in_each_wave() -> None:
    arrivals = [
        replace(viewer(0, []), opened_at=at, wave=wave)
        for wave, at in [(0, 100.0), (0, 130.0), (0, 160.0), (1, 500.0), (1, 520.0), (1, None)]
    ]
    assert arrival_span(arrivals, 0) == 60.0
    assert arrival_span(arrivals, 1) == 20.0  # a page load that never began is left out
    assert arrival_span(arrivals, 2) == 0.0

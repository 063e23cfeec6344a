"""What survives the older generations' collections is frozen out of later ones; a full
collection walks everything again once the heap per open page grew by a quarter (at two counts
in a row, from a baseline taken while the pages stayed as many), or after a while."""

from __future__ import annotations

import gc
import sys
import weakref
from collections.abc import Iterator

import pytest

from equeue_ui import gc_policy
from equeue_ui.gc_policy import FrozenSurvivors

COUNT_EVERY = 60.0
AT_LEAST = 3600.0


def stop(generation: int) -> dict[str, int]:
    return {"generation": generation, "collected": 0, "uncollectable": 0}


class Collector:
    """A stand-in for the gc module's freezing, with a clock, a heap size and open pages to set."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.heap_blocks = 0
        self.open_pages = 0
        self.calls: list[str] = []

    def clock(self) -> float:
        return self.now

    def freeze(self) -> None:
        self.calls.append("freeze")

    def unfreeze(self) -> None:
        self.calls.append("unfreeze")

    def heap(self) -> int:
        return self.heap_blocks

    def pages(self) -> int:
        return self.open_pages


@pytest.fixture
def collector() -> Collector:
    return Collector()


@pytest.fixture
def policy(collector: Collector) -> FrozenSurvivors:
    return FrozenSurvivors(
        count_every=COUNT_EVERY,
        walk_at_least_every=AT_LEAST,
        clock=collector.clock,
        freeze=collector.freeze,
        unfreeze=collector.unfreeze,
        heap=collector.heap,
        pages=collector.pages,
    )


def test_the_survivors_of_the_older_generations_are_frozen_not_the_youngest(
    policy: FrozenSurvivors, collector: Collector
) -> None:
    policy._on_collection("start", stop(1))
    policy._on_collection("stop", stop(0))
    policy._on_collection("stop", stop(1))
    policy._on_collection("stop", stop(2))
    assert collector.calls == ["freeze", "freeze"]


def test_a_heap_the_same_size_as_before_needs_no_walk_however_long_it_runs(
    policy: FrozenSurvivors, collector: Collector
) -> None:
    collector.heap_blocks = 1_000_000
    for _ in range(50):  # fifty minutes of pages opening and closing
        collector.now += COUNT_EVERY
        policy._on_collection("stop", stop(1))
        collector.heap_blocks += 4_000  # up and down a little, never a quarter
        policy._on_collection("stop", stop(1))
        collector.heap_blocks -= 4_000
    assert "unfreeze" not in collector.calls
    assert policy.walks == 0


def count(policy: FrozenSurvivors, collector: Collector, times: int = 1) -> None:
    """``times`` minutes on, each with a collection of the middle generation."""
    for _ in range(times):
        collector.now += COUNT_EVERY
        policy._on_collection("stop", stop(1))


def test_a_heap_a_quarter_larger_at_two_counts_lets_the_next_full_collection_walk_everything(
    policy: FrozenSurvivors, collector: Collector
) -> None:
    collector.heap_blocks = 1_000_000
    count(policy, collector, 2)  # the first count, and the baseline as the pages stayed
    collector.heap_blocks = 1_300_000
    count(policy, collector)  # grown by 30 %: once may be a burst
    collector.now += COUNT_EVERY - 1
    policy._on_collection("stop", stop(1))  # not counted yet
    assert "unfreeze" not in collector.calls
    collector.now += 1
    policy._on_collection("stop", stop(1))  # counted: grown at two counts in a row
    assert collector.calls == ["freeze"] * 4 + ["unfreeze"]

    policy._on_collection("stop", stop(1))  # a younger collection does not freeze meanwhile
    assert collector.calls[-1] == "unfreeze"
    collector.heap_blocks = 1_100_000  # what the walk left
    policy._on_collection("stop", stop(2))  # the walk: frozen again
    assert collector.calls[-1] == "freeze"
    assert policy.walks == 1

    count(policy, collector)  # the new baseline: 1.1 M
    collector.heap_blocks = 1_300_000  # under 1.1 M × 1.25
    count(policy, collector, 3)
    assert collector.calls[-1] == "freeze"
    collector.heap_blocks = 1_400_000
    count(policy, collector, 2)
    assert collector.calls[-1] == "unfreeze"


def test_a_burst_at_one_count_needs_no_walk(policy: FrozenSurvivors, collector: Collector) -> None:
    collector.heap_blocks = 1_000_000
    count(policy, collector, 2)
    for _ in range(10):
        collector.heap_blocks = 1_500_000  # a minute of heavy work, then gone
        count(policy, collector)
        collector.heap_blocks = 1_000_000
        count(policy, collector)
    assert "unfreeze" not in collector.calls


def test_more_open_pages_need_no_walk_but_what_they_leave_behind_does(
    policy: FrozenSurvivors, collector: Collector
) -> None:
    """A morning's pages coming in would otherwise bring a walk at every quarter more, each
    longer than the last (about 0.6 ms per open page)."""
    collector.open_pages, collector.heap_blocks = 999, 2_000_000  # 2,000 blocks a page
    count(policy, collector, 2)  # the baseline
    for pages in range(1_999, 10_000, 1_000):  # four times the pages by noon
        collector.open_pages, collector.heap_blocks = pages, 2_000 * (pages + 1)
        count(policy, collector)
    assert "unfreeze" not in collector.calls

    collector.heap_blocks = int(2_000 * (collector.open_pages + 1) * 1.3)  # left behind
    count(policy, collector, 2)
    assert collector.calls[-1] == "unfreeze"


def test_no_baseline_is_taken_while_pages_are_still_connecting(
    policy: FrozenSurvivors, collector: Collector
) -> None:
    """Two apps of 5,400 pages each (tests/bench/README.md, session 11): at the first count a
    minute after start-up, 4,256 pages were open at 1,688 blocks each; a minute later all had
    connected, the changes flowed, and a page held 2,295. Each app then walked everything for
    3.5-3.9 s."""
    collector.open_pages, collector.heap_blocks = 4_256, 4_257 * 1_688
    count(policy, collector)
    collector.open_pages, collector.heap_blocks = 5_463, 5_464 * 2_295
    count(policy, collector)
    for _ in range(20):  # a steady 40 minutes, pages coming and going
        collector.open_pages += 50
        count(policy, collector)
        collector.open_pages -= 50
        count(policy, collector)
    assert "unfreeze" not in collector.calls

    collector.heap_blocks = int(5_464 * 2_295 * 1.3)  # left behind
    count(policy, collector, 2)
    assert collector.calls[-1] == "unfreeze"


def test_everything_is_walked_at_least_every_so_often(
    policy: FrozenSurvivors, collector: Collector
) -> None:
    collector.now += AT_LEAST - 1
    policy._on_collection("stop", stop(1))
    assert collector.calls == ["freeze"]
    collector.now += 1
    policy._on_collection("stop", stop(1))
    assert collector.calls[-1] == "unfreeze"
    policy._on_collection("stop", stop(2))
    collector.now += AT_LEAST - 1
    policy._on_collection("stop", stop(1))
    assert collector.calls[-2:] == ["freeze", "freeze"], "counted from the walk"


@pytest.fixture
def installed() -> Iterator[FrozenSurvivors]:
    policy = gc_policy.install(FrozenSurvivors(walk_at_least_every=AT_LEAST))
    try:
        yield policy
    finally:
        gc_policy.uninstall()
    assert policy._on_collection not in gc.callbacks


class Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the collector frees it


def test_with_the_real_collector_a_frozen_cycle_waits_for_the_walk_of_everything(
    installed: FrozenSurvivors,
) -> None:
    node = Node()
    gone = weakref.ref(node)
    gc.collect()
    assert not any(item is node for item in gc.get_objects()), "the survivor is frozen"
    del node
    gc.collect()
    assert gone() is not None, "a frozen cycle is not collected"

    installed._last_walk -= AT_LEAST  # time for a walk of everything
    gc.collect()  # this one lets the next walk everything
    gc.collect()
    assert gone() is None, "the walk of everything collects it"
    assert installed.walks == 1


def test_installing_twice_keeps_one_callback() -> None:
    first = gc_policy.install()
    second = gc_policy.install()
    try:
        assert first._on_collection not in gc.callbacks
        assert gc.callbacks.count(second._on_collection) == 1
    finally:
        gc_policy.uninstall()


def test_the_heap_is_measured_by_its_allocated_blocks_not_by_walking_the_frozen_objects() -> None:
    """Counting the frozen objects walks them all (0.7 s with 5,400 pages open)."""
    measure = FrozenSurvivors()._heap
    assert measure is sys.getallocatedblocks
    before = measure()
    kept = [[n] for n in range(100_000)]
    assert measure() - before >= len(kept)

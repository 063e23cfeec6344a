"""Keeping open pages out of CPython's garbage collections.

A queue page is about a thousand Python objects, and a full collection walks every one of
them: with 5,400 pages open on one process, each full collection stopped everything for 3 to
6 s, about once a minute (tests/bench/README.md, "A faculty's day"). Nearly all of those
objects stay alive until their page closes, so walking them again and again finds nothing.

So whatever survives a collection of the two older generations is frozen (``gc.freeze``):
later collections walk only what was made since, and stay short. A frozen object is still
freed by reference counting as soon as nothing holds it; what it can no longer be is
*collected*, so a cycle that becomes garbage after it was frozen stays until the next walk of
everything. Pages are built not to leave any (equeue_ui/tuning/closed_pages.py and
closed_sockets.py; tests/ui/test_closed_page_garbage.py, tests/unit/test_closed_sockets.py).
For whatever else does, the heap is measured now and then (its allocated blocks per open page),
and once that is a quarter larger than its baseline at two counts in a row (as CPython itself
starts a full collection once a quarter more objects have aged into its oldest generation), or
``walk_at_least_every`` has passed, the next full collection walks everything.
While the app holds the same number of pages, that never comes: people opening and closing
pages all day cost no full walk. Nor do more pages: a walk of everything stops the app about
0.6 ms per open page, and it would come at every quarter more pages through a morning. The
baseline is taken only once the open pages stayed about as many from one count to the next:
two apps of 5,400 pages each measured 1,690 blocks a page while pages were still connecting and
2,295 a minute later, when all had connected and the changes flowed, and each walked everything
for 3.5-3.9 s (tests/bench/README.md, session 11). And a burst of work has passed by the next
count, while what cycles left behind is still there: growth counts only at two counts in a row.

The heap is measured by ``sys.getallocatedblocks``, which reads a counter per 16 KB pool (under
a millisecond for a gigabyte), not by counting the frozen objects: ``gc.get_freeze_count``
walks every one of them, and with 5,400 pages open that stopped everything for about 0.7 s
once a minute (py-spy; tests/bench/README.md, session 10).

It runs only where closed pages and their sockets are freed without the collector (the
``closed_pages`` and ``closed_sockets`` patches installed): without them, every closed page
would stay frozen until the next walk.
"""

from __future__ import annotations

import gc
import logging
import sys
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

GROWTH = 1.25  # the heap per page, against that after the last walk of everything
STEADY, STEADY_AT_LEAST = 0.1, 10  # open pages changed by at most this much from one count on
COUNT_EVERY_S = 60.0
WALK_AT_LEAST_EVERY_S = 3600.0


class FrozenSurvivors:
    """Freezes what survives the older generations' collections; lets a full collection walk
    everything again once the heap per open page has grown by a quarter, or after a while."""

    def __init__(
        self,
        *,
        count_every: float = COUNT_EVERY_S,
        walk_at_least_every: float = WALK_AT_LEAST_EVERY_S,
        clock: Callable[[], float] = time.monotonic,
        freeze: Callable[[], None] = gc.freeze,
        unfreeze: Callable[[], None] = gc.unfreeze,
        heap: Callable[[], int] = sys.getallocatedblocks,
        pages: Callable[[], int] = lambda: 0,
    ) -> None:
        self._count_every = count_every
        self._walk_at_least_every = walk_at_least_every
        self._clock = clock
        self._freeze = freeze
        self._unfreeze = unfreeze
        self._heap = heap
        self._pages = pages
        self._last_walk = self._last_count = clock()
        self._after_walk: float | None = None  # the heap per page the growth is measured from
        self._counted_pages: int | None = None  # the open pages at the last count
        self._grown_at_last_count = False
        self._walking = False  # all unfrozen: the next full collection walks everything
        self.freezes = 0
        self.walks = 0

    def start(self) -> None:
        if self._on_collection not in gc.callbacks:
            gc.callbacks.append(self._on_collection)

    def stop(self) -> None:
        if self._on_collection in gc.callbacks:
            gc.callbacks.remove(self._on_collection)

    def _on_collection(self, phase: str, info: dict[str, Any]) -> None:
        generation = info.get("generation", 0)
        if phase != "stop" or generation < 1:
            return  # the youngest generation's survivors are still mostly short-lived
        now = self._clock()
        if self._walking:
            if generation < 2:
                return  # everything waits, unfrozen, for the full collection to walk it
            self._walking = False
            self._last_walk = self._last_count = now
            self.walks += 1
            self._freeze_all()
            # the new baseline comes at the next count, if the pages stay as many as now
            self._after_walk, self._counted_pages = None, self._pages()
            self._grown_at_last_count = False
            return
        if self._walk_due(now):
            log.info(
                "walking everything at the next full collection: %.0f blocks per page (%d pages), "
                "%s after the last walk",
                self._heap_per_page(),
                self._pages(),
                "-" if self._after_walk is None else f"{self._after_walk:.0f}",
            )
            self._unfreeze()
            self._walking = True
            return
        self._freeze_all()

    def _freeze_all(self) -> None:
        self._freeze()  # everything tracked now has just survived a collection, or is frozen
        self.freezes += 1

    def _walk_due(self, now: float) -> bool:
        if now - self._last_walk >= self._walk_at_least_every:
            return True
        if now - self._last_count < self._count_every:
            return False
        self._last_count = now
        heap, pages = self._heap_per_page(), self._pages()
        steady = self._counted_pages is not None and abs(pages - self._counted_pages) <= max(
            STEADY * self._counted_pages, STEADY_AT_LEAST
        )
        self._counted_pages = pages
        if self._after_walk is None:
            # The baseline is taken only once as many pages stay open from one count to the
            # next: pages still connecting hold less than they will once the changes flow.
            if steady:
                self._after_walk = heap
            return False
        # Two counts in a row: a burst of work passes, what was left behind is still there.
        grown = heap > self._after_walk * GROWTH
        confirmed, self._grown_at_last_count = grown and self._grown_at_last_count, grown
        return confirmed

    def _heap_per_page(self) -> float:
        return self._heap() / (self._pages() + 1)


_policy: FrozenSurvivors | None = None


def install(policy: FrozenSurvivors | None = None) -> FrozenSurvivors:
    """Start the policy for this process (once; a later call replaces the earlier one)."""
    global _policy
    uninstall()
    _policy = policy or FrozenSurvivors()
    _policy.start()
    return _policy


def uninstall() -> None:
    global _policy
    if _policy is not None:
        _policy.stop()
        _policy = None

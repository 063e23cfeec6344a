"""Live fan-out of queue snapshots within one process.

On a ``QueueChanged`` event the hub loads the queue's snapshot once and hands it to every
viewer of that queue in this process: the cost of a change does not grow with the number of
viewers. Loads are coalesced: while one is running, newer events only mark the queue stale,
and one more load follows. Viewers subscribe first and read the snapshot second, and ignore
versions older than what they show, so nothing is missed and nothing goes backwards.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from equeue_ui.events import EventBus, QueueChanged
from equeue_ui.services.views import QueueSnapshot

log = logging.getLogger(__name__)

Viewer = Callable[[QueueSnapshot], None]
# Gets every new snapshot once, with when this process heard of the oldest change it carries
# (time.monotonic()), or None when it carries none (a first read, a resync).
Listener = Callable[[QueueSnapshot, float | None], None]
Loader = Callable[[int], Awaitable[QueueSnapshot | None]]
# Bursts of changes coalesce into a few loads; the bound guards against a version that never
# becomes visible (say, the queue was deleted meanwhile).
MAX_LOADS_PER_REFRESH = 5
# Changes heard of but not yet shown, per queue; more only while loads fail, and then only the
# oldest matter (the time a broadcast reports is the oldest change it carries).
MAX_PENDING_CHANGES = 16


@dataclass
class _Feed:
    viewers: list[Viewer] = field(default_factory=list)
    latest: QueueSnapshot | None = None
    wanted_version: int = 0
    loading: asyncio.Task[None] | None = None
    # (version, when heard of) of changes not yet shown, oldest first: for the metrics'
    # commit → send time, one clock read per change.
    pending: list[tuple[int, float]] = field(default_factory=list)


class LiveHub:
    def __init__(self, bus: EventBus, loader: Loader) -> None:
        self._loader = loader
        self._feeds: dict[int, _Feed] = {}
        self._listeners: list[Listener] = []
        self.snapshot_loads = 0  # observed by tests and the benchmark
        self._unsubscribe = bus.subscribe(QueueChanged, self._on_changed)

    async def close(self) -> None:
        """Stop following events and wait for loads in flight, which hold database connections."""
        self._unsubscribe()
        loading = [feed.loading for feed in self._feeds.values() if feed.loading is not None]
        for task in loading:
            task.cancel()
        self._feeds.clear()
        await asyncio.gather(*loading, return_exceptions=True)

    def add_listener(self, listener: Listener) -> None:
        """Receive every new snapshot of every watched queue, once (e.g. to broadcast it)."""
        self._listeners.append(listener)

    def viewer_count(self, queue_id: int | None = None) -> int:
        if queue_id is not None:
            feed = self._feeds.get(queue_id)
            return len(feed.viewers) if feed else 0
        return sum(len(feed.viewers) for feed in self._feeds.values())

    def viewer_counts(self) -> dict[int, int]:
        """Viewers of each watched queue, by queue id."""
        return {queue_id: len(feed.viewers) for queue_id, feed in self._feeds.items()}

    def watch(self, queue_id: int, viewer: Viewer) -> Callable[[], None]:
        """Receive every newer snapshot of the queue; returns the function that stops it."""
        feed = self._feeds.setdefault(queue_id, _Feed())
        feed.viewers.append(viewer)
        # Let go of the viewer once stopped: a page keeps this function, and the viewer (a
        # page's method) keeps the page, so holding it would leave the closed page in a cycle.
        watching: Viewer | None = viewer

        def stop() -> None:
            nonlocal watching
            if watching is None:
                return
            if watching in feed.viewers:
                feed.viewers.remove(watching)
            watching = None
            if not feed.viewers and self._feeds.get(queue_id) is feed:
                if feed.loading is not None:
                    feed.loading.cancel()
                del self._feeds[queue_id]

        return stop

    async def current(self, queue_id: int) -> QueueSnapshot | None:
        """The latest snapshot: from memory when a load already brought it, else read now."""
        feed = self._feeds.get(queue_id)
        if feed is not None and feed.latest is not None and feed.loading is None:
            return feed.latest
        snapshot = await self._load(queue_id)
        if snapshot is not None and feed is not None:
            self._keep(feed, snapshot)
        return snapshot

    async def snapshot_at(self, queue_id: int, version: int) -> QueueSnapshot | None:
        """The snapshot at ``version`` or newer, for whoever else follows each change (the push
        sender): the one this process's viewers got, or the load in flight for them, shared;
        else read now. A change is then read once, not once per follower."""
        feed = self._feeds.get(queue_id)
        if feed is not None and feed.loading is not None:
            await asyncio.wait({feed.loading})  # not the load's failure or cancellation: ours
        if feed is not None and feed.latest is not None and feed.latest.version >= version:
            return feed.latest
        return await self._load(queue_id)

    async def resync_all(self) -> None:
        """Reload every watched queue (after a lost connection to other processes' events)."""
        for queue_id, feed in list(self._feeds.items()):
            self._start_loading(queue_id, feed, force=True)

    def _on_changed(self, event: QueueChanged) -> None:
        feed = self._feeds.get(event.queue_id)
        if feed is None:
            return
        if feed.latest is not None and feed.latest.version >= event.version:
            return
        if event.version > feed.wanted_version:
            # For this process's own changes this is right after the commit: the unit of work
            # publishes on the bus as soon as it has committed.
            if len(feed.pending) < MAX_PENDING_CHANGES:
                feed.pending.append((event.version, time.monotonic()))
            feed.wanted_version = event.version
        self._start_loading(event.queue_id, feed)

    def _start_loading(self, queue_id: int, feed: _Feed, *, force: bool = False) -> None:
        if feed.loading is None:
            feed.loading = asyncio.get_running_loop().create_task(
                self._refresh(queue_id, feed, force=force), name=f"queue-{queue_id}-snapshot"
            )

    async def _refresh(self, queue_id: int, feed: _Feed, *, force: bool) -> None:
        try:
            for _attempt in range(MAX_LOADS_PER_REFRESH):
                behind = feed.latest is None or feed.latest.version < feed.wanted_version
                if not (force or behind):
                    return
                force = False
                snapshot = await self._load(queue_id)
                if snapshot is None:
                    return
                self._keep(feed, snapshot)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("loading the snapshot of queue %s failed", queue_id)
        finally:
            feed.loading = None

    async def _load(self, queue_id: int) -> QueueSnapshot | None:
        self.snapshot_loads += 1
        return await self._loader(queue_id)

    def _keep(self, feed: _Feed, snapshot: QueueSnapshot) -> None:
        if feed.latest is not None and feed.latest.version >= snapshot.version:
            return
        feed.latest = snapshot
        changed_at = _shown(feed.pending, snapshot.version)
        for listener in self._listeners:
            try:
                listener(snapshot, changed_at)
            except Exception:
                log.exception("a listener failed on queue %s", snapshot.queue_id)
        for viewer in feed.viewers.copy():
            try:
                viewer(snapshot)
            except Exception:
                log.exception("a viewer failed to show queue %s", snapshot.queue_id)


def _shown(pending: list[tuple[int, float]], version: int) -> float | None:
    """Drop the changes ``version`` shows; returns when the oldest of them was heard of."""
    shown = 0
    while shown < len(pending) and pending[shown][0] <= version:
        shown += 1
    if not shown:
        return None
    oldest = pending[0][1]
    del pending[:shown]
    return oldest

"""What operators watch of a running process: Prometheus metrics, served at ``/metrics``
(pages/metrics.py says who may read them).

Each runtime has a registry of its own rather than prometheus_client's global one: tests start
the app many times in one process, and a registry refuses a metric name twice. The hot paths
pay one counter increment and one histogram observation per broadcast or page load, never one
per viewer; levels (open pages, viewers per queue, pool use, the listener's reconnects) are
read from their owners when Prometheus scrapes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.exposition import choose_encoder
from prometheus_client.metrics_core import CounterMetricFamily, GaugeMetricFamily, Metric
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Receive, Scope, Send

from db.engine import Database
from equeue_ui.live import LiveHub
from equeue_ui.pg_events import PgEventListener

# Seconds. Issue 19's targets are commit → screen p95 ≤ 150 ms and page load p95 ≤ 300 ms, so
# both are bucket bounds: the share under target reads straight off one bucket.
BROADCAST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0)
PAGE_LOAD_BUCKETS = (0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0)
# The ASGI scope key NiceGUI sets when a request builds a page (a Client).
PAGE_SCOPE_KEY = "nicegui_page_path"


@dataclass(frozen=True)
class PageCounts:
    connected: int  # pages whose socket is up
    held: int  # every page in memory: connected, not yet connected, or waiting to reconnect


class Metrics:
    """The process's metrics; levels come from ``hub``, ``db``, ``listener`` and whatever
    counts pages (:meth:`count_pages_with`), read at each scrape."""

    def __init__(
        self, *, hub: LiveHub, db: Database, listener: PgEventListener | None = None
    ) -> None:
        self.registry = CollectorRegistry(auto_describe=False)
        self._broadcasts = Counter(
            "equeue_broadcasts",
            "Queue snapshots sent to the open pages that show the queue (one per new version "
            "this process loads, however many pages)",
            registry=self.registry,
        )
        self._broadcast_seconds = Histogram(
            "equeue_broadcast_latency_seconds",
            "From a change's commit to its snapshot written to every page's connection: the "
            "oldest change a broadcast carries; a change another process committed counts "
            "from its notification's arrival",
            buckets=BROADCAST_BUCKETS,
            registry=self.registry,
        )
        self._page_loads = Histogram(
            "equeue_page_load_seconds",
            "Page requests (each builds a page in memory) by time to the response sent; "
            "_count is the number of page loads",
            buckets=PAGE_LOAD_BUCKETS,
            registry=self.registry,
        )
        self._levels = _Levels(hub, db, listener)
        self.registry.register(self._levels)

    def count_pages_with(self, pages: Callable[[], PageCounts]) -> None:
        """How to count open pages (the UI's wiring knows; the runtime does not)."""
        self._levels.pages = pages

    def broadcast_sent(self, changed_at: float | None) -> None:
        """A snapshot went out; ``changed_at`` is the hub's time.monotonic() of the oldest
        change it carries (None for a first read or a resync, which carry none)."""
        self._broadcasts.inc()
        if changed_at is not None:
            self._broadcast_seconds.observe(time.monotonic() - changed_at)

    def page_loaded(self, seconds: float) -> None:
        self._page_loads.observe(seconds)

    def exposition(self, accept: str | None) -> tuple[bytes, str]:
        """The metrics as text, in the format the scraper's ``Accept`` asks for (Prometheus'
        text format, or OpenMetrics), with its content type."""
        encoder, content_type = choose_encoder(accept or "")
        return encoder(self.registry), content_type


def middleware(current: Callable[[], Metrics]) -> Middleware:
    """Times page loads; ``current`` gives the running process's metrics (it needs the
    runtime, so it goes inside the start-up gate)."""
    return Middleware(_PageLoads, current=current)


class _PageLoads:
    def __init__(self, app: ASGIApp, *, current: Callable[[], Metrics]) -> None:
        self.app = app
        self.current = current

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        await self.app(scope, receive, send)
        if PAGE_SCOPE_KEY in scope:
            self.current().page_loaded(time.perf_counter() - started)


class _Levels:
    """The levels, read when scraped (a custom collector: nothing is kept between scrapes)."""

    def __init__(self, hub: LiveHub, db: Database, listener: PgEventListener | None) -> None:
        self.hub = hub
        self.db = db
        self.listener = listener
        self.pages: Callable[[], PageCounts] | None = None

    def collect(self) -> Iterator[Metric]:
        if self.pages is not None:
            pages = self.pages()
            yield GaugeMetricFamily(
                "equeue_open_pages", "Open pages with a live connection", value=pages.connected
            )
            yield GaugeMetricFamily(
                "equeue_pages_in_memory",
                "Pages held in memory: connected, not yet connected, or waiting to reconnect",
                value=pages.held,
            )
        viewers = GaugeMetricFamily(
            "equeue_queue_viewers",
            "Open pages and API streams following each queue in this process",
            labels=["queue_id"],
        )
        for queue_id, count in sorted(self.hub.viewer_counts().items()):
            viewers.add_metric([str(queue_id)], count)
        yield viewers
        yield CounterMetricFamily(
            "equeue_snapshot_loads",
            "Queue snapshots read from the database for the live fan-out",
            value=self.hub.snapshot_loads,
        )
        yield from self._pools()
        if self.listener is not None:
            yield CounterMetricFamily(
                "equeue_pg_listener_reconnects",
                "Times the PostgreSQL event listener connected again after losing its "
                "connection (events sent meanwhile are lost; every queue view reloads)",
                value=self.listener.reconnects,
            )
            yield GaugeMetricFamily(
                "equeue_pg_listener_connected",
                "1 while the PostgreSQL event listener is connected",
                value=int(self.listener.connected),
            )

    def _pools(self) -> Iterator[Metric]:
        size = GaugeMetricFamily(
            "equeue_db_pool_size", "Connections the pool keeps", labels=["pool"]
        )
        checked_out = GaugeMetricFamily(
            "equeue_db_pool_checked_out", "Pool connections in use", labels=["pool"]
        )
        idle = GaugeMetricFamily(
            "equeue_db_pool_idle", "Open pool connections waiting for use", labels=["pool"]
        )
        for pool in self.db.pool_use():
            size.add_metric([pool.name], pool.size)
            checked_out.add_metric([pool.name], pool.checked_out)
            idle.add_metric([pool.name], pool.idle)
        yield from (size, checked_out, idle)

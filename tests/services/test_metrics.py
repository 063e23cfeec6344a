"""The process's Prometheus metrics over each database: what a scrape reads (equeue_ui/metrics.py).

The route and the broadcasts through the real sockets are tested with the app
(tests/ui/test_metrics_endpoint.py); here the runtime alone, as the services see it.
"""

from __future__ import annotations

import asyncio
import time

import asyncpg
import pytest
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample
from sqlalchemy import text

from equeue_ui.runtime import Runtime
from equeue_ui.services import queues
from equeue_ui.services.views import QueueSnapshot
from tests.services.queue_world import make_queue_world
from tests.services.waiting import eventually

Heard = list[tuple[int, float | None]]


def scrape(rt: Runtime) -> dict[str, list[Sample]]:
    """Every sample of a scrape, by metric family name (as Prometheus would parse it)."""
    body, content_type = rt.metrics.exposition(None)
    assert content_type.startswith("text/plain")
    return {family.name: family.samples for family in text_string_to_metric_families(body.decode())}


def value(samples: list[Sample], name: str, **labels: str) -> float | None:
    found = [s.value for s in samples if s.name == name and s.labels == labels]
    return found[0] if found else None


async def test_a_scrape_parses_and_has_every_metric_of_the_process(rt: Runtime) -> None:
    metrics = scrape(rt)

    expected = {
        "equeue_broadcasts",
        "equeue_broadcast_latency_seconds",
        "equeue_page_load_seconds",
        "equeue_queue_viewers",
        "equeue_snapshot_loads",
        "equeue_db_pool_size",
        "equeue_db_pool_checked_out",
        "equeue_db_pool_idle",
    }
    assert expected <= metrics.keys()
    assert value(metrics["equeue_broadcasts"], "equeue_broadcasts_total") == 0
    assert value(metrics["equeue_db_pool_size"], "equeue_db_pool_size", pool="main") is not None
    # The listener is PostgreSQL's alone, and not started here.
    has_listener = rt.db.dialect == "postgresql"
    assert ("equeue_pg_listener_reconnects" in metrics) is has_listener
    if has_listener:
        reconnects = metrics["equeue_pg_listener_reconnects"]
        assert value(reconnects, "equeue_pg_listener_reconnects_total") == 0
        assert value(metrics["equeue_pg_listener_connected"], "equeue_pg_listener_connected") == 0


async def test_viewers_are_counted_per_queue_and_a_queue_nobody_watches_is_left_out(
    rt: Runtime,
) -> None:
    qw = await make_queue_world(rt)
    stops = [rt.hub.watch(qw.queue_id, _ignore) for _ in range(3)]

    viewers = scrape(rt)["equeue_queue_viewers"]
    assert value(viewers, "equeue_queue_viewers", queue_id=str(qw.queue_id)) == 3

    for stop in stops:
        stop()
    assert scrape(rt)["equeue_queue_viewers"] == []


async def test_a_session_in_use_shows_as_a_checked_out_connection(rt: Runtime) -> None:
    async with rt.db.read_session() as session:
        await session.execute(text("SELECT 1"))
        in_use = scrape(rt)["equeue_db_pool_checked_out"]
        assert (value(in_use, "equeue_db_pool_checked_out", pool="main") or 0) >= 1

    after = scrape(rt)["equeue_db_pool_checked_out"]
    assert value(after, "equeue_db_pool_checked_out", pool="main") == 0


async def test_a_change_reaches_the_broadcast_with_when_it_was_committed(rt: Runtime) -> None:
    qw = await make_queue_world(rt)
    heard: Heard = []
    rt.hub.add_listener(lambda snapshot, changed_at: heard.append((snapshot.version, changed_at)))
    rt.hub.watch(qw.queue_id, _ignore)
    await rt.hub.current(qw.queue_id)  # a first read carries no change

    before = time.monotonic()
    await queues.join_queue(qw.queue_id, actor=qw.students[0])
    await eventually(lambda: len(heard) == 2)

    assert heard[0] == (0, None)
    version, changed_at = heard[1]
    assert version == 1
    assert changed_at is not None and before <= changed_at <= time.monotonic()


async def test_a_sent_broadcast_is_counted_and_timed_once(rt: Runtime) -> None:
    rt.metrics.broadcast_sent(time.monotonic() - 0.04)  # a change committed 40 ms ago
    rt.metrics.broadcast_sent(None)  # a resync: nothing committed to time it from

    metrics = scrape(rt)
    assert value(metrics["equeue_broadcasts"], "equeue_broadcasts_total") == 2
    latency = metrics["equeue_broadcast_latency_seconds"]
    assert value(latency, "equeue_broadcast_latency_seconds_count") == 1
    assert value(latency, "equeue_broadcast_latency_seconds_bucket", le="0.025") == 0
    assert value(latency, "equeue_broadcast_latency_seconds_bucket", le="0.05") == 1


async def test_a_change_coalesced_into_a_later_load_is_timed_from_the_oldest(
    rt: Runtime,
) -> None:
    qw = await make_queue_world(rt)
    heard: Heard = []
    rt.hub.add_listener(lambda snapshot, changed_at: heard.append((snapshot.version, changed_at)))
    rt.hub.watch(qw.queue_id, _ignore)
    await rt.hub.current(qw.queue_id)

    first_at = time.monotonic()
    await asyncio.gather(*(queues.join_queue(qw.queue_id, actor=s) for s in qw.students[:3]))
    await eventually(lambda: heard[-1][0] == 3)

    timed = [changed_at for _version, changed_at in heard[1:] if changed_at is not None]
    assert len(timed) == len(heard) - 1 and all(at >= first_at for at in timed)
    assert timed == sorted(timed)  # each broadcast from the oldest change it alone carries


@pytest.mark.postgres
async def test_the_listeners_reconnects_are_counted(rt: Runtime) -> None:
    if rt.listener is None:
        pytest.skip("the event listener is PostgreSQL's")
    listener = rt.listener
    await listener.start()
    try:
        pid = listener.server_pid
        assert pid is not None
        dsn = rt.db.url.set(drivername="postgresql").render_as_string(hide_password=False)
        connection = await asyncpg.connect(dsn)
        try:
            await connection.execute("SELECT pg_terminate_backend($1)", pid)
        finally:
            await connection.close()
        await eventually(lambda: listener.reconnects == 1 and listener.connected)

        metrics = scrape(rt)
        reconnects = metrics["equeue_pg_listener_reconnects"]
        assert value(reconnects, "equeue_pg_listener_reconnects_total") == 1
        assert value(metrics["equeue_pg_listener_connected"], "equeue_pg_listener_connected") == 1
    finally:
        await listener.stop()


def _ignore(_snapshot: QueueSnapshot) -> None:
    return None

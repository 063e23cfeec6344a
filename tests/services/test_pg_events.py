"""Events across app processes over PostgreSQL LISTEN/NOTIFY.

Two runtimes over one database stand for two app processes, each with its own bus, hub and
listener. Services run through runtime A (the installed one); B only listens.
"""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from db.models import QueueState
from equeue_ui import events, pg_events, runtime
from equeue_ui.errors import ConflictError
from equeue_ui.events import EventBus, QueueChanged
from equeue_ui.pg_events import PgEventListener
from equeue_ui.runtime import Runtime
from equeue_ui.services import queues
from equeue_ui.services.uow import unit_of_work
from tests import databases
from tests.conftest import make_settings
from tests.services.queue_world import make_queue_world
from tests.services.waiting import eventually

pytestmark = pytest.mark.postgres

FENCE = QueueChanged(queue_id=-1, version=-1)


class Recorder:
    """Every event one process's bus delivers, in order."""

    def __init__(self, rt: Runtime) -> None:
        self.seen: list[Any] = []
        for event_type in pg_events.EVENT_TYPES.values():
            rt.bus.subscribe(event_type, self.seen.append)

    def of_queue(self, queue_id: int) -> list[Any]:
        return [event for event in self.seen if getattr(event, "queue_id", None) == queue_id]


@dataclasses.dataclass
class Processes:
    a: Runtime
    b: Runtime
    seen_by_a: Recorder
    seen_by_b: Recorder
    dsn: str  # for connections of the test's own


@pytest.fixture
async def processes(pg_template: str, tmp_path: Path) -> AsyncIterator[Processes]:
    databases.truncate_all(pg_template)
    url = databases.pg_url(pg_template)
    a = runtime.build(make_settings(url, tmp_path / "a"), load_snapshot=queues.load_snapshot)
    b = runtime.build(make_settings(url, tmp_path / "b"), load_snapshot=queues.load_snapshot)
    assert a.listener is not None and b.listener is not None
    assert a.origin != b.origin
    runtime.install(a)
    try:
        await a.listener.start()
        await b.listener.start()
        yield Processes(a, b, Recorder(a), Recorder(b), url.replace("+asyncpg", ""))
    finally:
        for rt in (a, b):
            assert rt.listener is not None
            await rt.listener.stop()
            await rt.hub.close()
        runtime.install(None)
        for rt in (a, b):
            await rt.db.dispose()


async def test_a_committed_change_reaches_the_other_process_and_this_one_once(
    processes: Processes,
) -> None:
    qw = await make_queue_world(processes.a)

    await queues.join_queue(qw.queue_id, actor=qw.students[0])

    await eventually(lambda: processes.seen_by_b.of_queue(qw.queue_id))
    await _fence(processes)
    assert processes.seen_by_b.of_queue(qw.queue_id) == [QueueChanged(qw.queue_id, 1)]
    assert processes.seen_by_a.of_queue(qw.queue_id) == [QueueChanged(qw.queue_id, 1)]


async def test_a_refused_change_notifies_nobody(processes: Processes) -> None:
    qw = await make_queue_world(processes.a, state=QueueState.CLOSED)

    with pytest.raises(ConflictError):
        await queues.join_queue(qw.queue_id, actor=qw.students[0])
    with pytest.raises(RuntimeError):
        async with unit_of_work() as uow:
            uow.emit(QueueChanged(qw.queue_id, 99))
            raise RuntimeError("the change fails after its event was collected")

    await _fence(processes)
    assert processes.seen_by_a.of_queue(qw.queue_id) == []
    assert processes.seen_by_b.of_queue(qw.queue_id) == []


async def test_a_notification_in_a_rolled_back_transaction_is_never_delivered(
    processes: Processes,
) -> None:
    async with processes.a.db.write_session() as session:
        await pg_events.notify_in_transaction(session, [QueueChanged(7, 1)], origin="elsewhere")
        await session.rollback()

    await _fence(processes)
    assert processes.seen_by_b.of_queue(7) == []


async def test_the_listener_reconnects_after_its_connection_is_killed_and_resyncs(
    processes: Processes,
) -> None:
    qw = await make_queue_world(processes.a)
    b_listener = processes.b.listener
    assert b_listener is not None
    shown: list[int] = []
    processes.b.hub.watch(qw.queue_id, lambda snapshot: shown.append(snapshot.version))
    await processes.b.hub.current(qw.queue_id)
    loads_before = processes.b.hub.snapshot_loads
    old_pid = b_listener.server_pid
    assert old_pid is not None

    killed_at = time.monotonic()
    await _terminate_backend(processes.dsn, old_pid)
    await eventually(lambda: b_listener.reconnects == 1)
    reconnected_after = time.monotonic() - killed_at

    assert b_listener.server_pid not in (None, old_pid)
    assert reconnected_after < 5
    await eventually(lambda: processes.b.hub.snapshot_loads > loads_before)  # resync_all ran
    await queues.join_queue(qw.queue_id, actor=qw.students[0])
    await eventually(lambda: processes.seen_by_b.of_queue(qw.queue_id))
    assert processes.seen_by_b.of_queue(qw.queue_id) == [QueueChanged(qw.queue_id, 1)]
    await eventually(lambda: 1 in shown)  # B's viewers see the change made through A


async def test_the_reconnect_callback_runs_after_each_reconnect(processes: Processes) -> None:
    calls: list[int] = []

    async def on_reconnect() -> None:
        calls.append(1)

    listener = PgEventListener(
        processes.a.db.url, processes.b.bus, origin="third", on_reconnect=on_reconnect
    )
    await listener.start()
    try:
        assert calls == []  # the first connection needs no resync
        await _kill_connection(processes.dsn, listener)
        await eventually(lambda: calls == [1])
        await _kill_connection(processes.dsn, listener)
        await eventually(lambda: calls == [1, 1])
        assert listener.connected
    finally:
        await listener.stop()
    assert not listener.connected


async def test_a_listener_started_while_the_database_is_missing_connects_once_it_exists(
    pg_template: str,  # only for the PostgreSQL server it guarantees
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger=pg_events.__name__)
    name = databases.unique_name("equeue_late")
    calls: list[int] = []

    async def on_reconnect() -> None:
        calls.append(1)

    listener = PgEventListener(
        databases.pg_url(name), EventBus(), origin="late", on_reconnect=on_reconnect
    )
    await listener.start()  # logs a warning and keeps trying
    try:
        assert not listener.connected
        # it tried again (and failed) while the database was missing
        await eventually(lambda: any("failed" in r.getMessage() for r in caplog.records))
        await asyncio.to_thread(databases.pg_execute, f'CREATE DATABASE "{name}"')
        await eventually(lambda: calls == [1], timeout=pg_events.MAX_BACKOFF + 5)
        assert listener.connected
    finally:
        await listener.stop()
        await asyncio.to_thread(databases.drop_pg_database, name)


def test_every_event_class_survives_the_round_trip() -> None:
    classes = [
        cls
        for _name, cls in inspect.getmembers(events, inspect.isclass)
        if dataclasses.is_dataclass(cls) and cls.__module__ == events.__name__
    ]
    assert set(classes) == set(pg_events.EVENT_TYPES.values())
    samples = [
        cls(**{field.name: number for number, field in enumerate(dataclasses.fields(cls), 1)})
        for cls in classes
    ]
    samples.append(events.TaskChanged(subject_id=3, task_id=None))

    payloads = pg_events.encode(samples, origin="abc")

    assert len(payloads) == 1
    assert pg_events.decode(payloads[0]) == ("abc", samples)


def test_many_events_are_split_into_payloads_under_the_notify_limit() -> None:
    many = [QueueChanged(queue_id=number, version=10**9 + number) for number in range(1000)]

    payloads = pg_events.encode(many, origin="abc")

    assert len(payloads) > 1
    assert all(len(payload.encode()) < 8000 for payload in payloads)
    decoded = [event for payload in payloads for event in pg_events.decode(payload)[1]]
    assert decoded == many


def test_unknown_or_malformed_events_are_ignored(caplog: pytest.LogCaptureFixture) -> None:
    payload = (
        '{"origin":"x","events":[{"type":"QueueExploded","fields":{}},'
        '{"type":"QueueChanged","fields":{"queue_id":1}},'
        '{"type":"QueueChanged","fields":{"queue_id":1,"version":2}}]}'
    )

    assert pg_events.decode(payload) == ("x", [QueueChanged(1, 2)])
    assert pg_events.decode("not json") == ("", [])
    assert len([r for r in caplog.records if r.levelname == "WARNING"]) == 3


# --- helpers -----------------------------------------------------------------------------------


async def _fence(processes: Processes) -> None:
    """Wait until both listeners have handled everything notified before now.

    PostgreSQL delivers notifications in commit order and each listener hands them on in
    order, so once a marker from a foreign origin arrives, nothing earlier is still on its way.
    """
    connection = await asyncpg.connect(processes.dsn)
    try:
        for payload in pg_events.encode([FENCE], origin="fence"):
            await connection.execute("SELECT pg_notify($1, $2)", pg_events.CHANNEL, payload)
    finally:
        await connection.close()
    await eventually(lambda: FENCE in processes.seen_by_a.seen)
    await eventually(lambda: FENCE in processes.seen_by_b.seen)


async def _terminate_backend(dsn: str, pid: int) -> None:
    connection = await asyncpg.connect(dsn)
    try:
        assert await connection.fetchval("SELECT pg_terminate_backend($1)", pid)
    finally:
        await connection.close()


async def _kill_connection(dsn: str, listener: PgEventListener) -> None:
    pid = listener.server_pid
    assert pid is not None
    await _terminate_backend(dsn, pid)

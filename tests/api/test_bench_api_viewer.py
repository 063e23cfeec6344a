"""The benchmark's API viewer (tests/bench/api_viewer.py, `make bench KIND=api`) reads the
event stream as the app sends it: each new version once, and after a reconnect with
Last-Event-ID the version it missed."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

from equeue_ui.runtime import Runtime
from equeue_ui.services import queues
from tests.api.conftest import bearer
from tests.api.test_api_stream import GUARD_S, Server, server  # noqa: F401
from tests.bench.api_viewer import ApiViewer
from tests.services.queue_world import QueueWorld, snapshot


async def until(check: object, what: str) -> None:
    async with asyncio.timeout(GUARD_S):
        while not check():  # type: ignore[operator]
            await asyncio.sleep(0.01)


async def test_the_bench_api_viewer_sees_every_version_and_catches_up(
    rt: Runtime,
    qw: QueueWorld,
    server: Server,  # noqa: F811
) -> None:
    address = urlsplit(server.url)
    assert address.hostname is not None and address.port is not None
    token = (await bearer(qw.students[0], ["read"]))["Authorization"].removeprefix("Bearer ")
    path = f"/api/v1/queues/{qw.queue_id}/events"
    viewer = ApiViewer(0, address.hostname, address.port, path, token)
    await viewer.connect(GUARD_S)
    first = (await snapshot(qw)).version
    await until(lambda: viewer.version == first, "the first snapshot")
    await queues.join_queue(qw.queue_id, actor=qw.students[1])
    await until(lambda: viewer.version > first, "the change")
    assert list(viewer.seen_version) == [first, viewer.version]

    viewer.close()
    assert viewer.closed is not None
    await viewer.closed
    await queues.join_queue(qw.queue_id, actor=qw.students[2])
    missed = (await snapshot(qw)).version
    await viewer.reconnect(GUARD_S)
    await until(lambda: viewer.version == missed, "the version missed while away")
    assert viewer.page_loads == 2 and viewer.events == 3
    viewer.close()

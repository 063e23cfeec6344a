"""The queue as Server-Sent Events (issue 21, point 4), over a real socket on both databases: a
client that reconnects with Last-Event-ID misses nothing, heartbeats keep it alive, a revoked
token ends it, and every listener of a process shares one load and one encoding per version."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import uvicorn

from equeue_ui.api.stream import Encoder
from equeue_ui.runtime import Runtime
from equeue_ui.services import api_tokens, queues
from tests.api.conftest import bearer, build_app
from tests.services.queue_world import QueueWorld

HEARTBEAT_S = 0.2
# Only a guard against a hang: every wait below ends on a condition long before it.
GUARD_S = 20


@dataclass
class Server:
    url: str
    encoder: Encoder


@pytest.fixture
async def server(rt: Runtime) -> AsyncIterator[Server]:
    app, encoder = build_app(heartbeat_s=HEARTBEAT_S)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    running = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    task = asyncio.create_task(running.serve(sockets=[sock]))
    while not running.started:
        await asyncio.sleep(0.01)
    yield Server(f"http://127.0.0.1:{port}", encoder)
    # Streams a failed test left open would hold a graceful shutdown forever.
    running.should_exit = running.force_exit = True
    await task


class Stream:
    """One connection to the stream, read line by line."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.lines = response.aiter_lines()

    async def next(self) -> tuple[str, Any]:
        """The next event ("snapshot" with its id and data) or heartbeat ("comment")."""
        fields: dict[str, str] = {}
        async with asyncio.timeout(GUARD_S):
            async for line in self.lines:
                if line.startswith(":"):
                    return "comment", None
                if line == "":
                    if "data" in fields:
                        return fields["event"], (int(fields["id"]), json.loads(fields["data"]))
                    fields.clear()  # the retry field alone
                    continue
                name, _, value = line.partition(": ")
                fields[name] = value
        return "end", None

    async def snapshot(self) -> tuple[int, Any]:
        while True:
            kind, value = await self.next()
            if kind == "snapshot":
                return value  # type: ignore[no-any-return]
            assert kind == "comment"


async def open_stream(
    client: httpx.AsyncClient, url: str, headers: dict[str, str]
) -> tuple[Stream, Any]:
    context = client.stream("GET", url, headers=headers)
    response = await context.__aenter__()
    return Stream(response), context


def people(data: Any) -> list[int]:
    return [entry["user_id"] for entry in data["entries"]]


async def test_a_client_that_reconnects_with_last_event_id_misses_nothing(
    rt: Runtime, qw: QueueWorld, server: Server
) -> None:
    a, b, c, d = qw.students
    headers = await bearer(a, ["read"])
    url = f"{server.url}/api/v1/queues/{qw.queue_id}/events"
    async with httpx.AsyncClient(timeout=GUARD_S) as client:
        stream, context = await open_stream(client, url, headers)
        assert stream.response.headers["content-type"].startswith("text/event-stream")
        first, data = await stream.snapshot()
        assert people(data) == []
        await queues.join_queue(qw.queue_id, actor=a)
        seen, data = await stream.snapshot()
        assert seen > first and people(data) == [a.id]
        await context.__aexit__(None, None, None)

        # Away: two changes happen.
        await queues.join_queue(qw.queue_id, actor=b)
        await queues.join_queue(qw.queue_id, actor=c)

        back = headers | {"Last-Event-ID": str(seen)}
        stream, context = await open_stream(client, url, back)
        now, data = await stream.snapshot()  # at once: the queue moved on meanwhile
        assert now > seen and people(data) == [a.id, b.id, c.id]
        await context.__aexit__(None, None, None)

        # Back with the current version: nothing to catch up on, only heartbeats until a change.
        stream, context = await open_stream(client, url, headers | {"Last-Event-ID": str(now)})
        assert (await stream.next())[0] == "comment"
        await queues.join_queue(qw.queue_id, actor=d)
        later, data = await stream.snapshot()
        assert later > now and people(data) == [a.id, b.id, c.id, d.id]
        await context.__aexit__(None, None, None)


async def test_every_listener_shares_one_load_and_one_encoding_per_version(
    rt: Runtime, qw: QueueWorld, server: Server
) -> None:
    url = f"{server.url}/api/v1/queues/{qw.queue_id}/events"
    async with httpx.AsyncClient(timeout=GUARD_S) as client:
        opened = [
            await open_stream(client, url, await bearer(student, ["read"]))
            for student in qw.students
        ]
        for stream, _ in opened:
            await stream.snapshot()
        loads, encodings = rt.hub.snapshot_loads, server.encoder.encodings
        await queues.join_queue(qw.queue_id, actor=qw.students[0])
        got = [await stream.snapshot() for stream, _ in opened]
        assert len({version for version, _ in got}) == 1
        assert rt.hub.snapshot_loads - loads == 1
        assert server.encoder.encodings - encodings == 1
        for _, context in opened:
            await context.__aexit__(None, None, None)


async def test_a_revoked_token_ends_the_stream(rt: Runtime, qw: QueueWorld, server: Server) -> None:
    made = await api_tokens.create_token("bot", actor=qw.students[0], scopes=[], expires_in_days=30)
    url = f"{server.url}/api/v1/queues/{qw.queue_id}/events"
    async with httpx.AsyncClient(timeout=GUARD_S) as client:
        stream, context = await open_stream(client, url, {"Authorization": f"Bearer {made.secret}"})
        await stream.snapshot()
        await api_tokens.revoke_token(made.token.id, actor=qw.students[0])
        while (kind := (await stream.next())[0]) != "end":
            assert kind == "comment"
        await context.__aexit__(None, None, None)


async def test_a_stream_of_a_queue_one_may_not_see_is_refused_before_it_starts(
    rt: Runtime, qw: QueueWorld, server: Server
) -> None:
    url = f"{server.url}/api/v1/queues/{qw.queue_id}/events"
    async with httpx.AsyncClient(timeout=GUARD_S) as client:
        response = await client.get(url, headers=await bearer(qw.stranger))
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"

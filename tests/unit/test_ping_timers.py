"""engine.io's pings on a timer ping as engine.io's own task does, without the task
(equeue_ui/tuning/ping_timers.py)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from typing import Any

import engineio
import pytest
from engineio import packet
from engineio.async_socket import AsyncSocket

from equeue_ui.tuning import ping_timers

INTERVAL = 0.02

SCHEDULERS: dict[str, Callable[[AsyncSocket], None]] = {
    "patched": ping_timers.schedule_ping,
    "engine.io's": ping_timers.ENGINEIO_SCHEDULE_PING,
}


@pytest.fixture(autouse=True)
def fresh_fallback() -> Iterator[None]:
    ping_timers.fallback.reset()
    yield


def socket() -> AsyncSocket:
    server = engineio.AsyncServer(async_mode="asgi", ping_interval=INTERVAL)
    return AsyncSocket(server, "sid-1")


def queued(target: AsyncSocket) -> list[Any]:
    found = []
    while not target.queue.empty():
        found.append(target.queue.get_nowait())
    return found


@pytest.mark.parametrize("name", SCHEDULERS)
async def test_after_an_answer_the_next_ping_is_queued_once_after_the_interval(name: str) -> None:
    target = socket()
    schedule = SCHEDULERS[name]
    schedule(target)  # the answer to the first ping
    assert target.last_ping is None
    schedule(target)  # a second answer before the next ping: nothing more is scheduled
    await asyncio.sleep(INTERVAL / 2)
    assert queued(target) == []
    await asyncio.sleep(INTERVAL * 2)
    pings = queued(target)
    assert [p.packet_type for p in pings] == [packet.PING]
    assert target.last_ping is not None and time.time() - target.last_ping < 1


@pytest.mark.parametrize("name", SCHEDULERS)
@pytest.mark.parametrize("state", ["closing", "closed"])
async def test_a_socket_that_closes_meanwhile_is_not_pinged(name: str, state: str) -> None:
    target = socket()
    SCHEDULERS[name](target)
    setattr(target, state, True)
    await asyncio.sleep(INTERVAL * 2)
    assert queued(target) == []
    assert target.last_ping is None


async def test_no_task_waits_for_the_next_ping() -> None:
    before = len(asyncio.all_tasks())
    ping_timers.schedule_ping(socket())
    assert len(asyncio.all_tasks()) == before
    ping_timers.ENGINEIO_SCHEDULE_PING(socket())
    assert len(asyncio.all_tasks()) == before + 1  # what the patch saves, per open page


async def test_a_socket_without_its_interval_is_pinged_by_engineio_s_task() -> None:
    target = socket()
    target.server = _without_interval(target.server)
    before = len(asyncio.all_tasks())
    ping_timers.schedule_ping(target)
    assert len(asyncio.all_tasks()) == before + 1
    assert ping_timers.fallback.count == 1


def _without_interval(server: Any) -> Any:
    class Server:
        def __getattr__(self, name: str) -> Any:
            if name == "ping_interval":
                raise AttributeError(name)
            return getattr(server, name)

    return Server()


async def test_a_queue_that_refuses_the_ping_gets_it_through_engineio_s_send() -> None:
    target = socket()
    real_queue = target.queue

    class Refusing:
        def put_nowait(self, item: Any) -> None:
            raise RuntimeError("changed internals")

        def __getattr__(self, name: str) -> Any:
            return getattr(real_queue, name)

    target.queue = Refusing()  # type: ignore[assignment]
    ping_timers.schedule_ping(target)
    await asyncio.sleep(INTERVAL * 2)
    target.queue = real_queue
    await asyncio.sleep(0)  # engine.io's send, in its task
    assert [p.packet_type for p in queued(target)] == [packet.PING]
    assert ping_timers.fallback.count == 1


def test_installed_replaces_engineio_s_scheduling_and_uninstall_restores_it() -> None:
    ping_timers.install()
    try:
        assert ping_timers.installed()
        assert AsyncSocket.schedule_ping is ping_timers.schedule_ping
    finally:
        ping_timers.uninstall()
    assert AsyncSocket.schedule_ping is ping_timers.ENGINEIO_SCHEDULE_PING

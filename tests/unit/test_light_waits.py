"""Events and queues with their waiters in lists behave as asyncio's own, and a page's waits are
made that way once the patch is in."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator

import pytest
from engineio.async_server import AsyncServer
from nicegui import Client
from nicegui.page import page
from uvicorn.config import Config
from uvicorn.protocols.websockets.wsproto_impl import WSProtocol
from uvicorn.server import ServerState

from equeue_ui.tuning import light_waits
from equeue_ui.tuning.light_waits import LightEvent, LightQueue


@pytest.fixture
def patched() -> Iterator[None]:
    light_waits.install()
    light_waits.fallback.reset()
    try:
        yield
    finally:
        light_waits.uninstall()


async def test_a_light_event_wakes_every_waiter_and_forgets_a_cancelled_one() -> None:
    event = LightEvent()
    waiters = [asyncio.ensure_future(event.wait()) for _ in range(3)]
    await asyncio.sleep(0)
    waiters[1].cancel()
    await asyncio.sleep(0)
    assert len(event._waiters) == 2  # type: ignore[attr-defined]
    event.set()
    assert await waiters[0] is True and await waiters[2] is True
    assert not event._waiters  # type: ignore[attr-defined]
    event.clear()
    assert not event.is_set()
    late = asyncio.ensure_future(event.wait())
    await asyncio.sleep(0)
    assert not late.done()
    event.set()
    assert await late is True


async def test_a_light_queue_keeps_order_blocks_and_wakes_as_asyncios_does() -> None:
    queue: LightQueue[int] = LightQueue(maxsize=2)
    getter = asyncio.ensure_future(queue.get())
    await asyncio.sleep(0)
    await queue.put(1)
    assert await getter == 1
    await queue.put(2)
    await queue.put(3)
    putter = asyncio.ensure_future(queue.put(4))  # full: waits for a get
    await asyncio.sleep(0)
    assert not putter.done()
    assert [queue.get_nowait(), queue.get_nowait()] == [2, 3]
    await putter
    assert queue.get_nowait() == 4
    with pytest.raises(asyncio.QueueEmpty):
        queue.get_nowait()
    cancelled = asyncio.ensure_future(queue.get())
    await asyncio.sleep(0)
    cancelled.cancel()
    await asyncio.sleep(0)
    assert not queue._getters  # type: ignore[attr-defined]
    queue.put_nowait(5)
    joined = asyncio.ensure_future(queue.join())
    await asyncio.sleep(0)
    assert not joined.done()
    queue.get_nowait()
    for _ in range(5):  # one for each item that went in
        queue.task_done()
    await asyncio.wait_for(joined, 1)


def test_an_empty_light_wait_takes_a_fraction_of_a_stock_one() -> None:
    def size(wait: object, *containers: str) -> int:
        return sum(sys.getsizeof(getattr(wait, name)) for name in containers)

    assert size(LightEvent(), "_waiters") * 5 < size(asyncio.Event(), "_waiters")
    queues = "_queue", "_getters", "_putters"
    assert size(LightQueue[int](), *queues) * 5 < size(asyncio.Queue[int](), *queues)


async def test_with_the_patch_a_page_and_its_sockets_wait_lightly(patched: None) -> None:
    client = Client(page("/light-waits-test"))
    try:
        events = [getattr(client, name) for name in light_waits.CLIENT_EVENTS]
        assert all(type(event) is LightEvent for event in events)
        assert not any(event.is_set() for event in events)
    finally:
        client.remove_all_elements()
        Client.instances.pop(client.id, None)

    assert type(AsyncServer().create_queue()) is LightQueue

    config = Config(app=_asgi_app, ws="wsproto")
    connection = WSProtocol(config, ServerState(), app_state={})
    assert type(connection.queue) is LightQueue
    assert type(connection.writable) is LightEvent and connection.writable.is_set()


async def test_if_lightening_fails_the_stock_waits_stay_and_it_is_logged_once(
    patched: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(event: asyncio.Event) -> asyncio.Event:
        raise RuntimeError("changed internals")

    monkeypatch.setattr(light_waits, "light_event_like", broken)
    clients = [Client(page("/light-waits-test")) for _ in range(2)]
    try:
        for client in clients:
            assert all(
                type(getattr(client, name)) is asyncio.Event for name in light_waits.CLIENT_EVENTS
            )
    finally:
        for client in clients:
            Client.instances.pop(client.id, None)
    assert light_waits.fallback.count == 2
    assert len([r for r in caplog.records if "light_waits" in r.getMessage()]) == 1


async def _asgi_app(scope: object, receive: object, send: object) -> None:
    return None

"""A closed page's socket ends engine.io's handler without an exception, so nothing of the
connection is left in a cycle (equeue_ui/tuning/closed_sockets.py)."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from types import MethodType
from typing import Any

import engineio
import pytest
from engineio.async_drivers.asgi import WebSocket
from engineio.async_socket import AsyncSocket

from equeue_ui.tuning import closed_sockets, frame_fanout
from tests.garbage import cyclic_garbage

CLOSED = {"type": "websocket.disconnect", "code": 1001}


@pytest.fixture
def patched() -> Iterator[None]:
    closed_sockets.install()
    closed_sockets.fallback.reset()
    try:
        yield
    finally:
        closed_sockets.uninstall()


class Owner:
    """What the patch reads of engine.io's socket: its state, through its bound handler."""

    def __init__(self, *, connected: bool, upgraded: bool, upgrading: bool) -> None:
        self.connected, self.upgraded, self.upgrading = connected, upgraded, upgrading

    async def handler(self, ws: WebSocket) -> None:  # never run here
        raise AssertionError


def _socket(owner: Any, *events: dict[str, Any]) -> WebSocket:
    ws = WebSocket(owner.handler, server=None)
    queue = list(events)

    async def receive() -> dict[str, Any]:
        return queue.pop(0)

    ws.asgi_receive = receive
    return ws


RECEIVING = {"connected": True, "upgraded": True, "upgrading": False}


async def test_a_closed_connection_in_the_receiving_loop_reads_as_none(patched: None) -> None:
    ws = _socket(Owner(**RECEIVING), CLOSED)
    assert await ws.wait() is None


@pytest.mark.parametrize(
    "state",
    [
        {"connected": True, "upgraded": False, "upgrading": True},  # upgrading from polling
        {"connected": False, "upgraded": False, "upgrading": False},
        {"connected": True, "upgraded": True, "upgrading": True},
    ],
)
async def test_anywhere_else_a_closed_connection_raises_as_engine_io_does(
    patched: None, state: dict[str, bool]
) -> None:
    ws = _socket(Owner(**state), CLOSED)
    with pytest.raises(OSError):
        await ws.wait()


async def test_messages_read_as_engine_io_reads_them(patched: None) -> None:
    ws = _socket(
        Owner(**RECEIVING),
        {"type": "websocket.receive", "text": "2probe"},
        {"type": "websocket.receive", "bytes": b"\x01"},
        {"type": "websocket.receive"},
    )
    assert await ws.wait() == "2probe"
    assert await ws.wait() == b"\x01"
    with pytest.raises(OSError):
        await ws.wait()


async def test_a_socket_whose_state_cannot_be_read_gets_engine_io_s_error(patched: None) -> None:
    async def bare_handler(ws: WebSocket) -> None:
        raise AssertionError

    ws = WebSocket(bare_handler, server=None)  # a plain function: no socket behind it
    ws.asgi_receive = _socket(Owner(**RECEIVING), CLOSED).asgi_receive
    with pytest.raises(OSError):
        await ws.wait()
    assert closed_sockets.fallback.count == 1


# Alive for the whole module, as the app's server is: only what a connection leaves counts.
SERVER = engineio.AsyncServer(async_mode="asgi")


async def _handle_a_connection_that_the_browser_closes() -> None:
    """engine.io's own handler, on a connected socket whose browser goes away."""
    server = SERVER
    socket = AsyncSocket(server, "sid-1")
    server.sockets["sid-1"] = socket
    events = [CLOSED]

    async def receive() -> dict[str, Any]:
        await asyncio.sleep(0)
        return events.pop(0)

    async def send(message: dict[str, Any]) -> None:
        pass

    # engine.io's own, whatever patches an earlier test's app left installed
    handler = MethodType(frame_fanout.ENGINEIO_WEBSOCKET_HANDLER, socket)
    ws = WebSocket(handler, server)
    ws.asgi_receive, ws.asgi_send = receive, send
    await handler(ws)
    assert socket.closed
    server.sockets.pop("sid-1", None)


def _cycles_left_by(run: Any) -> list[str]:
    gc.collect()
    asyncio.run(run())
    kinds = (AsyncSocket, WebSocket, OSError, asyncio.Task)
    return sorted(type(item).__name__ for item in cyclic_garbage(lambda i: isinstance(i, kinds)))


def test_with_engine_io_s_handler_a_closed_connection_leaves_no_cycle(patched: None) -> None:
    assert _cycles_left_by(_handle_a_connection_that_the_browser_closes) == []


def test_without_the_patch_engine_io_s_error_holds_the_connection_in_a_cycle() -> None:
    assert not closed_sockets.installed()
    left = _cycles_left_by(_handle_a_connection_that_the_browser_closes)
    assert "OSError" in left and "AsyncSocket" in left, left

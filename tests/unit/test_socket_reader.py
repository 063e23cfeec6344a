"""engine.io's WebSocket handler with eQueue's reading loop serves a socket as engine.io's own
does, without a task per packet (equeue_ui/tuning/socket_reader.py)."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable, Iterator
from typing import Any

import engineio
import pytest
from engineio import packet
from engineio.async_socket import AsyncSocket

from equeue_ui.tuning import socket_reader
from tests.garbage import cyclic_garbage

HANDLERS: dict[str, Callable[[AsyncSocket, Any], Any]] = {
    "patched": socket_reader.websocket_handler,
    "engine.io's": socket_reader.ENGINEIO_WEBSOCKET_HANDLER,
}
CLOSED = None  # what the ASGI driver's wait answers once the browser has gone (closed_sockets)


@pytest.fixture(autouse=True)
def fresh_fallback() -> Iterator[None]:
    socket_reader.fallback.reset()
    yield


class Browser:
    """The ASGI driver's WebSocket as engine.io's handler uses it, fed by the test."""

    def __init__(self) -> None:
        self.incoming: asyncio.Queue[Any] = asyncio.Queue()
        self.sent: list[str] = []
        self.closed = False

    async def wait(self) -> Any:
        item = await self.incoming.get()
        if isinstance(item, type) and issubclass(item, BaseException):
            raise item()  # made here, as the driver does: no frame of the test holds it
        return item

    async def send(self, data: str) -> None:
        self.sent.append(data)

    async def close(self) -> None:
        self.closed = True

    def says(self, *items: Any) -> None:
        for item in items:
            self.incoming.put_nowait(item)


class Socket(AsyncSocket):
    """engine.io's socket, noting what it was handed."""

    def __init__(self, server: Any) -> None:
        super().__init__(server, "sid-1")
        self.handed: list[tuple[int, Any]] = []

    async def receive(self, pkt: packet.Packet) -> None:
        self.handed.append((pkt.packet_type, pkt.data))
        if pkt.data == "fail":
            raise RuntimeError("a handler failed")
        await super().receive(pkt)


def server(**options: float) -> Any:
    return engineio.AsyncServer(async_mode="asgi", **options)


def message(text: str) -> str:
    return packet.Packet(packet.MESSAGE, text).encode()


async def serve(
    name: str, browser: Browser, *, connected: bool = False, **options: float
) -> Socket:
    socket = Socket(server(**options))
    socket.connected = connected
    await asyncio.wait_for(HANDLERS[name](socket, browser), timeout=5)
    return socket


@pytest.mark.parametrize("name", HANDLERS)
async def test_packets_are_handed_on_in_order_until_the_browser_closes(name: str) -> None:
    browser = Browser()
    browser.says(message("a"), packet.Packet(packet.PONG).encode(), message("fail"), message("b"))
    browser.says(CLOSED)
    socket = await serve(name, browser)
    assert [data for _, data in socket.handed] == ["a", "", "fail", "b"]  # a failure is logged
    assert socket.closed and browser.closed


@pytest.mark.parametrize("name", HANDLERS)
async def test_nothing_from_the_browser_within_interval_and_timeout_ends_it(name: str) -> None:
    browser = Browser()
    browser.says(message("a"))
    socket = await serve(name, browser, ping_interval=0.05, ping_timeout=0.05)
    assert socket.handed == [(packet.MESSAGE, "a")]
    assert socket.closed and browser.closed


@pytest.mark.parametrize("name", HANDLERS)
async def test_a_slow_handling_is_not_limited(name: str) -> None:
    browser = Browser()
    socket = Socket(server(ping_interval=0.05, ping_timeout=0.05))

    async def slow(pkt: packet.Packet) -> None:
        socket.handed.append((pkt.packet_type, pkt.data))
        await asyncio.sleep(0.3)  # longer than interval + timeout

    socket.receive = slow  # type: ignore[method-assign]
    browser.says(message("a"), message("b"), CLOSED)
    await asyncio.wait_for(HANDLERS[name](socket, browser), timeout=5)
    assert [data for _, data in socket.handed] == ["a", "b"]


@pytest.mark.parametrize("name", HANDLERS)
@pytest.mark.parametrize("failure", [OSError, "too large"])
async def test_a_failed_read_ends_it(name: str, failure: Any) -> None:
    browser = Browser()
    browser.says(message("a"), OSError if failure != "too large" else "4" + "x" * 200)
    socket = await serve(name, browser, max_http_buffer_size=100)
    assert [data for _, data in socket.handed] == ["a"]
    assert socket.closed and browser.closed


@pytest.mark.parametrize("name", HANDLERS)
async def test_a_cancelled_handler_still_closes_the_socket(name: str) -> None:
    browser = Browser()
    socket = Socket(server())
    handler = asyncio.ensure_future(HANDLERS[name](socket, browser))
    browser.says(message("a"))
    await asyncio.sleep(0.01)
    handler.cancel()
    await asyncio.wait([handler], timeout=5)
    assert socket.closed and browser.closed


@pytest.mark.parametrize("name", HANDLERS)
@pytest.mark.parametrize("probe", ["probe", "other"])
async def test_the_upgrade_from_long_polling_is_engine_io_s(name: str, probe: str) -> None:
    browser = Browser()
    browser.says(packet.Packet(packet.PING, data=probe).encode())
    browser.says(packet.Packet(packet.UPGRADE).encode(), message("a"), CLOSED)
    socket = await serve(name, browser, connected=True)
    if probe == "probe":
        assert browser.sent[0] == packet.Packet(packet.PONG, data="probe").encode()
        assert socket.upgraded and not socket.upgrading and socket.closed
        assert [data for _, data in socket.handed] == ["a"]
    else:
        assert browser.sent == [] and not socket.upgrading and not socket.closed


async def test_no_task_waits_for_the_next_packet() -> None:
    counts = {}
    for name, handler in HANDLERS.items():
        browser = Browser()
        before = len(asyncio.all_tasks())
        running = asyncio.ensure_future(handler(Socket(server()), browser))
        await asyncio.sleep(0.01)
        counts[name] = len(asyncio.all_tasks()) - before  # the handler, its writer…
        browser.says(CLOSED)
        await running
    assert counts["engine.io's"] == counts["patched"] + 1  # engine.io's task for the next read


async def test_unreadable_settings_leave_the_socket_to_engine_io_s_handler() -> None:
    class NoSettings:
        """The server's settings, unreadable once."""

        def __init__(self, real: Any) -> None:
            self.real = real
            self.failed = False

        def __getattr__(self, name: str) -> Any:
            if name == "ping_interval" and not self.failed:
                self.failed = True
                raise AttributeError(name)
            return getattr(self.real, name)

    socket = Socket(server())
    socket.server = NoSettings(socket.server)
    browser = Browser()
    browser.says(message("a"), CLOSED)
    await asyncio.wait_for(socket_reader.websocket_handler(socket, browser), timeout=5)
    assert [data for _, data in socket.handed] == ["a"]
    assert socket_reader.fallback.count == 1


def test_installed_only_inside_frame_fanout_s_handler() -> None:
    from equeue_ui.tuning import frame_fanout

    frame_fanout.install()
    socket_reader.install()
    try:
        assert socket_reader.installed()
        assert frame_fanout.run_socket is socket_reader.websocket_handler
    finally:
        socket_reader.uninstall()
        frame_fanout.uninstall()
    assert frame_fanout.run_socket is socket_reader.ENGINEIO_WEBSOCKET_HANDLER
    assert not socket_reader.installed()


# Alive for the whole module, as the app's server is: only what a connection leaves counts.
SERVER = engineio.AsyncServer(async_mode="asgi")


@pytest.mark.parametrize("name", HANDLERS)
def test_a_connection_the_browser_drops_leaves_no_cycle_even_through_an_error(name: str) -> None:
    async def drop() -> None:
        browser = Browser()
        browser.says(message("a"), OSError)  # engine.io's ASGI driver without closed_sockets
        socket = Socket(SERVER)
        await HANDLERS[name](socket, browser)
        assert socket.closed

    gc.collect()
    asyncio.run(drop())
    kinds = (AsyncSocket, Browser, OSError, asyncio.Task)
    left = [type(item).__name__ for item in cyclic_garbage(lambda i: isinstance(i, kinds))]
    if name == "patched":
        assert left == []
    else:  # the error's traceback holds the reading task, which holds the error (closed_sockets)
        assert "OSError" in left and "Socket" in left, left

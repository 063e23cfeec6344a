"""A prepared frame reaches each socket as engine.io and uvicorn would have sent it, and any
socket where a direct write could reorder or break something gets the packet through engine.io.

The server here is the real stack on loopback: uvicorn with wsproto and engine.io's ASGI app,
with engine.io patched as the app patches it (equeue_ui/tuning: engineio_poll and frame_fanout).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import engineio
import httpx
import pytest
import socketio
import uvicorn
from engineio import packet as eio_packet
from engineio.async_socket import AsyncSocket
from websockets.asyncio.client import ClientConnection, connect
from wsproto.frame_protocol import FrameProtocol

from equeue_ui.tuning import engineio_poll, frame_fanout

# payload sizes in bytes: each length form of RFC 6455 at its edges
SIZES = [0, 1, 125, 126, 127, 65535, 65536, 70000]
TIMEOUT = 5.0


@pytest.mark.parametrize("size", SIZES)
def test_the_frame_is_the_one_wsproto_builds(size: int) -> None:
    text = "я" * (size // 2) + "x" * (size % 2)  # "я" is two bytes in UTF-8
    assert len(text.encode()) == size

    assert frame_fanout.text_frame(text) == FrameProtocol(client=False, extensions=[]).send_data(
        text, fin=True
    )


@dataclass
class Running:
    eio: engineio.AsyncServer
    url: str  # host:port/engine.io/?EIO=4

    def socket(self) -> AsyncSocket:
        [socket] = self.eio.sockets.values()
        return socket

    async def send(self, text: str, sids: list[str] | None = None) -> int:
        message = eio_packet.Packet(eio_packet.MESSAGE, text)
        targets = list(self.eio.sockets) if sids is None else sids
        return await frame_fanout.send_to_each(self.eio, targets, message)


@pytest.fixture
def compression() -> bool:
    return False


@pytest.fixture
async def running(monkeypatch: pytest.MonkeyPatch, compression: bool) -> AsyncIterator[Running]:
    monkeypatch.setattr(AsyncSocket, "poll", engineio_poll.poll)
    monkeypatch.setattr(AsyncSocket, "_websocket_handler", frame_fanout._websocket_handler)
    eio = engineio.AsyncServer(async_mode="asgi")
    config = uvicorn.Config(
        engineio.ASGIApp(eio),
        host="127.0.0.1",
        port=0,
        ws="wsproto",
        ws_per_message_deflate=compression,
        lifespan="off",
        log_level="warning",
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    async with asyncio.timeout(TIMEOUT):
        while not server.started:
            if task.done():
                task.result()  # raises what stopped it
                pytest.fail("uvicorn stopped before it started")
            await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield Running(eio, f"127.0.0.1:{port}/engine.io/?EIO=4")
    finally:
        server.should_exit = True
        await task


async def opened(app: Running, query: str = "") -> ClientConnection:
    websocket = await connect(f"ws://{app.url}&transport=websocket{query}")
    if not query:  # a new session opens with engine.io's open packet
        assert (await receive(websocket)).startswith("0{")
    return websocket


async def receive(websocket: ClientConnection) -> str:
    message = await asyncio.wait_for(websocket.recv(), TIMEOUT)
    assert isinstance(message, str)
    return message


async def settled(socket: AsyncSocket) -> None:
    """Wait until the socket's writer waits for packets again."""
    async with asyncio.timeout(TIMEOUT):
        while frame_fanout.writable_protocol(socket) is None:
            await asyncio.sleep(0.01)


async def test_an_idle_websocket_gets_the_frame_written_directly(running: Running) -> None:
    async with await opened(running) as websocket:
        await settled(running.socket())

        assert await running.send("hello, пока") == 1
        assert await receive(websocket) == "4hello, пока"


@pytest.mark.parametrize("compression", [True])
async def test_a_compressed_websocket_gets_the_packet_through_engineio(running: Running) -> None:
    async with await opened(running) as websocket:
        assert await running.send("hello") == 0
        assert await receive(websocket) == "4hello"  # compressed by uvicorn, as before


async def test_a_packet_already_queued_is_sent_first(running: Running) -> None:
    async with await opened(running) as websocket:
        await settled(running.socket())
        await running.socket().send(eio_packet.Packet(eio_packet.MESSAGE, "first"))

        assert await running.send("second") == 0
        assert [await receive(websocket), await receive(websocket)] == ["4first", "4second"]


async def test_a_packet_the_writer_holds_for_a_slow_reader_is_sent_first(
    running: Running,
) -> None:
    async with await opened(running) as websocket:
        socket = running.socket()
        await settled(socket)
        protocol = getattr(socket, frame_fanout.PROTOCOL_ATTRIBUTE)
        protocol.writable.clear()  # what uvicorn does while the client reads too slowly
        assert await running.send("held") == 0
        async with asyncio.timeout(TIMEOUT):  # the writer takes it and waits for the reader
            while not socket.queue.empty():
                await asyncio.sleep(0.01)

        protocol.writable.set()  # the reader caught up; the writer has not run yet
        assert await running.send("next") == 0

        assert [await receive(websocket), await receive(websocket)] == ["4held", "4next"]


async def test_an_overdue_ping_leaves_the_send_to_engineio(running: Running) -> None:
    async with await opened(running):
        socket = running.socket()
        await settled(socket)
        socket.last_ping = 1.0  # a ping sent long ago and never answered

        assert await running.send("anyone?") == 0
        assert socket.closing or socket.closed  # engine.io's check closed it


async def test_a_binary_packet_goes_through_engineio(running: Running) -> None:
    async with await opened(running) as websocket:
        await settled(running.socket())
        message = eio_packet.Packet(eio_packet.MESSAGE, b"\x00\x01")

        assert await frame_fanout.send_to_each(running.eio, list(running.eio.sockets), message) == 0
        assert await asyncio.wait_for(websocket.recv(), TIMEOUT) == b"\x00\x01"


async def test_a_long_polling_client_gets_the_packet_through_engineio(running: Running) -> None:
    polling = f"http://{running.url}&transport=polling"
    async with httpx.AsyncClient(timeout=TIMEOUT) as client:
        opening = await client.get(polling)
        assert opening.text.startswith("0{")
        sid = running.socket().sid

        assert await running.send("polled") == 0
        polled = await client.get(f"{polling}&sid={sid}")

        assert polled.text == "4polled"


async def test_after_an_upgrade_from_long_polling_the_frame_is_written_directly(
    running: Running,
) -> None:
    polling = f"http://{running.url}&transport=polling"
    async with httpx.AsyncClient(timeout=TIMEOUT) as client:
        await client.get(polling)
        socket = running.socket()
        async with await opened(running, f"&sid={socket.sid}") as websocket:
            await websocket.send("2probe")
            assert await receive(websocket) == "3probe"
            assert socket.upgrading

            assert await running.send("during") == 0  # the upgrade is not finished
            await websocket.send("5")  # engine.io's UPGRADE
            received = [await receive(websocket)]
            while received[-1] == "6":  # the NOOP that ends the last poll, if it went this way
                received.append(await receive(websocket))
            assert received[-1] == "4during"
            await settled(socket)

            assert await running.send("after") == 1
            assert await receive(websocket) == "4after"


async def test_a_socket_that_closed_is_skipped(running: Running) -> None:
    websocket = await opened(running)
    socket = running.socket()
    await websocket.close()
    async with asyncio.timeout(TIMEOUT):
        while not socket.closed:
            await asyncio.sleep(0.02)

    assert await running.send("gone", [socket.sid]) == 0
    assert getattr(socket, frame_fanout.PROTOCOL_ATTRIBUTE) is None


async def test_a_connection_uvicorn_is_closing_gets_no_direct_write(running: Running) -> None:
    async with await opened(running):
        socket = running.socket()
        await settled(socket)
        protocol = getattr(socket, frame_fanout.PROTOCOL_ATTRIBUTE)
        protocol.close_sent = True  # uvicorn sent its close frame; engine.io has not noticed

        assert frame_fanout.writable_protocol(socket) is None
        protocol.close_sent = False
        protocol.disconnected = True

        assert frame_fanout.writable_protocol(socket) is None
        protocol.disconnected = False


# --- socket.io's emit, tuned and stock, and failing safe ------------------------------------------


@dataclass
class SocketIO:
    sio: socketio.AsyncServer
    client: socketio.AsyncClient
    received: asyncio.Queue[Any]

    async def snapshot(self) -> Any:
        return await asyncio.wait_for(self.received.get(), TIMEOUT)

    def socket(self) -> AsyncSocket:
        [socket] = self.sio.eio.sockets.values()
        return socket


@pytest.fixture
def patched() -> bool:
    return True


@pytest.fixture
async def socketio_app(monkeypatch: pytest.MonkeyPatch, patched: bool) -> AsyncIterator[SocketIO]:
    """A socket.io server on uvicorn with wsproto (as NiceGUI runs it), one client in room
    ``queue:1``; with ``patched``, engine.io patched as the app patches it."""
    # Set both ways: an app started earlier in the same run may have installed the patches.
    if patched:
        monkeypatch.setattr(AsyncSocket, "poll", engineio_poll.poll)
        monkeypatch.setattr(AsyncSocket, "_websocket_handler", frame_fanout._websocket_handler)
    else:
        monkeypatch.setattr(AsyncSocket, "poll", engineio_poll.ENGINEIO_POLL)
        monkeypatch.setattr(
            AsyncSocket, "_websocket_handler", frame_fanout.ENGINEIO_WEBSOCKET_HANDLER
        )
    monkeypatch.setattr(frame_fanout, "tally", frame_fanout.Tally())
    frame_fanout.fallback.reset()
    sio = socketio.AsyncServer(async_mode="asgi")
    joined = asyncio.Event()

    @sio.on("connect")
    async def connect(sid: str, environ: dict[str, Any]) -> None:
        await sio.enter_room(sid, "queue:1")
        joined.set()

    config = uvicorn.Config(
        socketio.ASGIApp(sio),
        host="127.0.0.1",
        port=0,
        ws="wsproto",
        ws_per_message_deflate=False,  # as eQueue runs it (EQUEUE_WS_COMPRESSION)
        lifespan="off",
        log_level="warning",
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    async with asyncio.timeout(TIMEOUT):
        while not server.started:
            await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    client = socketio.AsyncClient()
    received: asyncio.Queue[Any] = asyncio.Queue()
    client.on("queue_snapshot", received.put_nowait)
    await client.connect(f"http://127.0.0.1:{port}", transports=["websocket"])
    await asyncio.wait_for(joined.wait(), TIMEOUT)
    try:
        yield SocketIO(sio, client, received)
    finally:
        await client.disconnect()
        server.should_exit = True
        await task
        frame_fanout.fallback.reset()


SNAPSHOT = {"queue_id": 1, "version": 7, "entries": [{"name": "Полина"}]}


async def test_an_emit_to_a_room_reaches_the_viewer_as_one_prepared_frame(
    socketio_app: SocketIO,
) -> None:
    await settled(socketio_app.socket())

    await frame_fanout.emit(socketio_app.sio, "queue_snapshot", SNAPSHOT, to="queue:1")

    assert await socketio_app.snapshot() == SNAPSHOT
    assert frame_fanout.tally == frame_fanout.Tally(direct=1)


@pytest.mark.parametrize("patched", [False])
async def test_without_the_patch_the_emit_is_socketio_own(socketio_app: SocketIO) -> None:
    await frame_fanout.emit(socketio_app.sio, "queue_snapshot", SNAPSHOT, to="queue:1")

    assert await socketio_app.snapshot() == SNAPSHOT
    assert frame_fanout.tally == frame_fanout.Tally(through_socketio=1)


async def test_if_reading_the_connection_fails_the_viewer_gets_it_through_engineio(
    socketio_app: SocketIO, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(socket: AsyncSocket) -> None:
        raise AttributeError("'WSProtocol' object has no attribute 'writable'")

    monkeypatch.setattr(frame_fanout, "writable_protocol", broken)
    for version in (8, 9):
        await frame_fanout.emit(
            socketio_app.sio, "queue_snapshot", {**SNAPSHOT, "version": version}, to="queue:1"
        )
        assert (await socketio_app.snapshot())["version"] == version

    assert frame_fanout.tally == frame_fanout.Tally(through_engineio=2)
    assert frame_fanout.fallback.count == 2
    assert [r.levelname for r in caplog.records] == ["WARNING"]  # once


async def test_if_finding_the_room_fails_the_emit_is_socketio_own(
    socketio_app: SocketIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    manager = socketio_app.sio.manager
    own_participants = manager.get_participants
    calls = 0

    def broken(namespace: str, room: str) -> Any:
        nonlocal calls
        calls += 1
        if calls == 1:  # ours; socket.io's own emit asks again
            raise KeyError(room)
        return own_participants(namespace, room)

    monkeypatch.setattr(manager, "get_participants", broken)

    await frame_fanout.emit(socketio_app.sio, "queue_snapshot", SNAPSHOT, to="queue:1")

    assert await socketio_app.snapshot() == SNAPSHOT
    assert frame_fanout.tally == frame_fanout.Tally(through_socketio=1)
    assert frame_fanout.fallback.count == 1


async def test_if_building_the_frame_fails_the_emit_is_socketio_own(
    socketio_app: SocketIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(text: str) -> bytes:
        raise ValueError("cannot frame")

    monkeypatch.setattr(frame_fanout, "text_frame", broken)

    await frame_fanout.emit(socketio_app.sio, "queue_snapshot", SNAPSHOT, to="queue:1")

    assert await socketio_app.snapshot() == SNAPSHOT
    assert frame_fanout.tally == frame_fanout.Tally(through_socketio=1)
    assert frame_fanout.fallback.count == 1


async def test_if_remembering_the_connection_fails_its_packets_go_through_engineio(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The patched WebSocket handler fails to look at engine.io's WebSocket: the connection
    works as engine.io's own, and every packet to it goes through engine.io."""

    class Unreadable:
        @property
        def asgi_send(self) -> Any:
            raise RuntimeError("the driver changed")

    served: list[Any] = []

    async def engineio_own(self: AsyncSocket, ws: Any) -> str:
        served.append(ws)
        return "served"

    monkeypatch.setattr(frame_fanout, "run_socket", engineio_own)
    frame_fanout.fallback.reset()
    socket = AsyncSocket.__new__(AsyncSocket)
    ws = Unreadable()

    assert await frame_fanout._websocket_handler(socket, ws) == "served"
    assert served == [ws]
    assert getattr(socket, frame_fanout.PROTOCOL_ATTRIBUTE) is None  # no direct writes to it
    assert frame_fanout.fallback.count == 1
    frame_fanout.fallback.reset()

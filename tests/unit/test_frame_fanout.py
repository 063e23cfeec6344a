"""A prepared frame reaches each socket as engine.io and uvicorn would have sent it, and any
socket where a direct write could reorder or break something gets the packet through engine.io.

The server here is the real stack on loopback: uvicorn with wsproto, engine.io's ASGI app.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import engineio
import httpx
import pytest
import uvicorn
from engineio import packet as eio_packet
from engineio.async_socket import AsyncSocket
from websockets.asyncio.client import ClientConnection, connect
from wsproto.frame_protocol import FrameProtocol

from equeue_ui import frame_fanout

SIZES = [0, 1, 125, 126, 127, 65535, 65536, 70000]
RECEIVE_TIMEOUT = 5.0


@pytest.mark.parametrize("size", SIZES)
def test_the_frame_is_the_one_wsproto_builds(size: int) -> None:
    text = ("я" + "x" * size)[:size] if size else ""

    assert frame_fanout.text_frame(text) == FrameProtocol(client=False, extensions=[]).send_data(
        text, fin=True
    )


@dataclass
class Running:
    eio: engineio.AsyncServer
    url: str

    def socket(self) -> AsyncSocket:
        [socket] = self.eio.sockets.values()
        return socket

    async def send(self, text: str) -> int:
        message = eio_packet.Packet(eio_packet.MESSAGE, text)
        return await frame_fanout.send_to_each(self.eio, list(self.eio.sockets), message)


async def start(compression: bool) -> tuple[uvicorn.Server, asyncio.Task[None], Running]:
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
    while not server.started:
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    return server, task, Running(eio, f"127.0.0.1:{port}/engine.io/?EIO=4")


@pytest.fixture(params=[False, True], ids=["plain", "compression"])
async def running(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Running]:
    monkeypatch.setattr(AsyncSocket, "_websocket_handler", frame_fanout._websocket_handler)
    server, task, app = await start(compression=request.param)
    app.compression = request.param  # type: ignore[attr-defined]
    try:
        yield app
    finally:
        server.should_exit = True
        await task


async def opened(app: Running) -> ClientConnection:
    websocket = await connect(f"ws://{app.url}&transport=websocket")
    handshake = await receive(websocket)
    assert handshake.startswith("0{")  # engine.io's open packet
    return websocket


async def receive(websocket: ClientConnection) -> str:
    message = await asyncio.wait_for(websocket.recv(), RECEIVE_TIMEOUT)
    assert isinstance(message, str)
    return message


async def test_an_idle_websocket_gets_the_frame_written_directly(running: Running) -> None:
    async with await opened(running) as websocket:
        direct = await running.send("hello, пока")

        assert await receive(websocket) == "4hello, пока"
        # with permessage-deflate on, the packet is compressed by uvicorn as before
        assert direct == (0 if running.compression else 1)  # type: ignore[attr-defined]


async def test_a_packet_already_queued_is_sent_first(running: Running) -> None:
    async with await opened(running) as websocket:
        await running.socket().send(eio_packet.Packet(eio_packet.MESSAGE, "first"))

        direct = await running.send("second")

        assert direct == 0
        assert [await receive(websocket), await receive(websocket)] == ["4first", "4second"]


async def test_a_paused_writer_gets_the_packet_through_its_queue(running: Running) -> None:
    async with await opened(running) as websocket:
        protocol = getattr(running.socket(), frame_fanout.PROTOCOL_ATTRIBUTE)
        protocol.writable.clear()  # what uvicorn does while the client reads too slowly

        assert await running.send("later") == 0
        protocol.writable.set()

        assert await receive(websocket) == "4later"


async def test_an_overdue_ping_leaves_the_send_to_engineio(running: Running) -> None:
    async with await opened(running):
        socket = running.socket()
        socket.last_ping = 1.0  # a ping sent long ago and never answered

        assert await running.send("anyone?") == 0
        assert socket.closing or socket.closed  # engine.io's check closed it


async def test_a_long_polling_client_gets_the_packet_through_engineio(running: Running) -> None:
    polling = f"http://{running.url}&transport=polling"
    async with httpx.AsyncClient(timeout=RECEIVE_TIMEOUT) as client:
        opening = await client.get(polling)
        assert opening.text.startswith("0{")
        sid = running.socket().sid

        assert await running.send("polled") == 0
        polled = await client.get(f"{polling}&sid={sid}")

        assert polled.text == "4polled"


async def test_a_socket_that_closed_is_skipped(running: Running) -> None:
    websocket = await opened(running)
    socket = running.socket()
    await websocket.close()
    for _ in range(100):
        if socket.closed:
            break
        await asyncio.sleep(0.02)

    assert await running.send("gone") == 0
    assert getattr(socket, frame_fanout.PROTOCOL_ATTRIBUTE) is None

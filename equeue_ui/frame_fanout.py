"""One WebSocket frame, built once, written to every open page that shows a queue.

A queue change sends the same socket.io packet to every page showing that queue. Through
engine.io and uvicorn each copy wakes that socket's writer task, goes through an ASGI message
and has wsproto build the same frame again: with 1,000 viewers and ten changes a second, two
fifths of the server's CPU (tests/bench ``RATE=10``: 82 % of a core, 50 % without). Here the
frame is built once and written to each page's transport, but only where that is exactly what
engine.io and uvicorn would have written next:

- the page's engine.io socket is open, upgraded to a WebSocket, and its writer task is idle:
  waiting in ``queue.get()`` on an empty queue. Only then is no earlier packet still on its
  way (a writer that took packets and waits for a slow reader holds them outside the queue,
  and a woken writer has not yet taken its item), so order is kept;
- the socket's last ping was answered or is not yet overdue (engine.io checks that before
  every send, and closes the socket when it is overdue: that send goes through engine.io);
- the connection is served by uvicorn's wsproto protocol, open, not paused by flow control
  (a slow reader), and without permessage-deflate (``EQUEUE_WS_COMPRESSION``).

Any other page gets the packet through engine.io as before (``AsyncServer.send_packet``).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from engineio import packet as eio_packet
from engineio.async_server import AsyncServer
from engineio.async_socket import AsyncSocket
from uvicorn.protocols.websockets.wsproto_impl import WSProtocol
from wsproto.connection import ConnectionState

PROTOCOL_ATTRIBUTE = "_equeue_ws_protocol"
ENGINEIO_WEBSOCKET_HANDLER = AsyncSocket._websocket_handler


@dataclass
class Tally:
    """Copies sent since start-up, by path (the benchmark reports them)."""

    direct: int = 0
    through_engineio: int = 0


tally = Tally()


def text_frame(text: str) -> bytes:
    """A final, unmasked text frame (RFC 6455 5.2), as a server sends one."""
    payload = text.encode()
    size = len(payload)
    if size < 126:
        header = bytes((0x81, size))
    elif size < 65536:
        header = b"\x81\x7e" + size.to_bytes(2, "big")
    else:
        header = b"\x81\x7f" + size.to_bytes(8, "big")
    return header + payload


async def send_to_each(server: AsyncServer, sids: Iterable[str], message: eio_packet.Packet) -> int:
    """Send ``message`` to each engine.io session in ``sids`` (a session gone meanwhile is
    skipped); returns how many got the prepared frame written directly."""
    encoded = message.encode()
    frame = text_frame(encoded) if isinstance(encoded, str) else None  # binary: engine.io's way
    written = 0
    for sid in sids:
        socket = server.sockets.get(sid)
        if socket is None:
            continue
        if frame is not None and (protocol := writable_protocol(socket)) is not None:
            protocol.transport.write(frame)
            written += 1
            continue
        tally.through_engineio += 1
        await server.send_packet(sid, message)
    tally.direct += written
    return written


def writable_protocol(socket: AsyncSocket) -> WSProtocol | None:
    """The socket's uvicorn protocol if a frame written to it now comes next, else None."""
    protocol: WSProtocol | None = getattr(socket, PROTOCOL_ATTRIBUTE, None)
    last_ping = socket.last_ping  # set when a ping goes out, cleared by its answer
    if (
        protocol is None
        or socket.closed
        or socket.closing
        or not socket.upgraded
        or socket.upgrading
        or not _writer_idle(socket)
        or (last_ping and time.time() - last_ping > socket.server.ping_timeout)
        or protocol.close_sent
        or protocol.disconnected
        or not protocol.writable.is_set()
        or protocol.transport.is_closing()
        or protocol.config.ws_per_message_deflate
        or protocol.conn.state is not ConnectionState.OPEN
    ):
        return None
    return protocol


def _writer_idle(socket: AsyncSocket) -> bool:
    """The socket's writer waits in ``queue.get()`` and nothing is queued."""
    queue = socket.queue
    getters = getattr(queue, "_getters", ())  # asyncio.Queue's waiting readers
    return queue.empty() and any(not getter.done() for getter in getters)


async def _websocket_handler(self: AsyncSocket, ws: Any) -> Any:
    """engine.io's WebSocket handler, remembering uvicorn's protocol for the direct writes."""
    protocol = getattr(getattr(ws, "asgi_send", None), "__self__", None)
    if isinstance(protocol, WSProtocol):
        setattr(self, PROTOCOL_ATTRIBUTE, protocol)
    try:
        return await ENGINEIO_WEBSOCKET_HANDLER(self, ws)
    finally:
        setattr(self, PROTOCOL_ATTRIBUTE, None)


def install() -> None:
    """Once per process; later calls do nothing."""
    AsyncSocket._websocket_handler = _websocket_handler  # type: ignore[method-assign]

"""One WebSocket frame, built once, written to every open page that shows a queue.

A queue change sends the same socket.io packet to every page showing that queue. socket.io's
``emit`` to a room starts a task per recipient, and through engine.io and uvicorn each copy
wakes that socket's writer task, goes through an ASGI message and has wsproto build the same
frame again: with 1,000 viewers and ten changes a second, two fifths of the server's CPU
(tests/bench ``RATE=10``: 82 % of a core, 50 % without). Here the packet is encoded once, and
its frame built once and written to each page's transport, but only where that is exactly
what engine.io and uvicorn would have written next:

- the page's engine.io socket is open, upgraded to a WebSocket, and its writer task is idle:
  waiting in ``queue.get()`` on an empty queue. Only then is no earlier packet still on its
  way (a writer that took packets and waits for a slow reader holds them outside the queue,
  and a woken writer has not yet taken its item), so order is kept;
- the socket's last ping was answered or is not yet overdue (engine.io checks that before
  every send, and closes the socket when it is overdue: that send goes through engine.io);
- the connection is served by uvicorn's wsproto protocol, open, not paused by flow control
  (a slow reader), and without permessage-deflate (``EQUEUE_WS_COMPRESSION``); engine.io was
  handed uvicorn's own ``send`` (the socket shortcut does that).

Any other page gets the packet through engine.io (``AsyncServer.send_packet``), and so does a
page where looking at any of that fails; should anything else fail, the whole emit is
socket.io's own. Without the patch, :func:`emit` is socket.io's emit.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

import socketio
from engineio import packet as eio_packet
from engineio.async_server import AsyncServer
from engineio.async_socket import AsyncSocket
from socketio import packet as sio_packet
from uvicorn.protocols.websockets.wsproto_impl import WSProtocol
from wsproto.connection import ConnectionState

from equeue_ui.tuning.patch import Fallback, Patch

PROTOCOL_ATTRIBUTE = "_equeue_ws_protocol"
ENGINEIO_WEBSOCKET_HANDLER = AsyncSocket._websocket_handler
# What runs the socket once its protocol is remembered: engine.io's handler, or the one of the
# patch that builds on this one (socket_reader) while that is installed.
run_socket: Callable[[AsyncSocket, Any], Awaitable[Any]] = ENGINEIO_WEBSOCKET_HANDLER
NAMESPACE = "/"
fallback = Fallback("frame_fanout")


@dataclass
class Tally:
    """Copies sent since start-up, by path (the benchmark and the tests read them)."""

    direct: int = 0  # one prepared frame written to the transport
    through_engineio: int = 0  # engine.io's send_packet, the patch in
    through_socketio: int = 0  # socket.io's emit: the patch out, or it failed


tally = Tally()


async def emit(sio: socketio.AsyncServer, event: str, data: Any, *, to: str) -> None:
    """socket.io's ``emit(event, data, to=to)`` (a room, or one session id): with the patch
    in, encoded once and sent as above; else, or if that fails, by socket.io itself."""
    if installed():
        try:
            message = _message(sio, event, data)
            eio_sids = [eio_sid for _sid, eio_sid in sio.manager.get_participants(NAMESPACE, to)]
            await send_to_each(sio.eio, eio_sids, message)
            return
        except Exception as error:
            # Pages that got it already get it again, and ignore a version they show.
            fallback.note(error)
    tally.through_socketio += 1
    await sio.emit(event, data, to=to, namespace=NAMESPACE)


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
        if frame is not None:
            try:
                protocol = writable_protocol(socket)
                if protocol is not None:
                    protocol.transport.write(frame)
                    written += 1
                    continue
            except Exception as error:
                fallback.note(error)
        tally.through_engineio += 1
        await server.send_packet(sid, message)
    tally.direct += written
    return written


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


def _message(sio: socketio.AsyncServer, event: str, data: Any) -> eio_packet.Packet:
    """The event as socket.io's emit encodes it, in an engine.io message."""
    encoded = sio.packet_class(sio_packet.EVENT, namespace=NAMESPACE, data=[event, data]).encode()
    return eio_packet.Packet(eio_packet.MESSAGE, encoded)


async def _websocket_handler(self: AsyncSocket, ws: Any) -> Any:
    """engine.io's WebSocket handler, remembering uvicorn's protocol for the direct writes."""
    try:
        protocol = getattr(getattr(ws, "asgi_send", None), "__self__", None)
        if isinstance(protocol, WSProtocol):
            setattr(self, PROTOCOL_ATTRIBUTE, protocol)
    except Exception as error:  # then this socket's packets all go through engine.io
        fallback.note(error)
    try:
        return await run_socket(self, ws)
    finally:
        setattr(self, PROTOCOL_ATTRIBUTE, None)


def install() -> None:
    AsyncSocket._websocket_handler = _websocket_handler  # type: ignore[method-assign]


def uninstall() -> None:
    AsyncSocket._websocket_handler = ENGINEIO_WEBSOCKET_HANDLER  # type: ignore[method-assign]


def installed() -> bool:
    return AsyncSocket._websocket_handler is _websocket_handler  # type: ignore[comparison-overlap]


PATCH = Patch(
    name="frame_fanout",
    speeds_up="every queue change: one encoding and one frame for all viewers (the app's CPU "
    "at RATE=10 with 1,000 viewers: 50 % of a core instead of 82 %)",
    verified={
        "python-engineio": "4.15.1",
        "python-socketio": "5.18.1",
        "uvicorn": "0.55.0",
        "wsproto": "1.3.2",
    },
    relies_on=(
        "engineio.async_socket.AsyncSocket._websocket_handler, and the ASGI driver's "
        "ws.asgi_send being uvicorn's WSProtocol.send",
        "AsyncSocket.closed/closing/upgraded/upgrading/last_ping/queue/server.ping_timeout",
        "asyncio.Queue._getters (the writer waiting in queue.get())",
        "uvicorn's WSProtocol.transport/writable/close_sent/disconnected/conn/"
        "config.ws_per_message_deflate",
        "wsproto.connection.ConnectionState.OPEN",
        "socketio: manager.get_participants, packet_class(...).encode() as emit encodes",
    ),
    install=install,
    uninstall=uninstall,
    installed=installed,
)

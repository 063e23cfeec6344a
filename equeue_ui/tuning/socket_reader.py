"""engine.io's WebSocket handler, reading each packet without a task and a ``wait_for``.

engine.io's ``AsyncSocket._websocket_handler`` reads every packet from the browser through a
new task, awaited with ``asyncio.wait_for`` (on Python 3.11 a future, a timer, a callback and
another coroutine besides). Every open page answers a ping every 8 s, so each page keeps about
fifteen such objects alive, made anew at every ping: with 5,400 pages open, a good part of the
young objects every garbage collection walks (tests/bench, a faculty's day).

This is engine.io's handler with its reading loop changed: the packet is awaited directly,
under one deadline for the whole loop that is moved at each packet (``asyncio.timeout``'s
``reschedule``: a timer per packet, nothing else). The same limit applies (ping interval +
ping timeout with nothing from the browser ends the loop), and nothing limits the handling of
a packet, as in engine.io. The loop ends as engine.io's does: the browser closing, a failed
read, the limit, or the handler's cancellation; then the writer is let go and the socket
closed as by engine.io. The upgrade from long-polling and the writer are engine.io's, copied.

It runs inside the frame_fanout patch's handler (which remembers uvicorn's protocol), so it
is installed only with that one. If reading the server's settings fails, engine.io's own
handler serves the socket.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from engineio import exceptions, packet
from engineio.async_socket import AsyncSocket

from equeue_ui.tuning import frame_fanout
from equeue_ui.tuning.patch import Fallback, Patch

ENGINEIO_WEBSOCKET_HANDLER = frame_fanout.ENGINEIO_WEBSOCKET_HANDLER  # engine.io's own
fallback = Fallback("socket_reader")


async def websocket_handler(self: AsyncSocket, ws: Any) -> None:
    """Engine.IO handler for websocket transport (engine.io's, with the reading loop below)."""
    try:
        limit = float(self.server.ping_interval + self.server.ping_timeout)
        max_size = self.server.max_http_buffer_size
    except Exception as error:
        fallback.note(error)
        await ENGINEIO_WEBSOCKET_HANDLER(self, ws)
        return

    async def websocket_wait() -> Any:
        data = await ws.wait()
        if data and len(data) > max_size:
            raise ValueError("packet is too large")
        return data

    if self.connected:
        # the socket was already connected, so this is an upgrade
        self.upgrading = True  # hold packet sends during the upgrade

        try:
            pkt = await websocket_wait()
        except OSError:
            return
        decoded_pkt = packet.Packet(encoded_packet=pkt)
        if decoded_pkt.packet_type != packet.PING or decoded_pkt.data != "probe":
            self.server.logger.info("%s: Failed websocket upgrade, no PING packet", self.sid)
            self.upgrading = False
            return
        await ws.send(packet.Packet(packet.PONG, data="probe").encode())
        await self.queue.put(packet.Packet(packet.NOOP))  # end poll

        try:
            pkt = await websocket_wait()
        except OSError:
            self.upgrading = False
            return
        decoded_pkt = packet.Packet(encoded_packet=pkt)
        if decoded_pkt.packet_type != packet.UPGRADE:
            self.upgraded = False
            self.server.logger.info(
                "%s: Failed websocket upgrade, expected UPGRADE packet, received %s instead.",
                self.sid,
                pkt,
            )
            self.upgrading = False
            return
        self.upgraded = True
        self.upgrading = False
    else:
        self.connected = True
        self.upgraded = True

    # start separate writer thread
    async def writer() -> None:
        while True:
            packets = None
            try:
                packets = await self.poll()
            except exceptions.QueueEmpty:
                break
            if not packets:
                # empty packet list returned -> connection closed
                break
            try:
                for pkt in packets:
                    await ws.send(pkt.encode())
            except BaseException:
                break
        await ws.close()

    writer_task = asyncio.ensure_future(writer())

    self.server.logger.info("%s: Upgrade to websocket successful", self.sid)

    await _receive_until_closed(self, websocket_wait, limit)

    await self.queue.put(None)  # unlock the writer task so it can exit
    await asyncio.wait_for(writer_task, timeout=None)
    await self.close(wait=False, abort=True, reason=self.server.reason.TRANSPORT_CLOSE)


async def _receive_until_closed(
    socket: AsyncSocket, websocket_wait: Callable[[], Awaitable[Any]], limit: float
) -> None:
    """Hand each packet from the browser to the socket until the browser closes, a read fails,
    nothing comes within ``limit`` seconds, or the handler is cancelled."""
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(None) as deadline:
            while True:
                deadline.reschedule(loop.time() + limit)
                p = await websocket_wait()
                if p is None:
                    return  # connection closed by client
                deadline.reschedule(None)  # the packet's handling has no limit
                try:
                    await socket.receive(packet.Packet(encoded_packet=p))
                except exceptions.UnknownPacketError:
                    pass
                except exceptions.SocketIsClosedError:
                    socket.server.logger.info("Receive error -- socket is closed")
                    return
                except Exception:
                    # an unexpected exception is logged and the connection kept
                    socket.server.logger.exception("Unknown receive error")
    except BaseException:
        # as engine.io's loop: the limit, a failed read or a cancellation ends it quietly
        return


def install() -> None:
    frame_fanout.run_socket = websocket_handler


def uninstall() -> None:
    frame_fanout.run_socket = ENGINEIO_WEBSOCKET_HANDLER


def installed() -> bool:
    return frame_fanout.run_socket is websocket_handler and frame_fanout.installed()


PATCH = Patch(
    name="socket_reader",
    speeds_up="every open page, every packet from its browser (a ping's answer every 8 s): "
    "read without a task, a wait_for, its future and its callback (about fifteen objects a "
    "page fewer among the young ones every garbage collection walks)",
    verified={"python-engineio": "4.15.1"},
    relies_on=(
        "engineio.async_socket.AsyncSocket._websocket_handler (its body, copied with the "
        "reading loop changed): the upgrade's PING probe/UPGRADE exchange, the writer over "
        "AsyncSocket.poll, queue.put(None) to end it, close(abort=True, TRANSPORT_CLOSE)",
        "AsyncSocket.receive and its UnknownPacketError/SocketIsClosedError; "
        "server.ping_interval, ping_timeout, max_http_buffer_size, reason",
        "frame_fanout's handler running frame_fanout.run_socket",
    ),
    install=install,
    uninstall=uninstall,
    installed=installed,
    needs=("frame_fanout",),
)

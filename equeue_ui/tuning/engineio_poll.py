"""engine.io's wait for a socket's next packets, without a task per packet.

Every packet to every open page goes through ``AsyncSocket.poll`` in that socket's writer.
engine.io waits there with ``asyncio.wait_for``, which on Python 3.11 wraps the wait in a new
task each time: with a thousand viewers and ten queue changes a second, ten thousand tasks a
second, about a tenth of the server's CPU (py-spy on tests/bench ``RATE=10``). This version
waits with ``asyncio.timeout`` (a timer, no task) and is otherwise engine.io's own: the same
timeout, the same batching of whatever else is queued, the same ``QueueEmpty`` on a timeout,
a cancellation or the closing ``None``.

If reading the socket's settings fails, engine.io's own poll waits instead; if taking the
rest of a batch fails, the packets taken so far are sent and the rest waits for the next poll.
"""

from __future__ import annotations

import asyncio
from typing import Any

from engineio import exceptions
from engineio.async_socket import AsyncSocket

from equeue_ui.tuning.patch import Fallback, Patch

ENGINEIO_POLL = AsyncSocket.poll  # engine.io's own
fallback = Fallback("engineio_poll")


async def poll(self: AsyncSocket) -> list[Any]:
    """Wait for packets to send to the client (engine.io's ``AsyncSocket.poll``)."""
    try:
        queue: asyncio.Queue[Any] = self.queue
        timeout = asyncio.timeout(self.server.ping_interval + self.server.ping_timeout)
    except Exception as error:
        fallback.note(error)
        return await ENGINEIO_POLL(self)  # type: ignore[no-any-return]
    try:
        async with timeout:
            packets = [await queue.get()]
        queue.task_done()
    except (TimeoutError, asyncio.CancelledError):
        raise exceptions.QueueEmpty() from None
    if packets == [None]:
        return []
    try:
        while True:
            try:
                pkt = queue.get_nowait()
            except asyncio.QueueEmpty:
                break
            queue.task_done()
            if pkt is None:
                queue.put_nowait(None)
                break
            packets.append(pkt)
    except Exception as error:
        fallback.note(error)
    return packets


def install() -> None:
    AsyncSocket.poll = poll  # type: ignore[method-assign]


def uninstall() -> None:
    AsyncSocket.poll = ENGINEIO_POLL  # type: ignore[method-assign]


def installed() -> bool:
    return AsyncSocket.poll is poll  # type: ignore[comparison-overlap]


PATCH = Patch(
    name="engineio_poll",
    speeds_up="every packet to every open page: no task per wait (a tenth of the CPU at "
    "RATE=10 with 1,000 viewers)",
    verified={"python-engineio": "4.15.1"},
    relies_on=(
        "engineio.async_socket.AsyncSocket.poll (the writer's wait, its QueueEmpty and the "
        "closing None)",
        "AsyncSocket.queue (an asyncio.Queue) and AsyncSocket.server.ping_interval/ping_timeout",
    ),
    install=install,
    uninstall=uninstall,
    installed=installed,
)

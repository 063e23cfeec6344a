"""engine.io's wait for a socket's next packets, without a task per packet.

Every packet to every open page goes through ``AsyncSocket.poll`` in that socket's writer.
engine.io waits there with ``asyncio.wait_for``, which on Python 3.11 wraps the wait in a new
task each time: with a thousand viewers and ten queue changes a second, ten thousand tasks a
second, about a tenth of the server's CPU (py-spy on tests/bench ``RATE=10``). This version
waits with ``asyncio.timeout`` (a timer, no task) and is otherwise engine.io's own: the same
timeout, the same batching of whatever else is queued, the same ``QueueEmpty`` on a timeout,
a cancellation or the closing ``None``.
"""

from __future__ import annotations

import asyncio
from typing import Any

from engineio import exceptions
from engineio.async_socket import AsyncSocket

ENGINEIO_POLL = AsyncSocket.poll  # engine.io's own, kept for comparison in tests


async def poll(self: AsyncSocket) -> list[Any]:
    """Wait for packets to send to the client (engine.io's ``AsyncSocket.poll``)."""
    try:
        async with asyncio.timeout(self.server.ping_interval + self.server.ping_timeout):
            packets = [await self.queue.get()]
        self.queue.task_done()
    except (TimeoutError, asyncio.CancelledError):
        raise exceptions.QueueEmpty() from None
    if packets == [None]:
        return []
    while True:
        try:
            pkt = self.queue.get_nowait()
        except asyncio.QueueEmpty:
            break
        self.queue.task_done()
        if pkt is None:
            self.queue.put_nowait(None)
            break
        packets.append(pkt)
    return packets


def install() -> None:
    """Once per process; later calls do nothing."""
    AsyncSocket.poll = poll  # type: ignore[method-assign]

"""engine.io's pings on a timer, not a task per ping.

engine.io pings every open page every ``ping_interval`` (8 s in eQueue). When a page answers,
``AsyncSocket.schedule_ping`` starts a task that sleeps through the interval and then sends the
next ping: per page, a task, its context, two coroutines, a future and a timer alive all the
time, made anew every ping. With 5,400 pages open that is about ten objects a page among the
young ones every garbage collection walks (tests/bench, a faculty's day), and a task to create
and step 675 times a second.

Here the next ping is a timer (``loop.call_later``) that queues the ping packet for the
socket's writer, as engine.io's ``send`` does: the same interval, the same ``last_ping``, and
no ping for a socket that is closing or closed. The socket's queue is unbounded, so queuing
does not wait. If the timer cannot be set, engine.io's task pings; if the packet cannot be
queued, engine.io's ``send`` queues it in a task.
"""

from __future__ import annotations

import asyncio
import time

from engineio import packet
from engineio.async_socket import AsyncSocket

from equeue_ui.tuning.patch import Fallback, Patch

ENGINEIO_SCHEDULE_PING = AsyncSocket.schedule_ping  # engine.io's own
fallback = Fallback("ping_timers")


def schedule_ping(self: AsyncSocket) -> None:
    """Ping again after the interval, once the last ping has been answered (engine.io's
    ``AsyncSocket.schedule_ping``)."""
    if not self.last_ping:
        return  # only after the previous ping's wait cycle completed, as engine.io
    try:
        loop = asyncio.get_running_loop()
        interval = float(self.server.ping_interval)
    except Exception as error:
        fallback.note(error)
        ENGINEIO_SCHEDULE_PING(self)
        return
    self.last_ping = None
    loop.call_later(interval, _ping, self)


def _ping(socket: AsyncSocket) -> None:
    """engine.io's ``_send_ping`` after its sleep."""
    if socket.closing or socket.closed:
        return
    socket.last_ping = time.time()
    ping = packet.Packet(packet.PING)
    try:
        socket.queue.put_nowait(ping)
    except Exception as error:
        fallback.note(error)
        socket.server.start_background_task(socket.send, ping)
        return
    socket.server.logger.info("%s: Sending packet PING data None", socket.sid)


def install() -> None:
    AsyncSocket.schedule_ping = schedule_ping  # type: ignore[method-assign]


def uninstall() -> None:
    AsyncSocket.schedule_ping = ENGINEIO_SCHEDULE_PING  # type: ignore[method-assign]


def installed() -> bool:
    return AsyncSocket.schedule_ping is schedule_ping  # type: ignore[comparison-overlap]


PATCH = Patch(
    name="ping_timers",
    speeds_up="every open page, every ping: a timer instead of a task, its context, two "
    "coroutines and a future (about ten objects a page fewer for every garbage collection "
    "to walk; 675 tasks a second fewer with 5,400 pages)",
    verified={"python-engineio": "4.15.1"},
    relies_on=(
        "engineio.async_socket.AsyncSocket.schedule_ping and _send_ping (their bodies: "
        "last_ping cleared when scheduled, set when the ping is queued; no ping once closing "
        "or closed)",
        "AsyncSocket.send queuing on AsyncSocket.queue (an unbounded asyncio.Queue) after a "
        "ping-timeout check that a ping just sent always passes; server.ping_interval",
    ),
    install=install,
    uninstall=uninstall,
    installed=installed,
)

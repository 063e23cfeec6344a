"""Domain events across processes and machines over PostgreSQL ``LISTEN/NOTIFY``.

A unit of work sends its events with ``pg_notify`` inside its own transaction, so PostgreSQL
delivers them only if and when it commits. Every app process keeps one listener connection of
its own that hands other processes' events to its local bus; its own events were already
published locally right after commit, so it skips them. Notifications sent while a listener
is disconnected are lost: after each reconnect it calls ``on_reconnect`` (the live hub's
``resync_all``) so every view reloads.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, get_args

import asyncpg
from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncSession

from equeue_ui.events import DomainEvent, EventBus

log = logging.getLogger(__name__)

CHANNEL = "equeue_events"
# PostgreSQL refuses NOTIFY payloads of 8000 bytes or more; stay well below.
PAYLOAD_BUDGET = 7000
EVENT_TYPES: dict[str, type[Any]] = {cls.__name__: cls for cls in get_args(DomainEvent)}

HEALTH_INTERVAL = 2.0
MIN_BACKOFF = 0.2
MAX_BACKOFF = 5.0
CONNECT_TIMEOUT = 5.0


# --- the wire format ----------------------------------------------------------------------------


def encode(events: Sequence[Any], *, origin: str) -> list[str]:
    """JSON payloads carrying ``events`` in order, as few as fit under the size budget.

    Shape: ``{"origin": "…", "events": [{"type": "QueueChanged", "fields": {…}}, …]}``.
    """
    head = f'{{"origin":{json.dumps(origin)},"events":['
    tail = "]}"
    payloads: list[str] = []
    pieces: list[str] = []
    size = len(head) + len(tail)
    for event in events:
        piece = _encode_event(event)
        if piece is None:
            continue
        if pieces and size + len(piece) + 1 > PAYLOAD_BUDGET:
            payloads.append(head + ",".join(pieces) + tail)
            pieces, size = [], len(head) + len(tail)
        pieces.append(piece)
        size += len(piece) + 1
    if pieces:
        payloads.append(head + ",".join(pieces) + tail)
    return payloads


def decode(payload: str) -> tuple[str, list[Any]]:
    """The origin and the events of one payload; anything not understood is left out."""
    try:
        data = json.loads(payload)
        origin = data["origin"]
        items = data["events"]
        if not isinstance(origin, str) or not isinstance(items, list):
            raise TypeError("unexpected payload shape")
    except (ValueError, KeyError, TypeError):
        log.warning("ignoring a malformed event notification (%d bytes)", len(payload))
        return "", []
    events = [event for item in items if (event := _decode_event(item)) is not None]
    return origin, events


def _encode_event(event: Any) -> str | None:
    name = type(event).__name__
    if EVENT_TYPES.get(name) is not type(event):
        log.warning("not sending an event of unknown type %.50s to other processes", name)
        return None
    return json.dumps({"type": name, "fields": dataclasses.asdict(event)}, separators=(",", ":"))


def _decode_event(item: Any) -> Any | None:
    name = item.get("type") if isinstance(item, dict) else None
    cls = EVENT_TYPES.get(name) if isinstance(name, str) else None
    if cls is None:
        # Another process may run a newer version with events this one does not know.
        log.warning("ignoring an event of unknown type %.50r", name)
        return None
    try:
        return cls(**item["fields"])
    except (KeyError, TypeError):
        log.warning("ignoring an event %s with unexpected fields", name)
        return None


# --- sending ------------------------------------------------------------------------------------


async def notify_in_transaction(
    session: AsyncSession, events: Sequence[Any], *, origin: str
) -> None:
    """Send ``events`` to other processes when, and only if, this transaction commits."""
    for payload in encode(events, origin=origin):
        await session.execute(
            text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": payload}
        )


# --- receiving ----------------------------------------------------------------------------------


_LOST = object()  # put in the inbox when the current connection dies


class PgEventListener:
    """One dedicated connection per process that listens for other processes' events.

    It reconnects by itself, with a capped backoff, when the connection dies (noticed at once
    through asyncpg's termination callback, or by a cheap query after a quiet
    ``health_interval``), and then calls ``on_reconnect``.
    """

    def __init__(
        self,
        url: str | URL,
        bus: EventBus,
        *,
        origin: str,
        on_reconnect: Callable[[], Awaitable[None]] | None = None,
        health_interval: float = HEALTH_INTERVAL,
    ) -> None:
        sa_url = make_url(url)
        # A plain libpq-style DSN for asyncpg; the connection is ours, not the pool's.
        self._dsn = sa_url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._where = f"{sa_url.host or 'localhost'}:{sa_url.port or 5432}/{sa_url.database}"
        self._bus = bus
        self._origin = origin
        self._on_reconnect = on_reconnect
        self._health_interval = health_interval
        self._connection: asyncpg.Connection | None = None
        self._inbox: asyncio.Queue[object] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self.reconnects = 0  # observed by tests

    @property
    def connected(self) -> bool:
        return self._connection is not None and not self._connection.is_closed()

    @property
    def server_pid(self) -> int | None:
        """The backend process id of the listening connection, while there is one."""
        return self._connection.get_server_pid() if self._connection is not None else None

    async def start(self) -> None:
        """Listen now if the database answers; keep trying in the background otherwise."""
        if self._task is not None:
            return
        try:
            await self._connect()
        except Exception as error:  # any failure to connect is retried by the loop below
            log.warning("cannot listen for other processes' events yet: %s", error)
        # Not NiceGUI's background_tasks: this task is owned, awaited and ended by stop(), and
        # must outlive NiceGUI's own cancellation of background tasks at shutdown.
        self._task = asyncio.get_running_loop().create_task(self._run(), name="equeue-pg-listener")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.wait([task])  # unlike awaiting the task, keeps our own cancellation
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                await connection.close(timeout=2)
            except Exception:  # closing a broken connection may fail; drop it regardless
                connection.terminate()

    async def _run(self) -> None:
        while True:
            if self._connection is None:
                await self._reconnect()
            await self._serve()
            log.warning("lost the event connection to %s; reconnecting", self._where)
            self._drop()

    async def _reconnect(self) -> None:
        backoff = MIN_BACKOFF
        while True:
            try:
                await self._connect()
                break
            except Exception as error:  # server down, restarting, unreachable: all retried
                log.debug("reconnecting to %s failed: %s", self._where, error)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF)
        self.reconnects += 1
        if self._on_reconnect is not None:
            # Anything sent while disconnected is lost; LISTEN is already on, so nothing
            # newer than what the resync reads can be missed.
            try:
                await self._on_reconnect()
            except Exception:
                log.exception("resynchronising after a reconnect failed")

    async def _connect(self) -> None:
        connection: asyncpg.Connection = await asyncpg.connect(self._dsn, timeout=CONNECT_TIMEOUT)
        # Current before LISTEN, so the callbacks accept a notification that comes at once.
        self._connection = connection
        try:
            connection.add_termination_listener(self._on_terminated)
            await connection.add_listener(CHANNEL, self._on_notification)
        except BaseException:
            self._drop()
            raise
        log.info("listening for other processes' events on %s", self._where)

    async def _serve(self) -> None:
        """Deliver notifications in order until the connection is lost."""
        while True:
            try:
                async with asyncio.timeout(self._health_interval):
                    item = await self._inbox.get()
            except TimeoutError:
                if await self._healthy():
                    continue
                return
            if item is _LOST:
                return
            assert isinstance(item, str)
            origin, events = decode(item)
            if events and origin != self._origin:
                await self._bus.publish(events)

    async def _healthy(self) -> bool:
        connection = self._connection
        if connection is None or connection.is_closed():
            return False
        try:
            await connection.fetchval("SELECT 1", timeout=self._health_interval)
        except Exception:  # a silent network failure shows up only here
            return False
        return True

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.terminate()

    def _on_notification(self, connection: object, _pid: int, _channel: str, payload: str) -> None:
        if connection is self._connection:
            self._inbox.put_nowait(payload)

    def _on_terminated(self, connection: object) -> None:
        if connection is self._connection:
            self._inbox.put_nowait(_LOST)

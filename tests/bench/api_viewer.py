"""One simulated API client following the queue: ``GET /api/v1/queues/{id}/events`` with a
bearer token, read as Server-Sent Events (issue 21, point 4).

Like the page viewer (tests/bench/viewer.py) it is a plain :class:`asyncio.Protocol` with
HTTP/1.1 by hand: the response's chunked body is cut into chunks (the app sends one per event
or heartbeat) and only each event's ``id:`` line, the queue's version, is read. After a lost
connection it reconnects with ``Last-Event-ID``, as an EventSource does; a refusal (401, 403,
404) cannot be retried: the viewer is lost.
"""

from __future__ import annotations

import asyncio
import re
import time
from array import array
from typing import cast

from tests.bench.viewer import MAX_HEADER, ConnectFailed, Stranded

EVENT_ID = re.compile(rb"^id: (\d+)\n", re.MULTILINE)
REFUSED = {b"401", b"403", b"404"}


class ApiViewer:
    """Keeps the attributes the loader reads from a page viewer (tests/bench/loader.py)."""

    def __init__(self, index: int, host: str, port: int, path: str, token: str) -> None:
        self.index = index
        self.host, self.port, self.path = host, port, path
        self.token = token
        self.deflate_accepted = False
        self.version = -1
        self.seen_at = array("d")
        self.seen_version = array("q")
        self.connect_seconds: float | None = None
        self.connected_at: float | None = None
        self.page_loads = 0  # stream requests made
        self.events = 0
        self.event_bytes = 0
        self.disconnects = 0
        self.disconnected_at = array("d")
        self.failure = ""
        self.stream: StreamProtocol | None = None
        self.closed: asyncio.Future[None] | None = None

    @property
    def is_connected(self) -> bool:
        return self.stream is not None and self.stream.open

    async def connect(self, timeout: float) -> None:
        await asyncio.wait_for(self._open(), timeout)

    async def reconnect(self, timeout: float) -> None:
        try:
            await asyncio.wait_for(self._open(), timeout)
        except StreamRefused as error:
            raise Stranded(str(error)) from None

    async def _open(self) -> None:
        last = f"Last-Event-ID: {self.version}\r\n" if self.version >= 0 else ""
        request = (
            f"GET {self.path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Authorization: Bearer {self.token}\r\nAccept: text/event-stream\r\n{last}\r\n"
        ).encode()
        loop = asyncio.get_running_loop()
        ready: asyncio.Future[None] = loop.create_future()
        closed: asyncio.Future[None] = loop.create_future()
        try:
            _, protocol = await loop.create_connection(
                lambda: StreamProtocol(self, request, ready, closed), self.host, self.port
            )
        except OSError as error:
            raise ConnectFailed(f"stream: {error.strerror or error}") from None
        try:
            await ready
        except BaseException:
            protocol.close()
            raise
        self.page_loads += 1
        self.stream, self.closed = protocol, closed
        self.connected_at = time.time()

    def close(self) -> None:
        if self.stream is not None:
            self.stream.close()

    def send_ack(self) -> None:
        """Nothing to acknowledge on a stream (the page viewer's ack)."""

    def on_event(self, payload: bytes, at: float) -> None:
        found = EVENT_ID.search(payload)
        if found is None:  # the stream's "retry:" advice
            return
        self.events += 1
        self.event_bytes += len(payload)
        version = int(found.group(1))
        if version > self.version:
            self.version = version
            self.seen_at.append(at)
            self.seen_version.append(version)


class StreamRefused(ConnectFailed):
    pass


class StreamProtocol(asyncio.Protocol):
    def __init__(
        self,
        viewer: ApiViewer,
        request: bytes,
        ready: asyncio.Future[None],
        closed: asyncio.Future[None],
    ) -> None:
        self.viewer = viewer
        self.request = request
        self.ready = ready
        self.closed = closed
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.open = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports (the loader's loop) are not asyncio.Transport subclasses.
        self.transport = cast(asyncio.Transport, transport)
        self.transport.write(self.request)

    def connection_lost(self, exc: Exception | None) -> None:
        self.open = False
        if not self.ready.done():
            self.ready.set_exception(ConnectFailed("stream: connection lost"))
        if not self.closed.done():
            self.closed.set_result(None)

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if not self.open:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > MAX_HEADER:
                    self._fail(ConnectFailed("stream: header too long"))
                return
            status = bytes(self.buffer[9:12])
            if status != b"200":
                error = StreamRefused if status in REFUSED else ConnectFailed
                self._fail(error(f"stream: HTTP {status.decode(errors='replace')}"))
                return
            del self.buffer[: end + 4]
            self.open = True
            self.ready.set_result(None)
        self._read_chunks()

    def _read_chunks(self) -> None:
        at = time.time()
        while True:
            line_end = self.buffer.find(b"\r\n")
            if line_end < 0:
                return
            size = int(bytes(self.buffer[:line_end]).split(b";")[0], 16)
            if size == 0:
                self.close()
                return
            start = line_end + 2
            if len(self.buffer) < start + size + 2:
                return
            payload = bytes(self.buffer[start : start + size])
            del self.buffer[: start + size + 2]
            if not payload.startswith(b":"):
                self.viewer.on_event(payload, at)

    def _fail(self, error: ConnectFailed) -> None:
        if not self.ready.done():
            self.ready.set_exception(error)
        self.close()

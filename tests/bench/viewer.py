"""One simulated browser tab on the queue page: a page load, then NiceGUI's socket.io connection.

The client is as small as the protocol allows, because one machine runs the app and a thousand
of these: HTTP/1.1 by hand for the page, and the WebSocket, engine.io v4 and socket.io v5
framing parsed in ``data_received`` of a plain :class:`asyncio.Protocol` — no task and no
JSON parse per message, except for ``queue_snapshot`` events.

What it does, as ``nicegui.js`` does in a browser:
- GET the page with the session cookie; read ``client_id``, ``next_message_id`` and the
  version of the queue it was built with from it;
- open ``/_nicegui_ws/socket.io/?client_id=…&implicit_handshake=true&…&EIO=4&transport=websocket``
  (the implicit handshake happens in the namespace connect; ``44`` means it was refused);
- answer engine.io pings, keep ``nextMessageId`` from the ``_id`` of each event and send the
  ``ack`` event the page sends every 3 s;
- on a lost connection retry with socket.io's back-off (1 s doubling to 5 s, ±50 %), and
  reload the page when the handshake is refused (the server restarted and forgot the client);
  if that reload fails the browser shows an error page and stays there: the viewer is lost.
"""

from __future__ import annotations

import asyncio
import base64
import os
import random
import re
import time
import uuid
import zlib
from array import array
from typing import Any
from urllib.parse import urlencode

import orjson

CLIENT_ID = re.compile(rb"'client_id': '([0-9a-f-]+)'")
NEXT_MESSAGE_ID = re.compile(rb"'next_message_id': (\d+)")
SESSION_COOKIE = re.compile(rb"(?im)^set-cookie: (session=[^;\r\n]+)")
# The version the page was built with: the queue list's or the board's "initial" snapshot prop
# (JSON text inside the page's JSON, hence the escaped quotes).
INITIAL_VERSION = re.compile(rb'"initial":"\{\\"queue_id\\": \d+, \\"version\\": (\d+)')
SNAPSHOT_PREFIX = b'42["queue_snapshot",'
SOCKET_PATH = "/_nicegui_ws/socket.io/"
MAX_HEADER = 64 * 1024
MAX_PAGE = 4 * 1024 * 1024
# A zero masking key leaves the payload as it is; servers must accept any key.
ZERO_MASK = b"\0\0\0\0"
# What Chromium offers on every WebSocket (the server may accept it: RFC 7692).
DEFLATE_OFFER = "permessage-deflate; client_max_window_bits"
DEFLATE_ACCEPTED = re.compile(rb"(?im)^sec-websocket-extensions:\s*permessage-deflate([^\r\n]*)")
DEFLATE_TAIL = b"\x00\x00\xff\xff"  # RFC 7692 7.2.1: dropped by the sender, put back to inflate


class ConnectFailed(Exception):
    """The page or the socket could not be opened; the message says which and why."""


class HandshakeRefused(ConnectFailed):
    """The server does not know the client id (it restarted): reload the page."""


class Stranded(ConnectFailed):
    """The reload after a refused handshake failed: a browser now shows an error page and
    stays there until its user reloads by hand."""


def client_frame(payload: bytes, opcode: int = 0x1, compressed: bool = False) -> bytes:
    """A masked WebSocket frame from the client (the mask is all zeros); ``compressed`` sets
    RSV1, which marks a permessage-deflate message."""
    first = 0x80 | opcode | (0x40 if compressed else 0)
    size = len(payload)
    if size < 126:
        header = bytes((first, 0x80 | size))
    elif size < 65536:
        header = bytes((first, 0xFE)) + size.to_bytes(2, "big")
    else:
        header = bytes((first, 0xFF)) + size.to_bytes(8, "big")
    return header + ZERO_MASK + payload


PONG = client_frame(b"3")
NAMESPACE_CONNECT = client_frame(b"40")


class Viewer:
    """A browser tab showing the queue; ``seen_at``/``seen_version`` record each newer version."""

    def __init__(
        self, index: int, host: str, port: int, path: str, cookie: str, deflate: bool = False
    ) -> None:
        self.index = index
        self.host, self.port, self.path = host, port, path
        self.cookie = cookie  # the app's session cookie, as "name=value"
        self.deflate = deflate  # offer permessage-deflate, as browsers do
        self.deflate_accepted = False
        self.storage_cookie = ""  # NiceGUI's browser-storage cookie, set by the first page
        self.tab_id = str(uuid.uuid4())
        self.client_id = ""
        self.document_id = ""
        self.next_message_id = 0
        self.acked_message_id = -1
        self.version = -1
        self.seen_at = array("d")
        self.seen_version = array("q")
        self.connect_seconds: float | None = None  # first page load + socket, in seconds
        self.page_seconds: float | None = None  # of which the first page load (its HTML)
        self.connected_at: float | None = None  # the latest successful (re)connect
        self.page_loads = 0
        self.events = 0  # socket.io events received (snapshots included)
        self.event_bytes = 0
        self.disconnects = 0
        self.disconnected_at = array("d")
        self.failure = ""
        self.socket: SocketProtocol | None = None
        self.closed: asyncio.Future[None] | None = None

    @property
    def is_connected(self) -> bool:
        return self.socket is not None and self.socket.open

    # --- connecting ---------------------------------------------------------------------------

    async def connect(self, timeout: float) -> None:
        """Load the page and open its socket; raises ConnectFailed."""
        started = time.time()
        await asyncio.wait_for(self._load_page(), timeout)
        if self.page_seconds is None:
            self.page_seconds = time.time() - started
        await asyncio.wait_for(self._open_socket(), timeout)

    async def reconnect(self, timeout: float) -> None:
        """Reopen the socket of the same client, or reload the page if the server refuses it
        (raises Stranded if that reload fails: the browser would show the error page)."""
        try:
            await asyncio.wait_for(self._open_socket(), timeout)
        except HandshakeRefused:
            try:
                await self.connect(timeout)
            except (ConnectFailed, TimeoutError) as error:
                raise Stranded(f"reload failed: {str(error) or 'timed out'}") from None

    async def _load_page(self) -> None:
        cookies = "; ".join(c for c in (self.cookie, self.storage_cookie) if c)
        request = (
            f"GET {self.path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Cookie: {cookies}\r\nAccept: text/html\r\nConnection: close\r\n\r\n"
        ).encode()
        try:
            reader, writer = await asyncio.open_connection(self.host, self.port)
        except OSError as error:
            raise ConnectFailed(f"page: {error.strerror or error}") from None
        try:
            writer.write(request)
            response = await reader.read(MAX_PAGE)
            while chunk := await reader.read(MAX_PAGE):
                response += chunk
        except OSError as error:
            raise ConnectFailed(f"page: {error.strerror or error}") from None
        finally:
            writer.close()
        status = response[9:12]
        if status != b"200":
            raise ConnectFailed(f"page: HTTP {status.decode(errors='replace') or 'no answer'}")
        found = CLIENT_ID.search(response)
        if found is None:
            raise ConnectFailed("page: no NiceGUI client id in the HTML")
        self.page_loads += 1
        self.client_id = found.group(1).decode()
        next_id = NEXT_MESSAGE_ID.search(response)
        self.next_message_id = int(next_id.group(1)) if next_id else 0
        self.acked_message_id = -1
        if initial := INITIAL_VERSION.search(response):
            # What the page shows from the start; the socket sends only newer versions.
            self.version = max(self.version, int(initial.group(1)))
        self.document_id = str(uuid.uuid4())  # a new document per page load, as in the browser
        if cookie := SESSION_COOKIE.search(response[: response.find(b"\r\n\r\n")]):
            self.storage_cookie = cookie.group(1).decode()

    async def _open_socket(self) -> None:
        query = urlencode(
            {
                "client_id": self.client_id,
                "next_message_id": self.next_message_id,
                "implicit_handshake": "true",
                "document_id": self.document_id,
                "tab_id": self.tab_id,
                "old_tab_id": "null",
                "EIO": "4",
                "transport": "websocket",
            }
        )
        cookies = "; ".join(c for c in (self.cookie, self.storage_cookie) if c)
        key = base64.b64encode(os.urandom(16)).decode()
        request = (
            f"GET {SOCKET_PATH}?{query} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            f"Sec-WebSocket-Version: 13\r\nOrigin: http://{self.host}:{self.port}\r\n"
            + (f"Sec-WebSocket-Extensions: {DEFLATE_OFFER}\r\n" if self.deflate else "")
            + f"Cookie: {cookies}\r\n\r\n"
        ).encode()
        loop = asyncio.get_running_loop()
        ready: asyncio.Future[None] = loop.create_future()
        closed: asyncio.Future[None] = loop.create_future()
        try:
            _, protocol = await loop.create_connection(
                lambda: SocketProtocol(self, request, ready, closed), self.host, self.port
            )
        except OSError as error:
            raise ConnectFailed(f"socket: {error.strerror or error}") from None
        try:
            await ready
        except BaseException:
            protocol.close()
            raise
        self.socket, self.closed = protocol, closed
        self.connected_at = time.time()

    def close(self) -> None:
        if self.socket is not None:
            self.socket.close()

    # --- what the page does while open ----------------------------------------------------------

    def on_message_id(self, message_id: int) -> bool:
        """The page drops messages it has seen (replayed after a reconnect)."""
        if message_id < self.next_message_id:
            return False
        self.next_message_id = message_id + 1
        return True

    def on_snapshot(self, version: int, at: float) -> None:
        if version > self.version:
            self.version = version
            self.seen_at.append(at)
            self.seen_version.append(version)

    def send_ack(self) -> None:
        """``ack()`` of nicegui.js (every 3 s): lets the server prune its message history."""
        socket = self.socket
        if socket is None or not socket.open or self.acked_message_id >= self.next_message_id:
            return
        socket.send_event(
            b'["ack",{"client_id":"%s","next_message_id":%d}]'
            % (self.client_id.encode(), self.next_message_id)
        )
        self.acked_message_id = self.next_message_id


def backoff(attempt: int) -> float:
    """socket.io-client's reconnection delay: 1 s doubling up to 5 s, randomised by ±50 %."""
    base = min(1.0 * 2**attempt, 5.0)
    return base * random.uniform(0.5, 1.5)


class SocketProtocol(asyncio.Protocol):
    """WebSocket + engine.io + socket.io for one viewer, parsed as bytes arrive."""

    def __init__(
        self,
        viewer: Viewer,
        request: bytes,
        ready: asyncio.Future[None],
        closed: asyncio.Future[None],
    ) -> None:
        self.viewer = viewer
        self.request = request
        self.ready, self.closed = ready, closed
        self.transport: Any = None  # asyncio's or uvloop's transport
        self.buffer = bytearray()
        self.fragments: list[bytes] = []
        self.fragments_compressed = False
        self.upgraded = False
        self.open = False
        # permessage-deflate, when the server accepted it: each side keeps its zlib stream
        # from message to message (context takeover), as Chromium does.
        self.deflater: Any = None
        self.inflater: Any = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        self.transport.write(self.request)

    def connection_lost(self, exc: Exception | None) -> None:
        self.open = False
        self._fail("socket: closed before the handshake")
        if not self.closed.done():
            self.closed.set_result(None)

    def close(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            if self.upgraded:
                self.transport.write(client_frame(b"\x03\xe8", 0x8))  # close, 1000
            self.transport.close()

    def send_event(self, body: bytes) -> None:
        self.send_text(b"42" + body)

    def send_text(self, payload: bytes, plain_frame: bytes | None = None) -> None:
        """One text message; ``plain_frame`` is its frame prepared without compression."""
        if self.transport is None or self.transport.is_closing():
            return
        if self.deflater is None:
            self.transport.write(plain_frame or client_frame(payload))
            return
        packed = self.deflater.compress(payload) + self.deflater.flush(zlib.Z_SYNC_FLUSH)
        self.transport.write(client_frame(packed[: -len(DEFLATE_TAIL)], compressed=True))

    def _accept_extensions(self, headers: bytes) -> None:
        accepted = DEFLATE_ACCEPTED.search(headers)
        if accepted is None:
            return
        self.viewer.deflate_accepted = True
        params = accepted.group(1)
        bits = re.search(rb"server_max_window_bits=(\d+)", params)
        self.inflater = zlib.decompressobj(-int(bits.group(1)) if bits else -15)
        bits = re.search(rb"client_max_window_bits=(\d+)", params)
        self.deflater = zlib.compressobj(
            zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -int(bits.group(1)) if bits else -15
        )

    def _fail(self, reason: str, error: type[ConnectFailed] = ConnectFailed) -> None:
        if not self.ready.done():
            self.ready.set_exception(error(reason))

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer
        buffer += data
        if not self.upgraded:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(buffer) > MAX_HEADER:
                    self._fail("socket: oversized upgrade answer")
                    self.close()
                return
            if buffer[9:12] != b"101":
                self._fail(f"socket: HTTP {bytes(buffer[9:12]).decode(errors='replace')}")
                self.close()
                return
            self._accept_extensions(bytes(buffer[:end]))
            del buffer[: end + 4]
            self.upgraded = True
        self._read_frames(buffer)

    def _read_frames(self, buffer: bytearray) -> None:
        while True:
            size = len(buffer)
            if size < 2:
                return
            length = buffer[1] & 0x7F
            start = 2
            if length == 126:
                if size < 4:
                    return
                length, start = int.from_bytes(buffer[2:4], "big"), 4
            elif length == 127:
                if size < 10:
                    return
                length, start = int.from_bytes(buffer[2:10], "big"), 10
            if buffer[1] & 0x80:  # servers do not mask; refuse rather than misread
                self._fail("socket: masked frame from the server")
                self.close()
                return
            end = start + length
            if size < end:
                return
            head = buffer[0]
            payload = bytes(buffer[start:end])
            del buffer[:end]
            self._on_frame(head & 0x0F, bool(head & 0x80), bool(head & 0x40), payload)

    def _on_frame(self, opcode: int, final: bool, compressed: bool, payload: bytes) -> None:
        if opcode in (0x0, 0x1, 0x2):
            if opcode != 0x0:  # the first frame of a message says whether it is compressed
                self.fragments_compressed = compressed
            if not final:
                self.fragments.append(payload)
                return
            if self.fragments:
                payload = b"".join([*self.fragments, payload])
                self.fragments.clear()
            if self.fragments_compressed:
                if self.inflater is None:
                    self._fail("socket: compressed frame without permessage-deflate")
                    self.close()
                    return
                payload = self.inflater.decompress(payload + DEFLATE_TAIL)
            self._on_packet(payload)
        elif opcode == 0x9:
            if self.transport is not None:
                self.transport.write(client_frame(payload, 0xA))
        elif opcode == 0x8:
            self.close()

    def _on_packet(self, packet: bytes) -> None:
        """One engine.io packet: 0 open, 1 close, 2 ping, 4 message (socket.io), 6 noop."""
        kind = packet[:1]
        if kind == b"4":
            self._on_socketio(packet)
        elif kind == b"2":
            self.send_text(b"3", PONG)
        elif kind == b"0":
            self.send_text(b"40", NAMESPACE_CONNECT)
        elif kind == b"1":
            self.close()

    def _on_socketio(self, packet: bytes) -> None:
        """socket.io: 40 connected, 41 disconnect, 42 event, 44 connect error."""
        kind = packet[1:2]
        if kind == b"2":
            self._on_event(packet)
        elif kind == b"0":
            self.open = True
            if not self.ready.done():
                self.ready.set_result(None)
        elif kind == b"4":
            self._fail("socket: handshake refused", HandshakeRefused)
            self.close()
        elif kind == b"1":
            self.close()

    def _on_event(self, packet: bytes) -> None:
        now = time.time()
        viewer = self.viewer
        viewer.events += 1
        viewer.event_bytes += len(packet)
        marker = packet.rfind(b'"_id":', max(0, len(packet) - 48))
        if marker >= 0:
            digits = packet[marker + 6 : packet.find(b"}", marker)]
            if digits.isdigit() and not viewer.on_message_id(int(digits)):
                return
        if packet.startswith(SNAPSHOT_PREFIX):
            data = orjson.loads(packet[2:])[1]
            viewer.on_snapshot(int(data["version"]), now)

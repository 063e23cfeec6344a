"""Static files go out brotli-compressed to browsers that accept it; everything else as before.

``ui.run`` wraps the app in Starlette's GZipMiddleware (level 9, compressing again on every
request); eQueue hands it this middleware instead, through its public
``gzip_middleware_factory`` (equeue_ui/app.py). NiceGUI's versioned files and the app's
``/assets/`` never change under their address, so a browser that accepts ``br`` gets them at
brotli's quality 11: all of NiceGUI's files are 242 KB instead of 285 KB gzipped, and bytes are
what a phone's first load waits for on a weak signal (tests/bench/weak_phone.py).

Quality 11 costs about a second of CPU for Quasar's 490 KB script, so each file is compressed
once per process, in a worker thread, and requests get gzip until that is done. Pages, the API
(its event stream above all), HEAD, range requests and 304s go through Starlette's
GZipMiddleware exactly as before, and so does any request on which this code fails (logged
once).
"""

from __future__ import annotations

import hashlib
import logging
import queue
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Literal

import brotli
from nicegui import __version__ as nicegui_version
from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

# Addresses whose content never changes: NiceGUI's carry its version (all but its
# dynamic_resources, made anew per call), the app's /assets/ a digest of the file.
STATIC_PREFIXES = (
    *(
        f"/_nicegui/{nicegui_version}/{kind}/"
        for kind in ("static", "components", "libraries", "resources", "esm")
    ),
    "/assets/",
)
# Text compresses; fonts and pictures are compressed already.
COMPRESSIBLE_TYPES = frozenset(
    ("application/javascript", "application/json", "application/xml", "image/svg+xml")
)
MINIMUM_SIZE = 500  # as Starlette's GZip: smaller bodies go out as they are
MAXIMUM_SIZE = 2 * 1024 * 1024  # bigger ones get gzip: quality 11 would take seconds of CPU
CACHE_BYTES = 16 * 1024 * 1024
CACHE_ENTRIES = 512

State = Literal["start", "pass", "record", "hit", "buffer", "done"]
Key = tuple[str, str]  # the path, and what names its content (etag and length, or a digest)
Compress = Callable[[bytes], bytes]


def compress_brotli(body: bytes) -> bytes:
    return bytes(brotli.compress(body, quality=11))


class StaticBrotli:
    """Starlette's GZipMiddleware, with brotli for static files to browsers that accept it."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        compress: Compress = compress_brotli,
        cache_bytes: int = CACHE_BYTES,
        cache_entries: int = CACHE_ENTRIES,
    ) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app)  # what ui.run adds by default, with its defaults
        self.failures = Failures()
        self.cache = BrotliCache(
            compress, failures=self.failures, max_bytes=cache_bytes, max_entries=cache_entries
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # WebSockets, lifespan
            await self.app(scope, receive, send)
            return
        try:
            wanted = wants_brotli(scope)
        except Exception as error:
            self.failures.note(error)
            wanted = False
        if not wanted:
            await self.gzip(scope, receive, send)
            return
        # Inside gzip, which passes a brotli body on untouched (it has a Content-Encoding) and
        # compresses the app's own response as it always did.
        tap = _Tap(self.app, self.cache, self.failures, scope["path"])
        await GZipMiddleware(tap)(scope, receive, send)


def wants_brotli(scope: Scope) -> bool:
    """A whole static file, asked for by a browser that takes brotli."""
    if scope["method"] != "GET" or not scope["path"].startswith(STATIC_PREFIXES):
        return False
    headers = Headers(scope=scope)
    return "range" not in headers and accepts_brotli(headers.get("accept-encoding", ""))


def accepts_brotli(accept_encoding: str) -> bool:
    for item in accept_encoding.split(","):
        coding, *parameters = (part.strip() for part in item.split(";"))
        if coding.lower() != "br":
            continue
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    return float(value) > 0
                except ValueError:
                    return False
        return True
    return False


def compressible(headers: Headers) -> bool:
    media_type = headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type == "text/event-stream":  # a stream must not wait for a compressor
        return False
    return (
        media_type.startswith("text/")
        or media_type in COMPRESSIBLE_TYPES
        or media_type.endswith(("+json", "+xml"))
    )


class Failures:
    """Counts the requests on which this module failed and gzip served them; logs the first."""

    def __init__(self) -> None:
        self.count = 0

    def note(self, error: BaseException) -> None:
        self.count += 1
        if self.count == 1:
            log.warning(
                "brotli for static files failed (%s: %s); gzip served the request, and will "
                "whenever it fails again (logged once)",
                type(error).__name__,
                error,
                exc_info=error,
            )


class BrotliCache:
    """Brotli bodies by path and content, made by one worker thread; the least used go first.

    The worker is a daemon thread: a compression under way when the server stops is dropped
    rather than holding up the exit."""

    def __init__(
        self, compress: Compress, *, failures: Failures, max_bytes: int, max_entries: int
    ) -> None:
        self._compress = compress
        self._failures = failures
        self._max_bytes = max_bytes
        self._max_entries = max_entries
        self._lock = threading.Lock()
        # None: not worth it (brotli no smaller, or it failed): gzip serves that file.
        self._bodies: OrderedDict[Key, bytes | None] = OrderedDict()
        self._bytes = 0
        self._queued: set[Key] = set()
        self._jobs: queue.SimpleQueue[tuple[Key, bytes]] = queue.SimpleQueue()
        self._worker: threading.Thread | None = None

    def __len__(self) -> int:
        with self._lock:
            return len(self._bodies)

    def get(self, key: Key) -> bytes | None:
        with self._lock:
            body = self._bodies.get(key)
            if body is not None:
                self._bodies.move_to_end(key)
            return body

    def wanted(self, key: Key) -> bool:
        """Neither compressed nor under way."""
        with self._lock:
            return key not in self._bodies and key not in self._queued

    def request(self, key: Key, body: bytes) -> None:
        """Have ``body`` compressed for ``key`` in the worker thread, unless it is already."""
        with self._lock:
            if key in self._bodies or key in self._queued:
                return
            self._queued.add(key)
            self._jobs.put((key, body))
            if self._worker is None:
                self._worker = threading.Thread(
                    target=self._work, name="brotli static files", daemon=True
                )
                self._worker.start()

    def _work(self) -> None:
        while True:
            key, body = self._jobs.get()
            compressed: bytes | None
            try:
                compressed = self._compress(body)
            except Exception as error:
                self._failures.note(error)
                compressed = None
            if compressed is not None and len(compressed) >= len(body):
                compressed = None
            with self._lock:
                self._queued.discard(key)
                self._store(key, compressed)

    def _store(self, key: Key, body: bytes | None) -> None:
        self._bodies[key] = body
        self._bytes += len(body or b"")
        while self._bodies and (
            self._bytes > self._max_bytes or len(self._bodies) > self._max_entries
        ):
            _, dropped = self._bodies.popitem(last=False)
            self._bytes -= len(dropped or b"")


class _Tap:
    """One static file's response on its way from the app to gzip: sent on as it is (with a
    copy of its body kept to compress), or swapped for the brotli body once there is one.

    The app's messages are held back only while brotli may replace them, or while the choice
    needs the whole body (a response without an etag is named by a digest of its body); when
    brotli does not come of it, or anything here fails, the held messages go on to gzip as
    the app sent them."""

    def __init__(self, app: ASGIApp, cache: BrotliCache, failures: Failures, path: str) -> None:
        self.app = app
        self.cache = cache
        self.failures = failures
        self.path = path
        self.send: Send | None = None
        # start → pass (not ours) | record (gzip now, compress later) | hit (brotli, held until
        # the app is done) | buffer (held until the body names it) → done (brotli was sent)
        self.state: State = "start"
        self.key: Key | None = None
        self.brotli: bytes | None = None
        self.start: Message = {}
        self.held: list[Message] = []  # body messages, hit or buffer
        self.chunks: list[bytes] = []  # the body sent on, record
        self.size = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.send = send
        await self.app(scope, receive, self.tapped)

    async def tapped(self, message: Message) -> None:
        assert self.send is not None
        if self.state == "pass":
            await self.send(message)
            return
        if self.state == "done":  # the app's copy of a body already sent as brotli
            return
        held = len(self.held)
        try:
            onward = self._take(message)
        except Exception as error:
            self.failures.note(error)
            del self.held[held:]  # this message goes on after those held before it
            onward = self._give_up(message)
        for each in onward:
            await self.send(each)

    def _take(self, message: Message) -> list[Message]:
        """What to send on, now that the app sent ``message``."""
        kind = message["type"]
        if self.state == "start":
            return self._on_start(message) if kind == "http.response.start" else [message]
        if kind not in ("http.response.body", "http.response.pathsend"):
            return self._give_up(message)
        file = kind == "http.response.pathsend"  # the server sends the file itself
        body: bytes = message.get("body", b"")
        final = file or not message.get("more_body", False)
        self.size += len(body)
        too_big = self.size > MAXIMUM_SIZE  # longer than it said, or than we compress
        if self.state == "record":
            if file or too_big:
                self.state = "pass"
            else:
                self.chunks.append(body)  # gzip will replace the message's body
                if final:
                    assert self.key is not None
                    self.cache.request(self.key, b"".join(self.chunks))
                    self.state = "pass"
            return [message]
        if too_big or (file and self.state == "buffer"):
            return self._give_up(message)
        self.held.append(message)
        if not final:
            return []
        if self.state == "hit":
            return self._send_brotli()
        whole = b"".join(each.get("body", b"") for each in self.held)
        if len(whole) >= MINIMUM_SIZE:
            self.key = (self.path, "sha256:" + hashlib.sha256(whole).hexdigest())
            self.brotli = self.cache.get(self.key)
            if self.brotli is not None:
                return self._send_brotli()
            self.cache.request(self.key, whole)
        return self._give_up(None)

    def _on_start(self, start: Message) -> list[Message]:
        headers = Headers(raw=start.get("headers", []))
        length = headers.get("content-length")
        if (
            start["status"] != 200
            or start.get("trailers", False)
            or "content-encoding" in headers
            or not compressible(headers)
            or (length is not None and not MINIMUM_SIZE <= int(length) <= MAXIMUM_SIZE)
        ):
            self.state = "pass"
            return [start]
        self.start = start
        etag = headers.get("etag")
        if etag is None or length is None:
            self.state = "buffer"
            return []
        self.key = (self.path, f"{etag} {length}")
        self.brotli = self.cache.get(self.key)
        if self.brotli is not None:
            self.state = "hit"
            return []
        self.state = "record" if self.cache.wanted(self.key) else "pass"
        return [start]

    def _send_brotli(self) -> list[Message]:
        assert self.brotli is not None
        headers = MutableHeaders(raw=list(self.start.get("headers", [])))
        headers["content-encoding"] = "br"
        headers["content-length"] = str(len(self.brotli))
        headers.add_vary_header("Accept-Encoding")
        self.state = "done"
        return [
            {**self.start, "headers": headers.raw},
            {"type": "http.response.body", "body": self.brotli},
        ]

    def _give_up(self, message: Message | None) -> list[Message]:
        """What was held back, as the app sent it, then ``message``; the rest passes."""
        onward = [self.start, *self.held] if self.state in ("hit", "buffer") else []
        self.state = "pass"
        return onward if message is None else [*onward, message]

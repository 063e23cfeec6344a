"""A load process: many viewers on one event loop, driven by commands over a pipe.

The process first says ``("ready",)``. Commands (tuples from the main process) and answers:
- ``("connect",)`` → ``("connected", finished_at)`` once every viewer connected or failed;
- ``("restart", at)``: disconnects from now on are expected (the app restarts);
- ``("status", version)`` → ``("status", current, alive)``: connected viewers that show
  ``version`` or newer (the first change after the restart), and viewers not given up;
- ``("finish", version, grace)`` → ``("results", LoaderResults)`` once every live viewer shows
  ``version`` (or after ``grace`` seconds); then the viewers close and the process ends.
Every wait is bounded; the process also ends when the pipe closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from array import array
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from tests.bench.api_viewer import ApiViewer
from tests.bench.viewer import ConnectFailed, Stranded, Viewer, backoff

ACK_INTERVAL = 3.0  # nicegui.js sends "ack" every 3 s
ACK_SLICES = 12
LAG_INTERVAL = 0.05
LAG_RECORDED_ABOVE = 0.002
RECONNECT_GIVE_UP = 60.0  # a viewer stops retrying this long after losing its connection


@dataclass(frozen=True)
class LoaderConfig:
    loader: int
    host: str
    path: str
    cookie: str
    viewers: list[tuple[int, int]]  # (viewer index, app port)
    connect_concurrency: int
    connect_timeout: float
    deflate: bool = False  # viewers offer permessage-deflate, as browsers do
    kind: str = "page"  # "api": API clients on the event stream (tests/bench/api_viewer.py)
    token: str = ""  # the API viewers' bearer token


@dataclass
class ViewerResult:
    index: int
    port: int
    connect_seconds: float | None
    connected_at: float | None
    failure: str
    unexpected_disconnects: int
    disconnects: int
    disconnected_at: array[float]
    page_loads: int
    events: int
    event_bytes: int
    deflate_accepted: bool
    version: int
    seen_at: array[float]
    seen_version: array[int]


@dataclass
class LoaderResults:
    loader: int
    viewers: list[ViewerResult]
    lag_at: array[float] = field(default_factory=lambda: array("d"))
    lag_seconds: array[float] = field(default_factory=lambda: array("d"))
    cpu_seconds: float = 0.0


def loader_main(conn: Connection, config: LoaderConfig) -> None:
    try:
        import uvloop

        uvloop.install()
    except ImportError:  # plain asyncio works too, only slower
        pass
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(Loader(conn, config).run())


class Loader:
    def __init__(self, conn: Connection, config: LoaderConfig) -> None:
        self.conn = conn
        self.config = config
        self.viewers: list[Viewer | ApiViewer] = [
            ApiViewer(index, config.host, port, config.path, config.token)
            if config.kind == "api"
            else Viewer(index, config.host, port, config.path, config.cookie, config.deflate)
            for index, port in config.viewers
        ]
        self.unexpected: dict[int, int] = {}
        self.restart_at: float | None = None
        self.stopping = False
        self.commands: asyncio.Queue[tuple[Any, ...]] = asyncio.Queue()
        self.lag_at = array("d")
        self.lag_seconds = array("d")

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        # A blocking reader thread: the event loop would make the pipe non-blocking and break
        # sending large messages on it.
        threading.Thread(target=self._read_commands, args=(loop,), daemon=True).start()
        background = [
            asyncio.create_task(self._acks()),
            asyncio.create_task(self._lag_monitor()),
        ]
        lives: list[asyncio.Task[None]] = []
        self._send(("ready",))
        try:
            while True:
                command = await self.commands.get()
                name = command[0]
                if name == "connect":
                    lives = await self._connect_all()
                elif name == "restart":
                    self.restart_at = float(command[1])
                elif name == "status":
                    alive = sum(1 for viewer in self.viewers if not viewer.failure)
                    self._send(("status", self._current(int(command[1])), alive))
                elif name == "finish":
                    await self._settle(int(command[1]), float(command[2]))
                    self._send(("results", self._results()))
                    return
                elif name == "stop":
                    return
        finally:
            self.stopping = True
            for viewer in self.viewers:
                viewer.close()
            for task in [*background, *lives]:
                task.cancel()
            await asyncio.gather(*background, *lives, return_exceptions=True)

    def _read_commands(self, loop: asyncio.AbstractEventLoop) -> None:
        while True:
            try:
                command = self.conn.recv()
            except (EOFError, OSError):
                command = ("stop",)
            with contextlib.suppress(RuntimeError):  # the loop has ended already
                loop.call_soon_threadsafe(self.commands.put_nowait, command)
            if command[0] in ("stop", "finish"):
                return

    def _send(self, message: tuple[Any, ...]) -> None:
        self.conn.send(message)

    # --- viewers ------------------------------------------------------------------------------

    async def _connect_all(self) -> list[asyncio.Task[None]]:
        semaphore = asyncio.Semaphore(self.config.connect_concurrency)
        first: list[asyncio.Future[None]] = []
        lives = []
        for viewer in self.viewers:
            done = asyncio.get_running_loop().create_future()
            first.append(done)
            lives.append(asyncio.create_task(self._live(viewer, semaphore, done)))
        await asyncio.gather(*first)
        self._send(("connected", time.time()))
        return lives

    async def _live(
        self, viewer: Viewer | ApiViewer, semaphore: asyncio.Semaphore, first: asyncio.Future[None]
    ) -> None:
        """Connect once, then stay connected as the browser page does, until told to stop."""
        timeout = self.config.connect_timeout
        try:
            async with semaphore:
                started = time.time()
                try:
                    await viewer.connect(timeout)
                except (ConnectFailed, TimeoutError) as error:
                    viewer.failure = f"connect: {str(error) or 'timed out'}"
                    return
                viewer.connect_seconds = time.time() - started
        finally:
            first.set_result(None)
        while not self.stopping and viewer.closed is not None:
            await asyncio.shield(viewer.closed)
            if self.stopping:
                return
            viewer.disconnects += 1
            viewer.disconnected_at.append(time.time())
            if self.restart_at is None:
                self.unexpected[viewer.index] = self.unexpected.get(viewer.index, 0) + 1
            if not await self._reconnect(viewer, timeout):
                return

    async def _reconnect(self, viewer: Viewer | ApiViewer, timeout: float) -> bool:
        give_up = time.monotonic() + RECONNECT_GIVE_UP
        attempt = 0
        while not self.stopping and time.monotonic() < give_up:
            await asyncio.sleep(backoff(attempt))
            attempt += 1
            try:
                await viewer.reconnect(timeout)
            except Stranded as error:
                viewer.failure = str(error)
                return False
            except (ConnectFailed, TimeoutError):
                continue
            return True
        viewer.failure = viewer.failure or "reconnect: gave up"
        return False

    async def _acks(self) -> None:
        tick = 0
        while True:
            await asyncio.sleep(ACK_INTERVAL / ACK_SLICES)
            for viewer in self.viewers[tick % ACK_SLICES :: ACK_SLICES]:
                viewer.send_ack()
            tick += 1

    async def _lag_monitor(self) -> None:
        """How late this loop wakes up: receive times are only as exact as the loop is idle."""
        loop = asyncio.get_running_loop()
        while True:
            planned = loop.time() + LAG_INTERVAL
            await asyncio.sleep(LAG_INTERVAL)
            late = loop.time() - planned
            if late > LAG_RECORDED_ABOVE:
                self.lag_at.append(time.time())
                self.lag_seconds.append(late)

    # --- finishing ----------------------------------------------------------------------------

    def _current(self, version: int) -> int:
        return sum(1 for v in self.viewers if v.is_connected and v.version >= version)

    async def _settle(self, version: int, grace: float) -> None:
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            waiting = [v for v in self.viewers if not v.failure and v.version < version]
            if not waiting:
                return
            await asyncio.sleep(0.1)

    def _results(self) -> LoaderResults:
        return LoaderResults(
            loader=self.config.loader,
            viewers=[
                ViewerResult(
                    index=v.index,
                    port=v.port,
                    connect_seconds=v.connect_seconds,
                    connected_at=v.connected_at,
                    failure=v.failure,
                    unexpected_disconnects=self.unexpected.get(v.index, 0),
                    disconnects=v.disconnects,
                    disconnected_at=v.disconnected_at,
                    page_loads=v.page_loads,
                    events=v.events,
                    event_bytes=v.event_bytes,
                    deflate_accepted=v.deflate_accepted,
                    version=v.version,
                    seen_at=v.seen_at,
                    seen_version=v.seen_version,
                )
                for v in self.viewers
            ],
            lag_at=self.lag_at,
            lag_seconds=self.lag_seconds,
            cpu_seconds=time.process_time(),
        )

"""A load process: many viewers on one event loop, driven by commands over a pipe.

The process first says ``("ready",)``. Commands (tuples from the main process) and answers:
- ``("connect",)`` → ``("connected", finished_at)`` once every viewer of the next wave
  connected or failed (each wave is a fresh set of tabs for the same seats);
- ``("arrivals", rate, seed)``: from now on ``rate`` page loads per second on average, at
  random moments: a new student's tab opens on a random queue and a random open one closes,
  so the count stays level;
- ``("restart", at)``: disconnects from now on are expected (the app restarts);
- ``("status", version)`` → ``("status", current, alive)``: connected viewers that show
  ``version`` or newer (the first change after the restart), and viewers not given up;
- ``("leave", finals, grace)`` → ``("left", at)``: arrivals stop, every open tab waits up to
  ``grace`` s for its queue's final version (``finals``: queue number → version), then closes;
- ``("finish", finals, grace)`` → ``("results", LoaderResults)`` after the same wait; then the
  viewers close and the process ends.
Every wait is bounded; the process also ends when the pipe closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import threading
import time
from array import array
from collections.abc import Iterator
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
# Viewer numbers: a seat's number, plus WAVE_STRIDE per later wave; arrivals from
# ARRIVAL_BASE on, a block of ARRIVAL_STRIDE per load process.
WAVE_STRIDE = 10_000_000
ARRIVAL_BASE = 1_000_000_000
ARRIVAL_STRIDE = 100_000_000
# Roles of the open pages: students' queue pages (or API streams), boards, teachers' consoles.
STUDENT, BOARD, CONSOLE = "student", "board", "console"


@dataclass(frozen=True)
class ViewerSpec:
    index: int
    port: int
    queue: int  # the queue's number in the world
    role: str = STUDENT
    path: str = ""


@dataclass(frozen=True)
class LoaderConfig:
    loader: int
    host: str
    viewers: list[ViewerSpec]
    connect_concurrency: int
    connect_timeout: float
    cookies: dict[str, str]  # role → the session cookie as "name=value" ("" for boards)
    student_paths: list[str]  # per queue number: where an arriving student's tab goes
    ports: list[int]  # the apps' ports, for arrivals
    deflate: bool = False  # viewers offer permessage-deflate, as browsers do
    kind: str = "page"  # "api": students are API clients on the event stream (api_viewer.py)
    token: str = ""  # the API viewers' bearer token
    nice: int = 0  # added to the load process's niceness (--loader-nice)


@dataclass
class ViewerResult:
    index: int
    port: int
    connect_seconds: float | None
    page_seconds: float | None  # of connect_seconds, the first page load
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
    queue: int = 0
    role: str = STUDENT
    wave: int = 0
    arrived: bool = False  # opened during the changes (ARRIVALS)
    opened_at: float | None = None  # the page's GET began
    first_connected_at: float | None = None  # its socket first connected
    left_at: float | None = None  # closed on purpose (an arrival's departure or a wave's end)


@dataclass
class LoaderResults:
    loader: int
    viewers: list[ViewerResult]
    lag_at: array[float] = field(default_factory=lambda: array("d"))
    lag_seconds: array[float] = field(default_factory=lambda: array("d"))
    cpu_seconds: float = 0.0


@dataclass
class Seat:
    """One tab: what it shows and, once opened, when it opened and left."""

    spec: ViewerSpec
    viewer: Viewer | ApiViewer
    wave: int
    arrived: bool = False
    opened_at: float | None = None
    first_connected_at: float | None = None
    left_at: float | None = None


def loader_main(conn: Connection, config: LoaderConfig) -> None:
    if config.nice:
        os.nice(config.nice)
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
        self.seats: list[Seat] = []
        self.wave = -1
        self.arrivals_made = 0
        self.unexpected: dict[int, int] = {}
        self.restart_at: float | None = None
        self.stopping = False
        self.commands: asyncio.Queue[tuple[Any, ...]] = asyncio.Queue()
        self.lag_at = array("d")
        self.lag_seconds = array("d")
        self.lives: list[asyncio.Task[None]] = []
        self.churn: asyncio.Task[None] | None = None

    def _viewer(self, spec: ViewerSpec, index: int) -> Viewer | ApiViewer:
        config = self.config
        if config.kind == "api" and spec.role == STUDENT:
            return ApiViewer(index, config.host, spec.port, spec.path, config.token)
        cookie = config.cookies.get(spec.role, "")
        return Viewer(index, config.host, spec.port, spec.path, cookie, config.deflate)

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        # A blocking reader thread: the event loop would make the pipe non-blocking and break
        # sending large messages on it.
        threading.Thread(target=self._read_commands, args=(loop,), daemon=True).start()
        background = [
            asyncio.create_task(self._acks()),
            asyncio.create_task(self._lag_monitor()),
        ]
        self._send(("ready",))
        try:
            while True:
                command = await self.commands.get()
                name = command[0]
                if name == "connect":
                    await self._connect_wave()
                elif name == "arrivals":
                    self.churn = asyncio.create_task(
                        self._arrivals(float(command[1]), int(command[2]))
                    )
                elif name == "restart":
                    self.restart_at = float(command[1])
                elif name == "status":
                    alive = sum(1 for seat in self._wave_seats() if not seat.viewer.failure)
                    self._send(("status", self._current(int(command[1])), alive))
                elif name == "leave":
                    await self._stop_arrivals()
                    await self._settle(dict(command[1]), float(command[2]))
                    self._leave_all()
                    self._send(("left", time.time()))
                elif name == "finish":
                    await self._stop_arrivals()
                    await self._settle(dict(command[1]), float(command[2]))
                    self._send(("results", self._results()))
                    return
                elif name == "stop":
                    return
        finally:
            self.stopping = True
            for seat in self.seats:
                seat.viewer.close()
            tasks = [*background, *self.lives, *([self.churn] if self.churn else [])]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

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

    async def _connect_wave(self) -> None:
        self.wave += 1
        semaphore = asyncio.Semaphore(self.config.connect_concurrency)
        first: list[asyncio.Future[None]] = []
        for spec in self.config.viewers:
            index = spec.index + self.wave * WAVE_STRIDE
            seat = Seat(spec, self._viewer(spec, index), self.wave)
            self.seats.append(seat)
            done = asyncio.get_running_loop().create_future()
            first.append(done)
            self.lives.append(asyncio.create_task(self._live(seat, semaphore, done)))
        await asyncio.gather(*first)
        self._send(("connected", time.time()))

    async def _live(
        self,
        seat: Seat,
        semaphore: asyncio.Semaphore | None,
        first: asyncio.Future[None] | None,
    ) -> None:
        """Connect once, then stay connected as the browser page does, until told to stop or
        the tab is closed."""
        viewer, timeout = seat.viewer, self.config.connect_timeout
        try:
            async with semaphore or contextlib.nullcontext():
                seat.opened_at = time.time()
                try:
                    await viewer.connect(timeout)
                except (ConnectFailed, TimeoutError) as error:
                    viewer.failure = f"connect: {str(error) or 'timed out'}"
                    return
                viewer.connect_seconds = time.time() - seat.opened_at
                seat.first_connected_at = viewer.connected_at
        finally:
            if first is not None:
                first.set_result(None)
        if seat.left_at is not None:  # its wave ended while it was still opening
            viewer.close()
            return
        while not self.stopping and viewer.closed is not None:
            await asyncio.shield(viewer.closed)
            if self.stopping or seat.left_at is not None:
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

    # --- arrivals and departures --------------------------------------------------------------

    async def _arrivals(self, rate: float, seed: int) -> None:
        """``rate`` arrivals per second on average, at random moments; each closes a random open
        student tab and opens a new one on a random queue (each load process runs its own share).

        The gaps are drawn from an exponential distribution: each load process's share is then
        a Poisson process, and their sum one at the whole rate, as students who arrive
        independently of each other. (A fixed schedule, started at the same moment in every load
        process, sent every process's arrival at once: 22 pages within 0.15 s every 2.2 s.)"""
        rng = random.Random(seed)
        config = self.config
        start = time.monotonic()
        for moment in arrival_moments(rate, seed):
            delay = start + moment - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            self._depart(rng)
            queue = rng.randrange(len(config.student_paths))
            index = ARRIVAL_BASE + config.loader * ARRIVAL_STRIDE + self.arrivals_made
            self.arrivals_made += 1
            spec = ViewerSpec(
                index, rng.choice(config.ports), queue, STUDENT, config.student_paths[queue]
            )
            seat = Seat(spec, self._viewer(spec, index), self.wave, arrived=True)
            self.seats.append(seat)
            self.lives.append(asyncio.create_task(self._live(seat, None, None)))

    def _depart(self, rng: random.Random) -> None:
        open_students = [
            seat
            for seat in self.seats
            if seat.spec.role == STUDENT and seat.left_at is None and seat.viewer.is_connected
        ]
        if open_students:
            self._close(rng.choice(open_students))

    def _close(self, seat: Seat) -> None:
        seat.left_at = time.time()
        seat.viewer.close()

    async def _stop_arrivals(self) -> None:
        if self.churn is not None:
            self.churn.cancel()
            await asyncio.gather(self.churn, return_exceptions=True)
            self.churn = None

    def _leave_all(self) -> None:
        for seat in self.seats:
            if seat.left_at is None:
                self._close(seat)

    # --- background ---------------------------------------------------------------------------

    async def _acks(self) -> None:
        tick = 0
        while True:
            await asyncio.sleep(ACK_INTERVAL / ACK_SLICES)
            for seat in self.seats[tick % ACK_SLICES :: ACK_SLICES]:
                if seat.left_at is None:
                    seat.viewer.send_ack()
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

    def _wave_seats(self) -> list[Seat]:
        return [seat for seat in self.seats if seat.wave == self.wave and seat.left_at is None]

    def _current(self, version: int) -> int:
        return sum(
            1
            for seat in self._wave_seats()
            if seat.viewer.is_connected and seat.viewer.version >= version
        )

    async def _settle(self, finals: dict[int, int], grace: float) -> None:
        """Wait until every open tab that follows versions shows its queue's final one; those
        that do not by then are marked (they would otherwise leave unnoticed)."""
        deadline = time.monotonic() + grace
        while True:
            waiting = [
                seat
                for seat in self._wave_seats()
                if seat.spec.role != CONSOLE  # a console is redrawn, it keeps no version
                and not seat.viewer.failure
                and seat.viewer.version < finals.get(seat.spec.queue, -1)
            ]
            if not waiting:
                return
            if time.monotonic() >= deadline:
                for seat in waiting:
                    seat.viewer.failure = "never showed the final version"
                return
            await asyncio.sleep(0.1)

    def _results(self) -> LoaderResults:
        return LoaderResults(
            loader=self.config.loader,
            viewers=[self._result(seat) for seat in self.seats],
            lag_at=self.lag_at,
            lag_seconds=self.lag_seconds,
            cpu_seconds=time.process_time(),
        )

    def _result(self, seat: Seat) -> ViewerResult:
        v = seat.viewer
        return ViewerResult(
            index=v.index,
            port=v.port,
            connect_seconds=v.connect_seconds,
            page_seconds=getattr(v, "page_seconds", None),
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
            queue=seat.spec.queue,
            role=seat.spec.role,
            wave=seat.wave,
            arrived=seat.arrived,
            opened_at=seat.opened_at,
            first_connected_at=seat.first_connected_at,
            left_at=seat.left_at,
        )


def arrival_moments(rate: float, seed: int) -> Iterator[float]:
    """The moments, in seconds from the start, at which one load process opens a page: gaps
    drawn from an exponential distribution of mean ``1 / rate`` (a Poisson process)."""
    rng = random.Random(f"arrival moments {seed}")
    moment = 0.0
    while True:
        moment += rng.expovariate(rate)
        yield moment

"""`make bench`: how fast a queue change reaches every open queue page, and what it costs.

    python -m tests.bench.fanout --viewers 1000 [--db sqlite|postgres] [--rate 2]
        [--duration 20] [--processes 1|2] [--loaders N] [--restart] [--viewers-kind page|api]
        [--queues Q] [--arrivals R] [--soak M] [--waves 1|2]

Builds a world through the services, starts the app on loopback, opens N viewers as real
NiceGUI clients (page load, then the socket.io connection) from a few load processes, makes
changes at a set rate through the app's bench hook and measures, per viewer and change, the
time from commit to the viewer receiving the new version. With ``--queues`` the viewers are
spread over that many queues, each also shown by a board and a teacher's console, and the
changes go round the queues; ``--arrivals`` keeps tabs opening and closing during the changes;
``--soak`` runs the changes for minutes and samples the app's memory every minute; ``--waves
2`` lets every viewer leave and the same number connect again. With ``--viewers-kind api`` the
students' viewers are API clients following the queue's Server-Sent Events stream instead.
The last line of the output is machine-readable. Everything it starts it stops, by process
id; every loop is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import multiprocessing
import shutil
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

import httpx

from tests.bench.app_process import (
    HOST,
    AppError,
    AppProcess,
    PostgresDatabase,
    cpu_seconds,
    machine_busy_seconds,
)
from tests.bench.driver import Change, Driver, queue_models
from tests.bench.loader import (
    BOARD,
    CONSOLE,
    STUDENT,
    LoaderConfig,
    LoaderResults,
    ViewerResult,
    ViewerSpec,
    loader_main,
)
from tests.bench.memory import (
    PEAK_SAMPLE_INTERVAL,
    SOAK_SAMPLE_INTERVAL,
    MemorySample,
    Sampler,
    pss_kb,
)
from tests.bench.report import Report
from tests.bench.stats import final_versions
from tests.bench.world import BenchWorld, build_world

VIEWERS_PER_LOADER = 500
SETTLE_SECONDS = 3.0  # after connecting, before reading the server's memory
RESTART_CHANGE_INTERVAL = 1.0
RESTART_LIMIT = 60.0  # seconds from stopping the app to giving up on the viewers' return
TIME_LIMIT = 290.0  # the default self-stop of a run without a soak, several queues or waves
# Between waves: NiceGUI forgets a client 10 s after its socket closed (reconnect_timeout in
# equeue_ui/app.py), then the app's memory is read.
WAVE_GAP_SECONDS = 20.0


class TimeLimitExceeded(Exception):
    pass


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="fanout", description=__doc__.split("\n\n")[0])
    parser.add_argument("--viewers", type=int, default=100, help="simulated browser tabs")
    parser.add_argument(
        "--viewers-kind",
        choices=("page", "api"),
        default="page",
        help="queue pages (socket.io) or API clients (the SSE stream /api/v1/queues/{id}/events)",
    )
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--rate", type=float, default=2.0, help="changes per second")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of changes")
    parser.add_argument("--processes", type=int, choices=(1, 2), default=1, help="app processes")
    parser.add_argument("--loaders", type=int, default=0, help="load processes (0: auto)")
    parser.add_argument(
        "--loader-nice",
        type=int,
        default=0,
        help="run the load processes at this niceness (0-19): the phones and laptops they "
        "stand for are not on the server's cores, so this shows what the apps do when the "
        "load takes only the CPU they leave (default 0: an equal share)",
    )
    parser.add_argument("--restart", type=int, choices=(0, 1), default=0, help="restart test")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of changes not counted")
    parser.add_argument("--grace", type=float, default=10.0, help="wait for the last change")
    parser.add_argument("--queue-size", type=int, default=30)
    parser.add_argument(
        "--connect-concurrency", type=int, default=20, help="page loads in flight, in all"
    )
    parser.add_argument(
        "--deflate",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="viewers offer permessage-deflate, as every browser does (the app declines it "
        "unless EQUEUE_WS_COMPRESSION is on)",
    )
    parser.add_argument(
        "--ws-compression",
        action="store_true",
        help="start the app with EQUEUE_WS_COMPRESSION=1 (it then accepts permessage-deflate)",
    )
    parser.add_argument(
        "--tuning",
        choices=("on", "off"),
        default="on",
        help="EQUEUE_TUNING for the app: off runs the libraries' own code (equeue_ui/tuning)",
    )
    parser.add_argument(
        "--queues",
        type=int,
        default=1,
        help="spread the viewers and the changes over this many queues",
    )
    parser.add_argument(
        "--operator-pages",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="one board (display link) and one teacher's console page per queue besides the "
        "viewers (default: with more than one queue)",
    )
    parser.add_argument(
        "--arrivals",
        type=float,
        default=0.0,
        help="page loads per second during the changes: a student's tab opens on a random "
        "queue and a random open one closes",
    )
    parser.add_argument(
        "--soak",
        type=float,
        default=0.0,
        help="minutes of changes (instead of --duration), the app's memory sampled every minute",
    )
    parser.add_argument(
        "--waves",
        type=int,
        choices=(1, 2),
        default=1,
        help="2: after the changes every viewer leaves and as many connect again for a second "
        "round of changes; each wave's memory peak is reported",
    )
    parser.add_argument("--connect-timeout", type=float, default=30.0, help="per viewer")
    parser.add_argument(
        "--time-limit",
        type=float,
        default=None,
        help=f"abort after seconds (default {TIME_LIMIT:g}, more for a soak, waves or queues)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the data folder and logs")
    parser.add_argument("--details", action="store_true", help="print every change's latency")
    parser.add_argument(
        "--gc-trace", action="store_true", help="log and report the app's garbage-collector pauses"
    )
    args = parser.parse_args(argv)
    if args.processes == 2 and args.db != "postgres":
        parser.error("--processes 2 needs --db postgres (the processes share events through it)")
    if args.viewers < 1 or args.rate <= 0 or args.duration <= 0:
        parser.error("--viewers, --rate and --duration must be positive")
    if args.queues < 1 or args.queues > args.viewers:
        parser.error("--queues must be between 1 and --viewers")
    if not 0 <= args.loader_nice <= 19:
        parser.error("--loader-nice must be between 0 and 19")
    if args.arrivals < 0 or args.soak < 0:
        parser.error("--arrivals and --soak must not be negative")
    if args.operator_pages is None:
        args.operator_pages = args.queues > 1
    if args.restart and (args.queues > 1 or args.arrivals or args.waves > 1 or args.operator_pages):
        parser.error("--restart runs with one queue of students' pages, no arrivals, one wave")
    args.phase_seconds = args.soak * 60 if args.soak else args.duration
    if args.time_limit is None:
        args.time_limit = time_limit(args)
    pages = args.viewers + (2 * args.queues if args.operator_pages else 0)
    if args.loaders <= 0:
        args.loaders = max(1, math.ceil(pages / VIEWERS_PER_LOADER))
    args.loaders = min(args.loaders, pages)
    return args


def time_limit(args: argparse.Namespace) -> float:
    """The run's self-stop: 290 s as ever for one wave of changes on one queue for at most
    --duration; a soak, waves or many queues add their time: each extra queue about 0.35 s
    to build, each wave its changes and its connecting, and the gap between waves."""
    if not (args.soak or args.waves > 1 or args.queues > 1):
        return TIME_LIMIT
    per_wave = max(0.0, args.phase_seconds - 20.0) + args.viewers * 0.05
    return (
        TIME_LIMIT
        + 0.5 * (args.queues - 1)
        + per_wave * args.waves
        + (args.waves - 1) * (WAVE_GAP_SECONDS + 60.0)
    )


@dataclass
class LoadProcess:
    process: BaseProcess
    conn: Connection

    def send(self, *message: Any) -> None:
        self.conn.send(message)

    async def receive(self, timeout: float) -> tuple[Any, ...]:
        if not await asyncio.to_thread(self.conn.poll, timeout):
            raise TimeoutError(f"load process {self.process.pid} did not answer in {timeout} s")
        message: tuple[Any, ...] = self.conn.recv()
        return message


@dataclass
class Wave:
    """What one wave of viewers cost: its connecting, and the app's memory."""

    connect_seconds: float = 0.0
    connected_kb: int = 0  # all apps, settled after connecting
    peak_kb: int = 0  # the highest of the 1-second samples from connecting to the end of changes
    after_leaving_kb: int | None = None  # once the app forgot the wave's clients
    soak: list[MemorySample] = field(default_factory=list)  # per minute, during a soak


@dataclass
class Measurements:
    world_seconds: float = 0.0
    baseline_kb: dict[str, int] = field(default_factory=dict)
    connected_kb: dict[str, int] = field(default_factory=dict)
    end_kb: dict[str, int] = field(default_factory=dict)
    fanout: dict[str, dict[str, Any]] = field(default_factory=dict)  # /_bench/fanout per app
    connect_started: float = 0.0
    all_connected: float = 0.0
    connect_cpu: dict[str, float] = field(default_factory=dict)
    change_cpu: dict[str, float] = field(default_factory=dict)
    # per app, how long its event loop's thread waited for a core, as % of the changes' span
    change_cpu_wait: dict[str, float] = field(default_factory=dict)
    loader_cpu: float = 0.0
    others_cpu: float = 0.0  # everything else on the machine during the changes
    load_average: str = ""
    gc_pauses: dict[str, list[tuple[int, float]]] = field(default_factory=dict)
    change_window: tuple[float, float] = (0.0, 0.0)
    changes: list[Change] = field(default_factory=list)
    first_wave_changes: int = 0  # how many of ``changes`` the first wave made
    warmup_changes: int = 0
    final_version: int = -1
    finals: dict[int, int] = field(default_factory=dict)  # per queue number
    waves: list[Wave] = field(default_factory=list)
    restart_stopped_at: float | None = None
    restart_down_at: float | None = None  # the old process has exited
    restart_up_at: float | None = None
    restart_target: int | None = None
    restart_changes: list[Change] = field(default_factory=list)
    results: list[LoaderResults] = field(default_factory=list)

    @property
    def viewers(self) -> list[ViewerResult]:
        return [v for r in self.results for v in r.viewers]


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.data_dir = Path(tempfile.mkdtemp(prefix="equeue-bench-"))
        self.database = PostgresDatabase() if args.db == "postgres" else None
        self.apps: list[AppProcess] = []
        self.loaders: list[LoadProcess] = []
        self.m = Measurements()

    # --- the run ------------------------------------------------------------------------------

    def run(self) -> int:
        args = self.args
        print(
            f"eQueue fan-out benchmark: {args.viewers} viewers"
            + (
                f" over {args.queues} queues"
                + (" with a board and a console each" if args.operator_pages else "")
                if args.queues > 1 or args.operator_pages
                else ""
            )
            + f", {args.db}, {args.processes} app process(es), {args.loaders} load process(es), "
            f"{args.rate:g} changes/s for "
            + (f"{args.soak:g} min (soak)" if args.soak else f"{args.duration:g} s")
            + (f", {args.arrivals:g} arrivals/s" if args.arrivals else "")
            + (f", {args.waves} waves" if args.waves > 1 else "")
            + (", then a restart" if args.restart else "")
            + (", viewers offer permessage-deflate" if args.deflate else "")
            + (", the app accepts it" if args.ws_compression else "")
            + (", tuning off" if args.tuning == "off" else "")
            + (", API stream viewers" if args.viewers_kind == "api" else ""),
            flush=True,
        )
        started = time.monotonic()
        database_url = None
        if self.database is not None:
            self.database.create()
            database_url = self.database.url
        world = build_world(
            self.data_dir, database_url, queue_size=args.queue_size, queue_count=args.queues
        )
        self.m.world_seconds = time.monotonic() - started
        for name in ("A", "B")[: args.processes]:
            settings = {"EQUEUE_TUNING": args.tuning}
            if args.ws_compression:
                settings["EQUEUE_WS_COMPRESSION"] = "1"
            if args.viewers_kind == "api":  # every viewer shares one token
                settings["EQUEUE_API_REQUESTS_PER_MINUTE"] = "1000000"
            app = AppProcess(
                name, self.data_dir, database_url, gc_trace=args.gc_trace, settings=settings
            )
            self.apps.append(app)
            app.start()  # one after the other: migrations never run twice at once
        print(
            f"world built in {self.m.world_seconds:.1f} s; apps up: "
            + ", ".join(f"{a.name} pid {a.pid} port {a.port}" for a in self.apps),
            flush=True,
        )
        cookies = {STUDENT: self._sign_in(world.viewer), BOARD: ""}
        if args.operator_pages:
            cookies[CONSOLE] = self._sign_in(world.teacher)
        self._warm_up(world, cookies)
        self.m.baseline_kb = {a.name: a.rss_kb() for a in self.apps}
        self._spawn_loaders(world, cookies)
        asyncio.run(self._measure(world))
        report = Report(args, self.m, [a.name for a in self.apps], self.apps[0].port)
        report.print()
        return 0

    def _sign_in(self, username: str) -> str:
        response = httpx.post(
            f"{self.apps[0].url}/_bench/session", json={"username": username}, timeout=10
        )
        response.raise_for_status()
        body = response.json()
        return f"{body['cookie_name']}={body['cookie_value']}"

    def _warm_up(self, world: BenchWorld, cookies: dict[str, str]) -> None:
        """One page load per app and kind of page, so the baseline includes what the first
        page loads lazily."""
        if self.args.viewers_kind == "api":
            self._warm_up_api(world)
            cookies = {role: cookie for role, cookie in cookies.items() if role != STUDENT}
        for app in self.apps:
            for role, cookie in cookies.items():
                path = page_path(role, world, 0)
                response = httpx.get(f"{app.url}{path}", headers={"Cookie": cookie}, timeout=10)
                if response.status_code != 200 or "client_id" not in response.text:
                    raise RuntimeError(f"app {app.name}: {path} answers {response.status_code}")
        time.sleep(2.0)

    def _warm_up_api(self, world: BenchWorld) -> None:
        for app in self.apps:
            response = httpx.get(
                f"{app.url}/api/v1/queues/{world.queue_id}",
                headers={"Authorization": f"Bearer {world.api_token}"},
                timeout=10,
            )
            if response.status_code != 200:
                raise RuntimeError(f"app {app.name}: the API answers {response.status_code}")

    def _spawn_loaders(self, world: BenchWorld, cookies: dict[str, str]) -> None:
        args = self.args
        ports = [app.port for app in self.apps]
        student = "api" if args.viewers_kind == "api" else STUDENT
        specs = viewer_specs(
            args.viewers,
            args.queues,
            ports,
            operator_pages=args.operator_pages,
            path=lambda role, queue: page_path(student if role == STUDENT else role, world, queue),
        )
        context = multiprocessing.get_context("spawn")
        per_loader = max(1, args.connect_concurrency // args.loaders)
        for number in range(args.loaders):
            config = LoaderConfig(
                loader=number,
                host=HOST,
                viewers=specs[number :: args.loaders],
                connect_concurrency=per_loader,
                connect_timeout=args.connect_timeout,
                cookies=cookies,
                student_paths=[page_path(student, world, q) for q in range(args.queues)],
                ports=ports,
                kind=args.viewers_kind,
                token=world.api_token,
                deflate=args.deflate,
                nice=args.loader_nice,
            )
            mine, theirs = context.Pipe()
            process = context.Process(
                target=loader_main, args=(theirs, config), name=f"bench-loader-{number}"
            )
            process.start()
            theirs.close()
            self.loaders.append(LoadProcess(process, mine))

    async def _measure(self, world: BenchWorld) -> None:
        args, m = self.args, self.m
        for loader in self.loaders:
            await loader.receive(30)  # ("ready",): the process has started its loop
        driver = Driver(self.apps[0].url, queue_models(world))
        try:
            for wave in range(args.waves):
                await self._wave(driver, wave)
                if wave < args.waves - 1:
                    await self._leave(m.waves[-1])
            if args.restart:
                await self._restart(driver)
        finally:
            await driver.close()
        # Let the last change arrive everywhere, then collect.
        m.finals = final_versions([*m.changes, *m.restart_changes])
        for loader in self.loaders:
            loader.send("finish", m.finals, args.grace)
        for loader in self.loaders:
            message = await loader.receive(args.grace + 60)
            m.results.append(message[1])
        m.end_kb = {a.name: a.rss_kb() for a in self.apps}
        async with httpx.AsyncClient(timeout=10.0) as client:
            for app in self.apps:
                answer = await client.get(f"{app.url}/_bench/fanout")
                m.fanout[app.name] = answer.json() if answer.status_code == 200 else {}

    async def _wave(self, driver: Driver, wave: int) -> None:
        """Connect every viewer, then make the changes (with arrivals, and for a soak with a
        sample of the memory each minute); the first wave's figures are the run's."""
        args, m = self.args, self.m
        first = wave == 0
        record = Wave()
        m.waves.append(record)
        peak = Sampler(lambda: (self._rss_total(), None), PEAK_SAMPLE_INTERVAL)
        peak.start()
        connect_limit = max(60.0, args.viewers * 0.2)
        cpu_before = self._app_cpu()
        connect_started = time.time()
        for loader in self.loaders:
            loader.send("connect")
        finished = [await loader.receive(connect_limit) for loader in self.loaders]
        all_connected = max(float(message[1]) for message in finished)
        record.connect_seconds = all_connected - connect_started
        if first:
            m.connect_started, m.all_connected = connect_started, all_connected
            m.connect_cpu = self._cpu_share(cpu_before, all_connected - connect_started)
        print(f"wave {wave + 1}: connected in {record.connect_seconds:.1f} s", flush=True)
        await asyncio.sleep(SETTLE_SECONDS)
        connected_kb = {a.name: a.rss_kb() for a in self.apps}
        record.connected_kb = sum(connected_kb.values())
        if first:
            m.connected_kb = connected_kb
        # Changes at the set rate, over every queue.
        soak = Sampler(self._memory_sample, SOAK_SAMPLE_INTERVAL) if args.soak else None
        cpu_before, wait_before = self._app_cpu(), self._app_cpu_wait()
        loader_cpu_before = self._loader_cpu()
        machine_before, own_before = machine_busy_seconds(), time.process_time()
        if first:
            m.load_average = Path("/proc/loadavg").read_text().split()[0]
        if args.arrivals:
            for number, loader in enumerate(self.loaders):
                loader.send("arrivals", args.arrivals / len(self.loaders), 1000 * wave + number)
        window_start = time.time()
        if soak is not None:
            soak.start()
        count = max(1, math.ceil(args.rate * args.phase_seconds))
        changes = await driver.run(args.rate, count, time_limit=args.phase_seconds + 30)
        window = (window_start, time.time())
        if soak is not None:
            await soak.stop()
            record.soak = soak.samples
        await peak.stop()
        record.peak_kb = peak.peak_kb
        m.changes += changes
        if not first:
            return
        # The CPU, the rate and the warm-up are the first wave's.
        m.first_wave_changes = len(changes)
        m.change_window = window
        span = window[1] - window_start
        m.change_cpu = self._cpu_share(cpu_before, span)
        m.change_cpu_wait = _share(wait_before, self._app_cpu_wait(), span)
        m.loader_cpu = (self._loader_cpu() - loader_cpu_before) / span * 100
        machine = (machine_busy_seconds() - machine_before) / span * 100
        own = (time.process_time() - own_before) / span * 100
        m.others_cpu = machine - sum(m.change_cpu.values()) - m.loader_cpu - own
        if args.gc_trace:
            m.gc_pauses = {a.name: a.gc_pauses(*window) for a in self.apps}
        m.warmup_changes = min(len(changes) - 1, math.ceil(args.rate * args.warmup))
        ok = [c for c in changes if c.ok]
        m.final_version = ok[-1].version if ok else -1

    async def _leave(self, record: Wave) -> None:
        """Every tab of the wave closes once it shows its queue's last version; then the app's
        memory is read after NiceGUI has forgotten the clients."""
        finals = final_versions(self.m.changes)
        for loader in self.loaders:
            loader.send("leave", finals, self.args.grace)
        for loader in self.loaders:
            await loader.receive(self.args.grace + 60)
        print(f"every viewer left; reading the memory in {WAVE_GAP_SECONDS:g} s", flush=True)
        await asyncio.sleep(WAVE_GAP_SECONDS)
        record.after_leaving_kb = self._rss_total()

    def _rss_total(self) -> int:
        return sum(a.rss_kb() for a in self.apps)

    def _memory_sample(self) -> tuple[int, int | None]:
        pss = [pss_kb(a.pid) for a in self.apps]
        total = None if any(p is None for p in pss) else sum(p or 0 for p in pss)
        return self._rss_total(), total

    async def _restart(self, driver: Driver) -> None:
        """Restart app A (same data, same port); wait until every viewer is back and current."""
        m, app = self.m, self.apps[0]
        m.restart_stopped_at = time.time()
        for loader in self.loaders:
            loader.send("restart", m.restart_stopped_at)
        await asyncio.to_thread(app.stop)
        m.restart_down_at = time.time()
        await asyncio.to_thread(app.start)
        m.restart_up_at = time.time()
        print(
            f"restarted: stopping took {m.restart_down_at - m.restart_stopped_at:.1f} s, "
            f"starting {m.restart_up_at - m.restart_down_at:.1f} s",
            flush=True,
        )
        deadline = m.restart_stopped_at + RESTART_LIMIT
        while time.time() < deadline:
            change = await driver.act()
            m.restart_changes.append(change)
            if change.ok and m.restart_target is None:
                m.restart_target = change.version
            if change.ok:
                m.final_version = change.version
            if m.restart_target is not None:
                current = alive = 0
                for loader in self.loaders:
                    loader.send("status", m.restart_target)
                    _, now_current, now_alive = await loader.receive(10)
                    current, alive = current + now_current, alive + now_alive
                if current >= alive:
                    return
            await asyncio.sleep(RESTART_CHANGE_INTERVAL)

    def _app_cpu(self) -> dict[str, float]:
        return {a.name: a.cpu_seconds() for a in self.apps}

    def _app_cpu_wait(self) -> dict[str, float]:
        return {a.name: a.cpu_wait_seconds() for a in self.apps}

    def _cpu_share(self, before: dict[str, float], seconds: float) -> dict[str, float]:
        return _share(before, self._app_cpu(), seconds)

    def _loader_cpu(self) -> float:
        total = 0.0
        for loader in self.loaders:
            if loader.process.pid is not None:
                with contextlib.suppress(OSError):
                    total += cpu_seconds(loader.process.pid)
        return total

    # --- cleaning up --------------------------------------------------------------------------

    def cleanup(self) -> None:
        for loader in self.loaders:
            with contextlib.suppress(OSError, ValueError):
                loader.send("stop")
        for loader in self.loaders:
            loader.process.join(10)
            if loader.process.is_alive():
                loader.process.kill()
                loader.process.join(5)
            loader.conn.close()
        for app in self.apps:
            app.stop()
        if self.database is not None:
            with contextlib.suppress(Exception):
                self.database.drop()
        if self.args.keep:
            print(f"data and logs kept in {self.data_dir}")
        else:
            shutil.rmtree(self.data_dir, ignore_errors=True)


def _share(before: dict[str, float], now: dict[str, float], seconds: float) -> dict[str, float]:
    """Per app, the seconds counted since ``before`` as % of ``seconds`` (100 % = one core)."""
    return {name: (now[name] - before[name]) / max(seconds, 1e-6) * 100 for name in now}


def page_path(role: str, world: BenchWorld, queue: int) -> str:
    """Where a tab of ``role`` on queue number ``queue`` goes ("api": a student's API stream)."""
    bench_queue = world.queues[queue]
    if role == BOARD:
        return f"/board/{bench_queue.board_token}"
    if role == CONSOLE:
        return f"/queues/{bench_queue.queue_id}/console"
    if role == "api":
        return f"/api/v1/queues/{bench_queue.queue_id}/events"
    return f"/queues/{bench_queue.queue_id}"


def viewer_specs(
    viewers: int,
    queues: int,
    ports: list[int],
    *,
    operator_pages: bool,
    path: Callable[[str, int], str],
) -> list[ViewerSpec]:
    """The tabs of a wave: ``viewers`` students' pages spread evenly over the queues (viewer
    i on queue i mod queues) and the apps (i mod apps), then per queue a board and a console."""
    specs = [
        ViewerSpec(i, ports[i % len(ports)], i % queues, STUDENT, path(STUDENT, i % queues))
        for i in range(viewers)
    ]
    if operator_pages:
        for queue in range(queues):
            port = ports[queue % len(ports)]
            for offset, role in enumerate((BOARD, CONSOLE)):
                index = viewers + 2 * queue + offset
                specs.append(ViewerSpec(index, port, queue, role, path(role, queue)))
    return specs


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    def out_of_time(_signum: int, _frame: object) -> None:
        raise TimeLimitExceeded(f"the benchmark ran longer than {args.time_limit:g} s")

    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(max(1, int(args.time_limit)))
    bench = Bench(args)
    try:
        return bench.run()
    except TimeLimitExceeded as error:
        print(f"fanout: {error}; stopping", file=sys.stderr)
        return 1
    except (AppError, TimeoutError, httpx.HTTPError) as error:
        # A timeout's message is often empty: its type and where it came from are the news.
        print(f"fanout: {type(error).__name__}: {error}", file=sys.stderr)
        traceback.print_exc(limit=4)
        return 1
    finally:
        signal.alarm(0)
        bench.cleanup()


if __name__ == "__main__":
    raise SystemExit(main())

"""`make bench`: how fast a queue change reaches every open queue page, and what it costs.

    python -m tests.bench.fanout --viewers 1000 [--db sqlite|postgres] [--rate 2]
        [--duration 20] [--processes 1|2] [--loaders N] [--restart] [--viewers-kind page|api]

Builds a world through the services, starts the app on loopback, opens N viewers as real
NiceGUI clients (page load, then the socket.io connection) from a few load processes, makes
changes at a set rate through the app's bench hook and measures, per viewer and change, the
time from commit to the viewer receiving the new version. With ``--viewers-kind api`` the
viewers are API clients following the queue's Server-Sent Events stream with a token instead.
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
from tests.bench.driver import Change, Driver, QueueModel
from tests.bench.loader import LoaderConfig, LoaderResults, ViewerResult, loader_main
from tests.bench.report import Report
from tests.bench.world import BenchWorld, build_world

VIEWERS_PER_LOADER = 500
SETTLE_SECONDS = 3.0  # after connecting, before reading the server's memory
RESTART_CHANGE_INTERVAL = 1.0
RESTART_LIMIT = 60.0  # seconds from stopping the app to giving up on the viewers' return


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
    parser.add_argument("--connect-timeout", type=float, default=30.0, help="per viewer")
    parser.add_argument("--time-limit", type=float, default=290.0, help="abort after seconds")
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
    if args.loaders <= 0:
        args.loaders = max(1, math.ceil(args.viewers / VIEWERS_PER_LOADER))
    args.loaders = min(args.loaders, args.viewers)
    return args


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
    loader_cpu: float = 0.0
    others_cpu: float = 0.0  # everything else on the machine during the changes
    load_average: str = ""
    gc_pauses: dict[str, list[tuple[int, float]]] = field(default_factory=dict)
    change_window: tuple[float, float] = (0.0, 0.0)
    changes: list[Change] = field(default_factory=list)
    warmup_changes: int = 0
    final_version: int = -1
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
            f"eQueue fan-out benchmark: {args.viewers} viewers, {args.db}, "
            f"{args.processes} app process(es), {args.loaders} load process(es), "
            f"{args.rate:g} changes/s for {args.duration:g} s"
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
        world = build_world(self.data_dir, database_url, queue_size=args.queue_size)
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
        cookie = self._sign_in(world)
        self._warm_up(world, cookie)
        self.m.baseline_kb = {a.name: a.rss_kb() for a in self.apps}
        self._spawn_loaders(world, cookie)
        asyncio.run(self._measure(world))
        report = Report(args, self.m, [a.name for a in self.apps], self.apps[0].port)
        report.print()
        return 0

    def _sign_in(self, world: BenchWorld) -> str:
        response = httpx.post(
            f"{self.apps[0].url}/_bench/session", json={"username": world.viewer}, timeout=10
        )
        response.raise_for_status()
        body = response.json()
        return f"{body['cookie_name']}={body['cookie_value']}"

    def _warm_up(self, world: BenchWorld, cookie: str) -> None:
        """One page load per app, so the baseline includes what the first page loads lazily."""
        if self.args.viewers_kind == "api":
            self._warm_up_api(world)
            return
        for app in self.apps:
            response = httpx.get(
                f"{app.url}/queues/{world.queue_id}", headers={"Cookie": cookie}, timeout=10
            )
            if response.status_code != 200 or "client_id" not in response.text:
                raise RuntimeError(f"app {app.name}: the queue page answers {response.status_code}")
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
        time.sleep(2.0)

    def _spawn_loaders(self, world: BenchWorld, cookie: str) -> None:
        args = self.args
        ports = [app.port for app in self.apps]
        context = multiprocessing.get_context("spawn")
        per_loader = max(1, args.connect_concurrency // args.loaders)
        for number in range(args.loaders):
            indexes = range(number, args.viewers, args.loaders)
            config = LoaderConfig(
                loader=number,
                host=HOST,
                path=(
                    f"/api/v1/queues/{world.queue_id}/events"
                    if args.viewers_kind == "api"
                    else f"/queues/{world.queue_id}"
                ),
                cookie=cookie,
                kind=args.viewers_kind,
                token=world.api_token,
                viewers=[(i, ports[i % len(ports)]) for i in indexes],
                connect_concurrency=per_loader,
                connect_timeout=args.connect_timeout,
                deflate=args.deflate,
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
        connect_limit = max(60.0, args.viewers * 0.2)
        for loader in self.loaders:
            await loader.receive(30)  # ("ready",): the process has started its loop
        # Connect every viewer.
        cpu_before = self._app_cpu()
        m.connect_started = time.time()
        for loader in self.loaders:
            loader.send("connect")
        finished = [await loader.receive(connect_limit) for loader in self.loaders]
        m.all_connected = max(float(message[1]) for message in finished)
        m.connect_cpu = self._cpu_share(cpu_before, m.all_connected - m.connect_started)
        print(f"connected in {m.all_connected - m.connect_started:.1f} s", flush=True)
        await asyncio.sleep(SETTLE_SECONDS)
        m.connected_kb = {a.name: a.rss_kb() for a in self.apps}
        # Changes at the set rate.
        driver = Driver(self.apps[0].url, world.queue_id, QueueModel(world))
        try:
            cpu_before = self._app_cpu()
            loader_cpu_before = self._loader_cpu()
            machine_before, own_before = machine_busy_seconds(), time.process_time()
            m.load_average = Path("/proc/loadavg").read_text().split()[0]
            window_start = time.time()
            count = max(1, math.ceil(args.rate * args.duration))
            m.changes = await driver.run(args.rate, count, time_limit=args.duration + 30)
            m.change_window = (window_start, time.time())
            span = m.change_window[1] - window_start
            m.change_cpu = self._cpu_share(cpu_before, span)
            m.loader_cpu = (self._loader_cpu() - loader_cpu_before) / span * 100
            machine = (machine_busy_seconds() - machine_before) / span * 100
            own = (time.process_time() - own_before) / span * 100
            m.others_cpu = machine - sum(m.change_cpu.values()) - m.loader_cpu - own
            if args.gc_trace:
                m.gc_pauses = {a.name: a.gc_pauses(*m.change_window) for a in self.apps}
            m.warmup_changes = min(len(m.changes) - 1, math.ceil(args.rate * args.warmup))
            ok = [c for c in m.changes if c.ok]
            m.final_version = ok[-1].version if ok else -1
            if args.restart:
                await self._restart(driver)
        finally:
            await driver.close()
        # Let the last change arrive everywhere, then collect.
        for loader in self.loaders:
            loader.send("finish", m.final_version, args.grace)
        for loader in self.loaders:
            message = await loader.receive(args.grace + 60)
            m.results.append(message[1])
        m.end_kb = {a.name: a.rss_kb() for a in self.apps}
        async with httpx.AsyncClient(timeout=10.0) as client:
            for app in self.apps:
                answer = await client.get(f"{app.url}/_bench/fanout")
                m.fanout[app.name] = answer.json() if answer.status_code == 200 else {}

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

    def _cpu_share(self, before: dict[str, float], seconds: float) -> dict[str, float]:
        now = self._app_cpu()
        return {name: (now[name] - before[name]) / max(seconds, 1e-6) * 100 for name in now}

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
        print(f"fanout: {error}", file=sys.stderr)
        return 1
    finally:
        signal.alarm(0)
        bench.cleanup()


if __name__ == "__main__":
    raise SystemExit(main())

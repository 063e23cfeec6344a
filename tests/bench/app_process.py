"""The app under test as a subprocess on loopback, and what the benchmark reads about it.

Memory and CPU come from ``/proc/<pid>``: the process started here is the server itself
(``equeue run`` serves in-process, without a reloader), which :meth:`AppProcess.start` checks.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import asyncpg
import httpx

HOST = "127.0.0.1"
SECRET = "bench-secret-" + "b" * 40
PG_ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
STARTUP_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class AppError(RuntimeError):
    """The app did not start or stopped unexpectedly; the message carries its log tail."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def clean_environment(
    data_dir: Path, port: int, database_url: str | None, settings: dict[str, str]
) -> dict[str, str]:
    """The caller's environment without pytest's, NiceGUI's or any EQUEUE_* setting, plus the
    bench's own and ``settings``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key != "PYTEST_CURRENT_TEST"
        and not key.startswith("NICEGUI_")
        and not key.startswith("EQUEUE_")
    }
    env.update(
        EQUEUE_DATA_DIR=str(data_dir),
        EQUEUE_PORT=str(port),
        EQUEUE_HOST=HOST,
        EQUEUE_SECRET=SECRET,
        EQUEUE_DEFAULT_LANGUAGE="en",
        EQUEUE_BENCHMARK_HOOKS="1",
        PYTHONUNBUFFERED="1",
    )
    if database_url:
        env["EQUEUE_DATABASE_URL"] = database_url
    return env | settings


def rss_kb(pid: int) -> int:
    """Resident memory of one process (VmRSS), in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process used so far."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def cpu_wait_seconds(pid: int) -> float:
    """How long the process's main thread (the app's event loop) was ready to run but waited
    for a core, so far: the second figure of ``/proc/<pid>/schedstat``, in nanoseconds."""
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[1]) / 1e9


def machine_busy_seconds() -> float:
    """CPU time all processes on the machine used so far (every core, from /proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / CLOCK_TICKS


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


class AppProcess:
    """`python -m equeue_ui.cli run` on a loopback port; restartable on the same port."""

    def __init__(
        self,
        name: str,
        data_dir: Path,
        database_url: str | None,
        *,
        gc_trace: bool = False,
        settings: dict[str, str] | None = None,
    ) -> None:
        self.name = name
        self.settings = settings or {}  # more EQUEUE_* variables for the app
        self.command = [sys.executable, "-m", "equeue_ui.cli", "run"]
        if gc_trace:
            self.command = [sys.executable, str(Path(__file__).with_name("gc_trace.py"))]
        self.data_dir = data_dir
        self.database_url = database_url
        self.port = free_port()
        self.log_path = data_dir / f"app-{name}.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def pid(self) -> int:
        if self.process is None:
            raise AppError(f"app {self.name} is not running")
        return self.process.pid

    def log_tail(self, size: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-size:]
        except OSError:
            return "(no log)"

    def start(self, timeout: float = STARTUP_TIMEOUT) -> None:
        if self.process is not None:
            raise AppError(f"app {self.name} is already running")
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.command,
                cwd=self.data_dir,  # no stray .env from the repository
                env=clean_environment(self.data_dir, self.port, self.database_url, self.settings),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            self._wait_healthy(timeout)
        except AppError:
            self.stop()
            raise
        if extra := children(self.pid):
            print(f"note: app {self.name} (pid {self.pid}) has child processes {extra}")

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """SIGTERM, then SIGKILL after ``timeout``; only the process started here."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout)

    def check_alive(self) -> None:
        if self.process is None or self.process.poll() is not None:
            raise AppError(f"app {self.name} exited:\n{self.log_tail()}")

    def rss_kb(self) -> int:
        return rss_kb(self.pid)

    def gc_pauses(self, start: float, end: float) -> list[tuple[int, float]]:
        """Collector pauses (generation, ms) logged by ``--gc-trace`` between two moments."""
        pauses = []
        for line in self.log_tail(10_000_000).splitlines():
            if line.startswith("GCPAUSE "):
                fields = dict(part.split("=", 1) for part in line.split()[1:])
                if start <= float(fields["at"]) <= end:
                    pauses.append((int(fields["gen"]), float(fields["ms"])))
        return pauses

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.pid)

    def cpu_wait_seconds(self) -> float:
        return cpu_wait_seconds(self.pid)

    def _wait_healthy(self, timeout: float) -> None:
        assert self.process is not None
        deadline = time.monotonic() + timeout
        problem = "no answer"
        with httpx.Client(timeout=2.0) as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise AppError(f"app {self.name} exited:\n{self.log_tail()}")
                try:
                    response = client.get(f"{self.url}/healthz")
                except httpx.HTTPError as error:
                    problem = repr(error)
                else:
                    if response.status_code == 200:
                        return
                    problem = f"HTTP {response.status_code}"
                time.sleep(0.1)
        raise AppError(f"app {self.name}: /healthz not 200 within {timeout:.0f} s ({problem})")


class PostgresDatabase:
    """A fresh, uniquely named database on the local server, dropped afterwards."""

    def __init__(self) -> None:
        self.name = f"equeue_bench_{uuid.uuid4().hex[:12]}"

    @property
    def url(self) -> str:
        base = PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
        return f"{base}/{self.name}"

    def create(self) -> None:
        asyncio.run(self._execute(f'CREATE DATABASE "{self.name}"'))

    def drop(self) -> None:
        asyncio.run(self._execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))

    @staticmethod
    async def _execute(statement: str) -> None:
        connection = await asyncpg.connect(PG_ADMIN_DSN, timeout=5)
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

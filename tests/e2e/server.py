"""Running the real app as a subprocess for the browser tests: clean environment, free port."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from pydantic import TypeAdapter

PYTHON = Path(sys.executable)
SECRET = "e2e-secret-" + "z" * 40
DATABASE_FILE = "equeue.sqlite3"
STARTUP_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
OUTPUT_TAIL = 6000


class ServerError(RuntimeError):
    """The app did not start (or stopped unexpectedly); the message carries its output."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# The caller's EQUEUE_* settings that do reach the app: CI runs the browser tests once more
# with EQUEUE_TUNING=off (.ci/run), and the app must then really run without its patches.
PASSED_SETTINGS = ("EQUEUE_TUNING",)


def clean_environment(data_dir: Path) -> dict[str, str]:
    """The caller's environment without pytest's and NiceGUI's test switches, nor any EQUEUE_*
    setting of the caller's (a database URL there would point the app at a shared database)
    but those in :data:`PASSED_SETTINGS`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key != "PYTEST_CURRENT_TEST"
        and not key.startswith("NICEGUI_")
        and (not key.startswith("EQUEUE_") or key in PASSED_SETTINGS)
    }
    env.update(
        EQUEUE_DATA_DIR=str(data_dir),
        EQUEUE_SECRET=SECRET,
        EQUEUE_DEFAULT_LANGUAGE="en",
        EQUEUE_HOST="127.0.0.1",
        PYTHONUNBUFFERED="1",
    )
    return env


def tuning_on() -> bool:
    """Whether the app under test runs with its tuning patches: EQUEUE_TUNING of the test run,
    which :func:`clean_environment` passes on (on unless set otherwise)."""
    return TypeAdapter(bool).validate_python(os.environ.get("EQUEUE_TUNING", "on"))


def seed_demo(data_dir: Path, *, timeout: float = 180.0, env: dict[str, str] | None = None) -> None:
    """Create a migrated database with the demo data in ``data_dir`` (`equeue seed-demo`)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [str(PYTHON), "-m", "equeue_ui.cli", "seed-demo"],
        cwd=data_dir,
        env=clean_environment(data_dir) | (env or {}),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise ServerError(
            f"`equeue seed-demo` failed with exit code {result.returncode}:\n"
            f"{result.stdout}\n{result.stderr}"
        )


def copy_database(template_dir: Path, data_dir: Path) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    for path in template_dir.glob(DATABASE_FILE + "*"):  # with -wal/-shm files, if any
        shutil.copy2(path, data_dir / path.name)


class AppServer:
    """`equeue run --demo` on a loopback port; restartable on the same port and data folder."""

    def __init__(
        self,
        data_dir: Path,
        *,
        port: int | None = None,
        env: dict[str, str] | None = None,
        demo: bool = True,
    ) -> None:
        self.data_dir = data_dir
        self.env = env or {}
        self.demo = demo
        self.port = port or free_port()
        self.log_path = data_dir / "server.log"
        self.starts = 0
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        if not self.log_path.exists():
            return "(no output)"
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return text[-OUTPUT_TAIL:]

    def start(self, timeout: float = STARTUP_TIMEOUT) -> None:
        if self._process is not None:
            raise ServerError("the server is already running")
        self.starts += 1
        with self.log_path.open("ab") as log:
            log.write(f"\n===== start #{self.starts} on port {self.port} =====\n".encode())
            log.flush()
            self._process = subprocess.Popen(
                [
                    str(PYTHON),
                    "-m",
                    "equeue_ui.cli",
                    "run",
                    *(["--demo"] if self.demo else []),
                    "--port",
                    str(self.port),
                ],
                cwd=self.data_dir,
                env=clean_environment(self.data_dir) | self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            self._wait_until_healthy(timeout)
        except ServerError:
            self.stop()
            raise

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """SIGTERM, then SIGKILL if it has not exited within ``timeout`` seconds."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(STOP_TIMEOUT)

    def restart(self, timeout: float = STARTUP_TIMEOUT) -> None:
        self.stop()
        self.start(timeout)

    def _wait_until_healthy(self, timeout: float) -> None:
        assert self._process is not None
        deadline = time.monotonic() + timeout
        last_problem = "no answer yet"
        with httpx.Client(timeout=2.0) as client:
            while time.monotonic() < deadline:
                code = self._process.poll()
                if code is not None:
                    raise ServerError(
                        f"the app exited with code {code} before answering /healthz:\n"
                        f"{self.output()}"
                    )
                try:
                    response = client.get(f"{self.url}/healthz")
                except httpx.HTTPError as error:
                    last_problem = repr(error)
                else:
                    if response.status_code == 200:
                        return
                    last_problem = f"HTTP {response.status_code}: {response.text[:200]}"
                time.sleep(0.1)
        raise ServerError(
            f"/healthz did not answer 200 within {timeout:.0f} s ({last_problem}):\n{self.output()}"
        )

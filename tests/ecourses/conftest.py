"""The fake eCourses on a real loopback port (uvicorn in a thread), shared by the session."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from equeue_ui import runtime
from equeue_ui.ecourses.fake.app import create_app
from equeue_ui.runtime import Runtime
from equeue_ui.services import avatars
from equeue_ui.services.queues import load_snapshot
from tests.conftest import make_settings

# Short, so "eCourses is slow" tests finish quickly; the fake's slow mode waits longer.
TIMEOUT = 1.5


@dataclass(frozen=True)
class Fake:
    url: str

    def control(self, **command: Any) -> dict[str, Any]:
        response = httpx.post(f"{self.url}/_fake/control", json=command, timeout=5)
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        assert "error" not in result, result
        return result

    def requests(self) -> list[dict[str, Any]]:
        return httpx.get(f"{self.url}/_fake/requests", timeout=5).json()  # type: ignore[no-any-return]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def fake_server() -> Iterator[Fake]:
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the fake eCourses did not start"
        time.sleep(0.02)
    yield Fake(f"http://127.0.0.1:{port}")
    server.should_exit = True
    thread.join(5)


@pytest.fixture
def fake(fake_server: Fake) -> Fake:
    """The fake eCourses, reset to its demo data and good behaviour."""
    fake_server.control(reset=True)
    return fake_server


@pytest.fixture
def closed_url() -> str:
    """An address where nothing listens: connections are refused."""
    return f"http://127.0.0.1:{free_port()}"


@pytest.fixture
async def ert(database_url: str, tmp_path: Path, fake: Fake) -> AsyncIterator[Runtime]:
    """The runtime over a fresh database (SQLite and PostgreSQL), pointed at the fake."""
    settings = make_settings(database_url, tmp_path).model_copy(
        update={"ecourses_url": fake.url, "ecourses_timeout_seconds": TIMEOUT}
    )
    built = runtime.build(settings, load_snapshot=load_snapshot)
    runtime.install(built)
    try:
        yield built
    finally:
        await avatars.background_refreshes(cancel=True)  # pictures a sign-in began fetching
        runtime.install(None)
        await built.db.dispose()


# The UI tests here use the `user` fixture and the demo world of tests/ui.
from tests.ui.conftest import demo, demo_template, quick_passwords, ui_env, user  # noqa: E402, F401

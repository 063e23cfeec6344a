"""Two app processes on one PostgreSQL behave as one: a change made through one shows on a
browser connected to the other (LISTEN/NOTIFY), within a second."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from tests import databases
from tests.e2e.conftest import connected, new_page, sign_in
from tests.e2e.server import AppServer, ServerError, seed_demo

pytestmark = pytest.mark.e2e


@pytest.fixture
def two_servers(tmp_path: Path) -> Iterator[tuple[AppServer, AppServer]]:
    reason = databases.pg_available()
    if reason is not None:
        if os.environ.get("EQUEUE_REQUIRE_POSTGRES") == "1":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    name = databases.create_pg_database()
    env = {"EQUEUE_DATABASE_URL": databases.pg_url(name)}
    servers = [
        AppServer(tmp_path / "a", env=env, demo=False),
        AppServer(tmp_path / "b", env=env, demo=False),
    ]
    try:
        seed_demo(tmp_path / "seed", env=env)  # migrates and seeds once, before both start
        for server in servers:
            server.data_dir.mkdir(parents=True)
            server.start()
        yield servers[0], servers[1]
    except ServerError as error:
        pytest.fail(str(error), pytrace=False)
    finally:
        for server in servers:
            server.stop()
        databases.drop_pg_database(name)


async def test_a_join_made_through_process_a_shows_on_a_browser_of_process_b_within_a_second(
    browser: Browser, two_servers: tuple[AppServer, AppServer]
) -> None:
    server_a, server_b = two_servers
    watcher = await new_page(browser, server_b)
    await sign_in(watcher, "student4")
    await watcher.goto("/queues/1")
    await connected(watcher)
    await expect(watcher.get_by_text("Елена Попова").first).to_be_visible()

    joiner = await new_page(browser, server_a)
    await sign_in(joiner, "student9")
    await joiner.goto("/queues/1")
    await connected(joiner)
    clicked = time.monotonic()
    await joiner.get_by_role("button", name="Join the queue").click()

    await expect(watcher.get_by_text("Иван Волков")).to_be_visible(timeout=1_000)
    assert time.monotonic() - clicked < 1.5  # the click's own round trip included

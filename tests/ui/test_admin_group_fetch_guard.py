"""/admin/groups: a timetable address inside the server's network is refused with the one
"cannot fetch" message and nothing is read or written (issue 13, point 8)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from nicegui.testing.user import User

from equeue_ui import demo
from equeue_ui.services import groups
from tests.ui.helpers import PATIENCE, account, sign_in, wait_for_notice

pytestmark = pytest.mark.usefixtures("demo")
INSIDE_NAME = "ИНТРАНЕТ-1"


@pytest.fixture
def intranet_timetable() -> Iterator[tuple[str, list[str]]]:
    """A timetable answering with a good list, on loopback: somewhere only the server reaches."""
    seen: list[str] = []
    body = json.dumps([{"name": INSIDE_NAME}], ensure_ascii=False).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/groups", seen
    finally:
        server.shutdown()
        server.server_close()


async def test_a_timetable_address_inside_the_network_is_refused_and_nothing_is_written(
    user: User, intranet_timetable: tuple[str, list[str]]
) -> None:
    url, seen = intranet_timetable
    await sign_in(user, "admin", demo.ADMIN_PASSWORD, path="/admin/groups")
    await user.should_see(marker="group-search", retries=PATIENCE)

    user.find(marker="import-url").type(url)
    user.find(marker="import-fetch").click()

    await wait_for_notice(user, "Cannot fetch this address.")
    await user.should_not_see(marker="import-preview")
    assert seen == []
    admin = await account("admin")
    assert not (await groups.list_groups(INSIDE_NAME, actor=admin)).rows

"""In Chromium: the main pages (and the API's docs page) work under the Content-Security-Policy
(no violation, the live queue still updates), and no other site can show the app in a frame."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.async_api import Browser, Page, expect

from tests.e2e.conftest import (
    connected,
    make_display_link,
    new_page,
    open_console,
    open_queue,
    sign_in,
)
from tests.e2e.server import AppServer, free_port

pytestmark = pytest.mark.e2e

WORKSPACE = "Осенний семестр 2026"
SUBJECT = "Алгоритмы и структуры данных"
STUDENT, STUDENT_NAME = "student8", "Полина Морозова"  # not in the demo queue yet
ADMIN_PASSWORD = "admin12345"  # equeue_ui/demo.py
# Reported to the test the moment Chromium refuses anything the policy does not allow.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportViolation(`${location.pathname}: ${event.violatedDirective} ${event.blockedURI}`);
});
"""


class Violations(list[str]):
    async def watch(self, page: Page) -> Page:
        await page.context.expose_binding(
            "reportViolation", lambda _source, text: self.append(text)
        )
        await page.context.add_init_script(REPORT_VIOLATIONS)
        page.on(
            "console",
            lambda message: (
                self.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        return page


async def visit(page: Page, path: str) -> None:
    """Open ``path`` and wait for its live connection: by then every script of it has run."""
    response = await page.goto(path)
    assert response is not None and response.ok, path
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"], path
    await connected(page)


async def test_the_main_pages_run_under_the_policy_and_the_queue_stays_live(
    browser: Browser, app_server: AppServer
) -> None:
    violations = Violations()
    student = await violations.watch(await new_page(browser, app_server))
    teacher = await violations.watch(await new_page(browser, app_server))
    admin = await violations.watch(await new_page(browser, app_server))
    await sign_in(student, STUDENT)  # the sign-in page, then the home page
    await sign_in(teacher, "teacher")
    await sign_in(admin, "admin", ADMIN_PASSWORD)

    queue_path = await open_queue(student, WORKSPACE, SUBJECT)  # home, workspace, queue
    queue_id = int(queue_path.rsplit("/", 1)[1])
    assert await open_console(teacher, SUBJECT) == queue_id
    await expect(student.get_by_role("button", name="Join the queue")).to_be_enabled()
    await student.get_by_role("button", name="Join the queue").click()
    await expect(teacher.get_by_text(STUDENT_NAME).first).to_be_visible()  # live, over the socket
    await expect(student.get_by_role("button", name="Leave", exact=True)).to_be_visible()

    board_link = await make_display_link(teacher, "Room 4-12")
    for path in ("/groups", "/teaching", f"/queues/{queue_id}/board", board_link):
        await visit(teacher, path)
    await visit(student, "/subjects/1")
    await expect(student.get_by_text(re.compile("^Лабораторная работа №1")).first).to_be_visible()
    for path in ("/admin", "/admin/users", "/admin/groups", "/admin/settings", "/admin/audit"):
        await visit(admin, path)
    for path in ("/workspaces/1/settings", f"/queues/{queue_id}/stats", "/subjects/1/stats"):
        await visit(admin, path)
    # The API's Swagger UI (its files from the installed package) draws the operations it
    # fetched from /api/v1/openapi.json: its scripts run under the same policy.
    await admin.goto("/api/docs")
    await expect(admin.get_by_text("/api/v1/queues/{queue_id}/events").first).to_be_visible()

    assert violations == []


async def test_another_site_cannot_show_the_app_in_a_frame(
    browser: Browser, app_server: AppServer
) -> None:
    page = await new_page(browser, app_server)
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))
    framed = f"{app_server.url}/login"
    with framing_site(framed) as elsewhere:
        async with page.expect_event(
            "requestfailed", predicate=lambda request: request.url == framed
        ) as refused:
            await page.goto(elsewhere)
    assert (await refused.value).failure == "net::ERR_BLOCKED_BY_RESPONSE"
    assert any("frame-ancestors 'none'" in text for text in messages), messages


@contextmanager
def framing_site(target: str) -> Iterator[str]:
    """Another origin on this machine (a page served by the browser's test harness would count
    as a public site, which Chromium never lets frame a loopback address at all)."""
    page = f'<h1>Elsewhere</h1><iframe src="{target}"></iframe>'.encode()

    class Framing(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Framing)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()

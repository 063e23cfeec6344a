"""Counts the browser fills in take the reader's plural forms (issue 16, point 7), in real
Chromium: the queue list's "N in the queue" in Russian says 1 человек, 2 человека, 5 человек,
21 человек, 22 человека as the queue changes, picked by the browser's Intl.PluralRules."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from tests.e2e.conftest import connected, open_queue, signed_in_page
from tests.e2e.server import AppServer

pytestmark = pytest.mark.e2e

LANGUAGE_COOKIE = "equeue_language"  # equeue_ui/browser_guard.py
WORKSPACE = "Осенний семестр 2026"
SUBJECT = "Алгоритмы и структуры данных"


async def test_the_queue_list_counts_in_russian_plural_forms_as_the_queue_changes(
    browser: Browser, app_server: AppServer
) -> None:
    page = await signed_in_page(browser, app_server, "student2")
    path = await open_queue(page, WORKSPACE, SUBJECT)
    await page.context.add_cookies(
        [{"name": LANGUAGE_COOKIE, "value": "ru", "url": app_server.url}]
    )
    await page.goto(path)
    await connected(page)
    await expect(page.get_by_text("7 человек в очереди", exact=True)).to_be_visible()  # demo
    queue_id = int(path.rstrip("/").rsplit("/", 1)[-1])
    expected = {1: "1 человек", 2: "2 человека", 5: "5 человек", 21: "21 человек"}
    expected |= {22: "22 человека", 111: "111 человек", 0: "0 человек"}
    for version, (size, words) in enumerate(expected.items(), start=10**9):
        # Handed to the list the way the server's broadcast does (components/queue_view.js).
        await page.evaluate(
            """([queueId, version, size]) => {
                const entries = [...Array(size).keys()].map((i) => ({id: 10 ** 6 + i,
                    user_id: 10 ** 6 + i, name: "Студент " + i, task: null, status: "waiting"}));
                const snapshot = {queue_id: queueId, version, state: "open",
                    newcomer_wait: null, entries};
                window.socket.listeners("queue_snapshot").forEach((receive) => receive(snapshot));
            }""",
            [queue_id, version, size],
        )
        await expect(page.get_by_text(f"{words} в очереди", exact=True)).to_be_visible()

"""The installable web app in Chromium (issue 17, points 1 and 4): the worker registers, DevTools
reports no installability errors for the sign-in page, a page opened without a connection is
the offline page in the reader's language, and a push delivered through DevTools shows a
notification that names the queue and leads to its page.

What headless Chromium cannot do: show the install prompt itself (it has no browser UI; the
installability check is what decides whether the prompt is offered), draw a notification on a
screen, or tap one (no DevTools command does, and without a tap it opens no window): the
worker's click handler is sent the click event the browser would send, and the window it asks
for is checked. Subscribing for real (PushManager.subscribe) needs the browser's own push
service, which a machine without Google's servers cannot reach: tests/ui/test_push_device.py
covers the page's side, tests/services/test_push.py the server's."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import BrowserContext, Page, async_playwright, expect

from components.session import LANGUAGE_COOKIE
from tests.e2e.a11y import axe_violations, contrast_failures, describe
from tests.e2e.conftest import ACTION_TIMEOUT_MS, CHROMIUM_ARGS
from tests.e2e.server import AppServer

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
PUSH_LOOKS, PUSH_LOOK_PAUSE_S = 20, 0.1  # two seconds for a delivered push to show
WORKER_READY_JS = "async () => (await navigator.serviceWorker.ready).active.scriptURL"
NOTIFICATIONS_JS = """async () => (await (await navigator.serviceWorker.ready).getNotifications())
    .map(n => ({title: n.title, body: n.body, tag: n.tag, url: n.data.url}))"""

# What every page load does (pages/web_app.py), then the language of the cached offline page.
# Told again on each look: right after going online, the worker's fetch may still find none.
CACHED_OFFLINE_LANGUAGE_JS = """async () => {
    const worker = (await navigator.serviceWorker.ready).active;
    worker.postMessage({language: document.documentElement.lang});
    return (await caches.match("/offline"))?.headers.get("Content-Language") ?? null;
}"""
CLICK_NOTIFICATION_JS = """async () => {
    const opened = new Promise(resolve => {
        self.clients.openWindow = async (url) => { resolve(url); return null; };
    });
    const [notification] = await self.registration.getNotifications();
    self.dispatchEvent(new NotificationEvent("notificationclick", {notification}));
    return await opened;
}"""


async def worker_ready(page: Page) -> str:
    return str(await page.evaluate(WORKER_READY_JS))


@pytest.fixture
async def profile(
    chromium: Path, app_server: AppServer, tmp_path: Path
) -> AsyncIterator[BrowserContext]:
    """A browser with a profile on disk: Chromium installs nothing from an incognito window,
    which every ordinary Playwright context is."""
    async with async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            tmp_path / "profile",
            executable_path=str(chromium),
            args=CHROMIUM_ARGS,
            base_url=app_server.url,
            viewport={"width": 360, "height": 740},
            locale="en-US",
            permissions=["notifications"],
        )
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        try:
            yield context
        finally:
            await context.close()


async def test_installable_offline_and_push(profile: BrowserContext, app_server: AppServer) -> None:
    page = profile.pages[0] if profile.pages else await profile.new_page()
    cdp = await page.context.new_cdp_session(page)
    registrations: list[dict[str, str]] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(event["registrations"]),
    )
    await cdp.send("ServiceWorker.enable")
    await page.goto("/login")  # plain HTML, with the same head as every page (pages/web_app.py)
    await expect(page.get_by_role("button", name="Sign in", exact=True)).to_be_visible()
    assert await worker_ready(page) == f"{app_server.url}/sw.js"

    manifest = await cdp.send("Page.getAppManifest")
    assert manifest["errors"] == [], manifest["errors"]
    installability = await cdp.send("Page.getInstallabilityErrors")
    assert installability["installabilityErrors"] == []
    await page.screenshot(path=SCREENSHOTS / "web-app-sign-in-360.png")

    # Pushed as the server would (tests/services/test_push.py checks the server's side).
    registration_id = next(r["registrationId"] for r in registrations if not r["isDeleted"])
    message = {
        "title": "It is your turn!",
        "body": "Go to the teacher: Algorithms",
        "topic": "queue-1",
        "url": "/queues/1",
    }
    data = json.dumps(message)
    push = {"origin": app_server.url, "registrationId": registration_id, "data": data}
    shown: list[dict[str, str]] = []
    async with asyncio.timeout(ACTION_TIMEOUT_MS / 1000):
        while not shown:
            # Headless Chromium drops some pushes DevTools delivers to a worker that has only
            # just become active (two runs in five, the worker's handler never called): deliver
            # again until one shows. Each carries the same tag, so the worker shows only one.
            await cdp.send("ServiceWorker.deliverPushMessage", push)
            for _ in range(PUSH_LOOKS):
                shown = await page.evaluate(NOTIFICATIONS_JS)  # a round trip to the browser
                if shown:
                    break
                await asyncio.sleep(PUSH_LOOK_PAUSE_S)
    assert shown == [
        {
            "title": "It is your turn!",
            "body": "Go to the teacher: Algorithms",
            "tag": "queue-1",
            "url": "/queues/1",
        }
    ]

    # What a tap on the notification does: the worker's click handler, sent the click event the
    # browser would send. Headless Chromium has no notification to tap (no DevTools command taps
    # one), and without a tap it refuses to open a window, so the worker's openWindow is watched
    # instead: it is asked for the queue's page.
    opened = await profile.service_workers[0].evaluate(CLICK_NOTIFICATION_JS)
    assert opened == f"{app_server.url}/queues/1"

    await page.context.set_offline(True)
    await page.goto("/")  # any page: without a connection the worker answers
    await expect(page.get_by_role("heading", name="No connection")).to_be_visible()
    assert await page.evaluate("document.documentElement.lang") == "en"
    for theme in ("light", "dark"):
        await page.emulate_media(color_scheme=theme)
        found, contrast = await axe_violations(page), await contrast_failures(page)
        assert not found and not contrast, describe(found, contrast)
        await page.screenshot(path=SCREENSHOTS / f"web-app-offline-{theme}-360.png")
    await page.context.set_offline(False)

    # Another language chosen: the next page tells the worker, which caches the page anew.
    await profile.add_cookies([{"name": LANGUAGE_COOKIE, "value": "ru", "url": app_server.url}])
    await page.goto("/login")
    await expect(page.get_by_role("button", name="Вход", exact=True)).to_be_visible()
    async with asyncio.timeout(ACTION_TIMEOUT_MS / 1000):
        while await page.evaluate(CACHED_OFFLINE_LANGUAGE_JS) != "ru":
            pass  # each look is a round trip to the browser
    await page.context.set_offline(True)
    await page.goto("/")
    await expect(page.get_by_role("heading", name="Нет соединения")).to_be_visible()
    await page.context.set_offline(False)

"""Screenshots of the installable web app in a real browser window: the install prompt and a
"your turn" notification, then a real click on that notification (issue 17).

The browser tests (tests/e2e/test_web_app.py) run Chromium headless, which has no browser UI:
they check that the manifest is installable and that a push makes a notification, but cannot
show the prompt or the notification, nor tap it. This script runs Chromium with its windows on
a virtual X screen of its own (Xvfb), as a student on a phone-sized screen would see it:

1. the app (the demo database, as the browser tests start it) and Chromium, headful, with a
   profile on disk (Chromium installs nothing from an incognito window);
2. a demo student signs in and opens a queue; on the start page, a click (a user gesture) asks
   the page's ``beforeinstallprompt`` event to ``prompt()``: Chromium's "Install app" dialog →
   ``docs/web-app-install-prompt.png`` (the whole X screen, browser UI included); the dialog is
   then dismissed with Escape, and the page is told "dismissed";
3. a push is delivered to the service worker through DevTools
   (``ServiceWorker.deliverPushMessage``) with the words the server sends for a call; Chromium
   draws the notification itself (its message-center popup, bottom right: no D-Bus
   notification server is reachable, on purpose, so none on the caller's desktop takes it) →
   ``docs/web-app-notification.png``;
4. the popup is clicked with xdotool where it appeared on the screen; the worker's click
   handler must open the queue's page in a new tab, which the script waits for (the screen
   then: ``build/screenshots/web-app-opened.png``, not committed).

Run from the repository root (it imports the browser tests' helpers)::

    .venv/bin/python -m scripts.web_app_screenshots [--out docs]

Needs /usr/bin/chromium (``make browser``) and the Debian packages ``xvfb`` and ``xdotool``
(``fonts-noto-color-emoji`` too, or the tab's 🎓 icon is a box). Pillow grabs the screen
(through XCB). Not part of ``make test``: it writes files into docs/ and takes about 30 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PIL import Image, ImageChops, ImageGrab
from playwright.async_api import BrowserContext, Page, Playwright, async_playwright, expect

from equeue_ui.i18n import translate
from equeue_ui.services.push_sending import CALLED_BODY, CALLED_TITLE, PushMessage, topic
from tests.e2e.conftest import (
    ACTION_TIMEOUT_MS,
    CHROMIUM,
    CHROMIUM_ARGS,
    connected,
    open_queue,
    sign_in,
)
from tests.e2e.server import AppServer, ServerError, copy_database, seed_demo

DOCS = Path(__file__).resolve().parents[1] / "docs"
# What the click opened: looked at, not committed (build/ is ignored).
OPENED_PNG = Path(__file__).resolve().parents[1] / "build" / "screenshots" / "web-app-opened.png"
# Chromium's windows are at least 500 px wide: a phone-sized screen just that wide.
SCREEN = (500, 860)
STUDENT = "student5"  # in the demo's queue of SUBJECT
WORKSPACE = "Осенний семестр 2026"
SUBJECT = "Алгоритмы и структуры данных"
MAX_PNG_BYTES = 300_000
SCREEN_WAIT_S = 15.0

# The page asks for the prompt only when the reader does something (as a site's own "Install"
# button would): the event is kept until then.
KEEP_INSTALL_PROMPT_JS = """window.addEventListener("beforeinstallprompt", (event) => {
    event.preventDefault();
    window.installPrompt = event;
});"""
PROMPT_ON_CLICK_JS = """() => {
    if (!window.installPrompt) return false;
    document.addEventListener("click", () => {
        window.installChoice = window.installPrompt.prompt().then(choice => choice.outcome);
    }, {once: true});
    return true;
}"""
# No password-saving bubble over the page after signing in.
PREFERENCES = {"credentials_enable_service": False, "profile": {"password_manager_enabled": False}}


class ScreenshotError(RuntimeError):
    """Something the screenshots need did not appear; the message says what."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DOCS, help="folder for the PNGs (docs/)")
    arguments = parser.parse_args()
    try:
        opened = asyncio.run(take_screenshots(arguments.out))
    except (ScreenshotError, ServerError) as error:
        sys.exit(f"web_app_screenshots: {error}")
    print(f"the notification's click opened {opened}")


async def take_screenshots(out: Path) -> str:
    """Write both PNGs into ``out``; returns the URL that the notification's click opened."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="equeue-shots-") as folder, virtual_screen() as display:
        root = Path(folder)
        seed_demo(root / "template")
        copy_database(root / "template", root / "data")
        server = AppServer(root / "data")
        server.start()
        try:
            async with async_playwright() as playwright:
                context = await launch(playwright, root / "profile", display, server)
                try:
                    return await _show(context, server, display, out)
                finally:
                    await context.close()
        finally:
            server.stop()


async def launch(
    playwright: Playwright, profile: Path, display: str, server: AppServer
) -> BrowserContext:
    """Chromium headful on ``display``, one window filling the screen, notifications allowed."""
    environment: dict[str, str | float | bool] = {**browser_environment(display)}
    context = await playwright.chromium.launch_persistent_context(
        browser_profile(profile),
        executable_path=str(CHROMIUM),
        headless=False,
        args=[
            *CHROMIUM_ARGS,
            "--test-type",  # no infobar warning of --no-sandbox over the page
            "--window-position=0,0",
            f"--window-size={SCREEN[0]},{SCREEN[1]}",
        ],
        # The automation infobar would cover the page's top.
        ignore_default_args=["--enable-automation"],
        env=environment,
        base_url=server.url,
        no_viewport=True,
        locale="en-US",
        permissions=["notifications"],
    )
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    return context


async def _show(context: BrowserContext, server: AppServer, display: str, out: Path) -> str:
    await context.add_init_script(KEEP_INSTALL_PROMPT_JS)
    page = context.pages[0] if context.pages else await context.new_page()
    await sign_in(page, STUDENT)
    queue_path = await open_queue(page, WORKSPACE, SUBJECT)
    queue_id = int(queue_path.rsplit("/", 1)[-1])
    # From the start page, so that the click opens the queue in a new tab, as from a pocket.
    await page.goto("/")
    await connected(page)

    await install_prompt(page, display, out / "web-app-install-prompt.png")

    message = PushMessage(
        title=CALLED_TITLE.render("en"),
        body=translate(CALLED_BODY.msgid, "en", subject=SUBJECT),
        topic=topic(queue_id),
        url=queue_path,
    )
    spot = await notification(page, server, message, display, out / "web-app-notification.png")

    # A real click where the popup is (away from its close and settings buttons, top right).
    x, y = spot[0] + (spot[2] - spot[0]) // 3, (spot[1] + spot[3]) // 2
    async with context.expect_page(timeout=ACTION_TIMEOUT_MS) as opening:
        xdotool(display, "mousemove", str(x), str(y), "click", "1")
    opened = await opening.value
    await opened.wait_for_url(re.compile(rf"{re.escape(queue_path)}$"))
    await expect(opened.get_by_text(re.compile(r"^\d+ in the queue$"))).to_be_visible()
    OPENED_PNG.parent.mkdir(parents=True, exist_ok=True)
    save(await still_screen(display), OPENED_PNG)
    return opened.url


async def install_prompt(page: Page, display: str, path: Path) -> None:
    """Chromium's "Install app" dialog, asked for by the page after a click on it."""
    deadline = time.monotonic() + SCREEN_WAIT_S
    while not await page.evaluate(PROMPT_ON_CLICK_JS):  # the event comes once the worker runs
        if time.monotonic() > deadline:
            raise ScreenshotError("Chromium sent no beforeinstallprompt: is the app installable?")
        await asyncio.sleep(0.2)
    before = await still_screen(display)
    await page.mouse.click(SCREEN[0] // 2, SCREEN[1] - 120)  # an empty spot of the page
    dialog = await changed_area(display, before, "the install dialog")
    save(grab(display), path)
    # Keys go to the window under the pointer (no window manager gives focus).
    x, y = (dialog[0] + dialog[2]) // 2, (dialog[1] + dialog[3]) // 2
    xdotool(display, "mousemove", str(x), str(y), "key", "Escape")
    outcome = await page.evaluate("window.installChoice")
    if outcome != "dismissed":
        raise ScreenshotError(f"the install dialog answered {outcome!r}, not 'dismissed'")
    # Focus back on the page: left on the install button, it would show its tooltip.
    await page.mouse.click(SCREEN[0] // 2, SCREEN[1] - 120)


async def notification(
    page: Page, server: AppServer, message: PushMessage, display: str, path: Path
) -> tuple[int, int, int, int]:
    """Push ``message`` to the page's service worker as a push service would; screenshots the
    notification and returns where on the screen it is (left, top, right, bottom)."""
    cdp = await page.context.new_cdp_session(page)
    registrations: list[str] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(
            r["registrationId"] for r in event["registrations"] if not r["isDeleted"]
        ),
    )
    await cdp.send("ServiceWorker.enable")
    await page.evaluate("navigator.serviceWorker.ready")
    deadline = time.monotonic() + SCREEN_WAIT_S
    while not registrations:
        if time.monotonic() > deadline:
            raise ScreenshotError("DevTools reported no service worker registration")
        await asyncio.sleep(0.1)
    before = await still_screen(display)
    await cdp.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": server.url,
            "registrationId": registrations[-1],
            "data": message.payload().decode(),
        },
    )
    spot = await changed_area(display, before, "the notification")
    save(grab(display), path)
    return spot


async def changed_area(display: str, before: Image.Image, what: str) -> tuple[int, int, int, int]:
    """Where the screen changed since ``before``, once it has stopped changing (a popup slides
    and fades in)."""
    deadline = time.monotonic() + SCREEN_WAIT_S
    last: Image.Image | None = None
    while time.monotonic() < deadline:
        await asyncio.sleep(0.4)
        now = grab(display)
        area = ImageChops.difference(before, now).getbbox()
        if area is not None and last is not None and not ImageChops.difference(last, now).getbbox():
            return area
        last = now
    raise ScreenshotError(f"{what} did not appear on the screen within {SCREEN_WAIT_S:.0f} s")


async def still_screen(display: str) -> Image.Image:
    """The screen once two looks in a row find it the same (no fade or tooltip under way)."""
    deadline = time.monotonic() + SCREEN_WAIT_S
    last = grab(display)
    while time.monotonic() < deadline:
        await asyncio.sleep(0.4)
        now = grab(display)
        if not ImageChops.difference(last, now).getbbox():
            return now
        last = now
    raise ScreenshotError(f"the screen did not stand still within {SCREEN_WAIT_S:.0f} s")


def grab(display: str) -> Image.Image:
    return ImageGrab.grab(xdisplay=display).convert("RGB")


def save(image: Image.Image, path: Path) -> None:
    """A PNG under :data:`MAX_PNG_BYTES`: true colour if it fits, else a 256-colour palette."""
    image.save(path, optimize=True)
    if path.stat().st_size > MAX_PNG_BYTES:
        image.quantize(256).save(path, optimize=True)
    print(f"wrote {path} ({path.stat().st_size // 1024} KB)")


def browser_profile(folder: Path) -> Path:
    (folder / "Default").mkdir(parents=True)
    (folder / "Default" / "Preferences").write_text(json.dumps(PREFERENCES), encoding="utf-8")
    return folder


def browser_environment(display: str) -> dict[str, str]:
    """The caller's environment on the virtual screen, without their session bus: Chromium
    would hand notifications to their desktop's notification server, not draw them here."""
    env = {key: value for key, value in os.environ.items() if key != "DBUS_SESSION_BUS_ADDRESS"}
    env["DISPLAY"] = display
    return env


def xdotool(display: str, *command: str) -> None:
    try:
        subprocess.run(["xdotool", *command], env=browser_environment(display), check=True)
    except FileNotFoundError as error:
        raise ScreenshotError("xdotool is missing (Debian package `xdotool`)") from error


@contextmanager
def virtual_screen() -> Iterator[str]:
    """An Xvfb screen of :data:`SCREEN`'s size on a free display number, e.g. ``":3"``."""
    reading, writing = os.pipe()
    size = f"{SCREEN[0]}x{SCREEN[1]}x24"
    try:
        server = subprocess.Popen(
            ["Xvfb", "-displayfd", str(writing), "-screen", "0", size, "-nolisten", "tcp"],
            pass_fds=(writing,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    except FileNotFoundError as error:
        raise ScreenshotError("Xvfb is missing (Debian package `xvfb`)") from error
    os.close(writing)
    try:
        with os.fdopen(reading) as announced:  # Xvfb writes the number once it is ready
            number = announced.readline().strip()
        if not number:
            raise ScreenshotError("Xvfb did not start")
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()

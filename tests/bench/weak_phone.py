"""How fast the sign-in and queue pages load on a phone on a weak signal (issue 19, point 3).

``.venv/bin/python -m tests.bench.weak_phone --runs 5``

The app runs as the browser tests run it (``tests/e2e/server.py``: ``equeue run --demo`` on a
loopback port over a freshly seeded demo database), and the system Chromium, headless, loads
its pages in a 360×740 phone viewport (mobile, touch, device pixel ratio 2) throttled through
the DevTools protocol like a phone on campus Wi-Fi at a busy hour: 150 ms round trip, 1.6 Mbit/s
down, 750 kbit/s up (``Network.emulateNetworkConditions``) and a CPU 4× slower
(``Emulation.setCPUThrottlingRate``). Service workers are blocked: the DevTools throttling
applies to the page's own requests, and a worker's fetches would escape it.

A page counts as **loaded** when the reader can use it, measured in the page from the start of
the navigation (``performance.now()``, checked every 10 ms by a script that runs before the
page's own):

- its live connection is up (NiceGUI's socket handshake done and its "connection lost" notice
  hidden, as ``tests/e2e/conftest.connected`` waits for): before that, a tap is lost. The
  sign-in page is plain HTML with no socket (components/sign_in_page.py): its forms work as
  soon as they are shown;
- what the page is for is visible: the "Sign in" button on ``/login``; on the start page, the
  greeting ("Signed in as …"); on a queue page, the rows of the queue list (``.eq-entry``, the
  demo queue has seven);
- the page is styled: the header's title has its width limit (``max-w-[50vw]``, a Tailwind
  class; on the sign-in page, its own sheet's), so a page whose styles have not arrived does
  not count.

Four loads, each ``--runs`` times (median and max are printed):

- **sign-in cold**: ``/login`` in a fresh browser context (empty cache, no cookies);
- **start after sign-in**: then, on that page, the demo student ``student1`` signs in: from
  pressing the button to the start page loaded (the password check on the server included).
  The sign-in page fetches NiceGUI's files ahead while the reader types
  (components/framework_prefetch.py), so this is a load with a warm cache;
- **queue cold**: the demo's open queue, as the demo student (who stands in it), in a fresh
  context holding only the session cookie (signed in beforehand, unthrottled);
- **queue warm**: the same queue loaded again in that context (the assets in its cache).

With ``--floor`` it measures first what any NiceGUI page costs under the same throttling: a
page with a header, two fields and a button and nothing of eQueue's (tests/bench/bare_page.py),
cold and warm, so that eQueue's own figures can be read against the framework's.

Then where each load's time went: the median time, from the start of the navigation, at which
the page's HTML had arrived (``responseEnd``), the page was parsed and its classic scripts had
run (``domInteractive``), its content was first visible and styled, and its live connection
was first up (the page is loaded once all of them hold). On a NiceGUI page the content shows
once Vue has mounted, and NiceGUI opens the socket only then (in the app's ``mounted()``).

Beside each figure: the bytes received over the network (``encodedDataLength`` of the
finished requests, headers included, and the WebSocket's frames) and the requests made, up to
the moment the page is loaded and has had no request in flight for half a second; the
machine's load average (``/proc/loadavg``), since a throttled CPU makes a busy machine's delays
four times longer too. Then the largest resources of a cold queue load. The last line is
machine-readable.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, DEMO_PASSWORD, open_queue, sign_in
from tests.e2e.server import AppServer, copy_database, free_port, seed_demo

WORKSPACE = "Осенний семестр 2026"  # equeue_ui/demo.py
SUBJECT = "Алгоритмы и структуры данных"  # its open queue
STUDENT = "student1"
VIEWPORT = {"width": 360, "height": 740}
# Campus Wi-Fi at a busy hour: 1.6 Mbit/s down, 750 kbit/s up (bytes/s), 150 ms round trip.
NETWORK = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1_600_000 / 8,
    "uploadThroughput": 750_000 / 8,
}
CPU_SLOWDOWN = 4
LOAD_TIMEOUT_S = 60.0
QUIET_S = 0.5
QUIET_LIMIT_S = 10.0
LARGEST = 8
LABELS = {
    "sign-in cold": "sign_in_cold",
    "start after sign-in": "start_after_sign_in",
    "queue cold": "queue_cold",
    "queue warm": "queue_warm",
}
FLOOR_LABELS = {"floor cold": "floor_cold", "floor warm": "floor_warm"}

# Runs before the page's own scripts in every document: notes when the page is first loaded
# (the module docstring says what that means), in ms since the navigation started.
LOADED_PROBE = """
(() => {
  // The sign-in page is plain HTML (components/sign_in_page.py): no socket, its own style sheet.
  const plain = () => document.querySelector('.eq-bar') !== null;
  const styled = () => {
    const title = plain()
      ? document.querySelector('.eq-title')
      : document.querySelector('.q-header [class~="max-w-[50vw]"]');
    return title !== null && getComputedStyle(title).maxWidth !== 'none';
  };
  const connected = () => plain() || (window.did_handshake === true
    && document.getElementById('popup')?.ariaHidden === 'true');
  const visible = (el) => el.checkVisibility({opacityProperty: true, visibilityProperty: true});
  const content = () => {
    if (location.pathname.startsWith('/login')) {
      return [...document.querySelectorAll('button')].some(
        b => b.textContent.trim() === 'Sign in' && visible(b));
    }
    if (location.pathname === '/') {
      return [...document.querySelectorAll('.text-h6')].some(
        el => el.textContent.startsWith('Signed in as') && visible(el));
    }
    return [...document.querySelectorAll('.eq-entry')].some(visible);
  };
  // When each part first held: where the time to load went.
  const steps = window.__eqSteps = {};
  const note = (name, holds) => {
    if (steps[name] === undefined && holds()) steps[name] = performance.now();
  };
  const timer = setInterval(() => {
    note('drawn', () => content() && styled());
    note('connected', () => !plain() && connected());  // a plain page has no socket
    if (document.readyState === 'loading' || !connected() || !content() || !styled()) return;
    window.__eqLoadedMs = performance.now();
    clearInterval(timer);
  }, 10);
})();
"""

# The steps of a load, in the order they happen, with their column headings.
STEPS = {"html": "HTML", "parsed": "parsed", "drawn": "drawn", "connected": "connected"}
STEPS_SCRIPT = """
(() => {
  const navigation = performance.getEntriesByType('navigation')[0];
  return {
    html: navigation.responseEnd,
    parsed: navigation.domInteractive,
    drawn: window.__eqSteps.drawn,
    connected: window.__eqSteps.connected,
  };
})()
"""


@dataclass
class Load:
    """One page load: when it was usable, and what went over the network for it."""

    loaded_ms: float
    bytes: int
    requests: int
    load_average: float
    resources: list[tuple[int, str]] = field(default_factory=list)  # (bytes, url)
    steps: dict[str, float] = field(default_factory=dict)  # STEPS' names → ms from navigation


@dataclass
class Traffic:
    """What the page's DevTools session reports about its requests."""

    started: dict[str, str] = field(default_factory=dict)  # request id → URL
    finished: dict[str, int] = field(default_factory=dict)  # request id → bytes received
    socket_bytes: int = 0
    last_change: float = field(default_factory=time.monotonic)

    def forget(self) -> None:
        """Start counting anew (for the next page in the same tab)."""
        self.started, self.finished, self.socket_bytes = {}, {}, 0
        self.last_change = time.monotonic()

    def in_flight(self) -> int:
        return len(self.started.keys() - self.finished.keys())

    def on_sent(self, event: dict[str, Any]) -> None:
        if event["request"]["url"].startswith("data:"):
            return
        self.started[event["requestId"]] = event["request"]["url"]
        self.last_change = time.monotonic()

    def on_finished(self, event: dict[str, Any]) -> None:
        self.finished[event["requestId"]] = int(event.get("encodedDataLength", 0))
        self.last_change = time.monotonic()

    def on_failed(self, event: dict[str, Any]) -> None:
        self.finished[event["requestId"]] = 0
        self.last_change = time.monotonic()

    def on_frame(self, event: dict[str, Any]) -> None:
        self.socket_bytes += len(event["response"].get("payloadData", "").encode())

    def total(self) -> int:
        return sum(self.finished.values()) + self.socket_bytes

    def largest(self) -> list[tuple[int, str]]:
        sizes = [(size, self.started.get(rid, "?")) for rid, size in self.finished.items()]
        return sorted(sizes, reverse=True)[:LARGEST]


async def main(argv: list[str] | None = None) -> int:
    options = _arguments(argv)
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is missing (Debian package `chromium`)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="equeue-weak-phone-") as folder:
        template, data = Path(folder) / "template", Path(folder) / "data"
        print("seeding the demo database…", flush=True)
        await asyncio.to_thread(seed_demo, template)
        copy_database(template, data)
        floor: dict[str, list[Load]] = {}
        if options.floor:
            floor = await _measure_floor(Path(folder) / "floor", runs=options.runs)
        server = AppServer(data)
        await asyncio.to_thread(server.start)
        try:
            results = await _measure(server, runs=options.runs)
        finally:
            server.stop()
    _report(floor | results)
    return 0


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.weak_phone",
        description="Page load times on a throttled phone (see the module docstring).",
    )
    parser.add_argument("--runs", type=int, default=5, help="loads of each kind (default 5)")
    parser.add_argument(
        "--floor", action="store_true", help="first measure a bare NiceGUI page (bare_page.py)"
    )
    return parser.parse_args(argv)


async def _measure(server: AppServer, *, runs: int) -> dict[str, list[Load]]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        try:
            cookies, queue_path = await _signed_in(browser, server)
            results: dict[str, list[Load]] = {label: [] for label in LABELS}
            for run in range(1, runs + 1):
                context = await _phone(browser, server.url)
                sign_in_page, start_page = await _load(context, "/login", then_sign_in=True)
                results["sign-in cold"].append(sign_in_page)
                results["start after sign-in"].append(start_page)
                await context.close()

                context = await _phone(browser, server.url)
                await context.add_cookies(cookies)
                results["queue cold"].extend(await _load(context, queue_path))
                results["queue warm"].extend(await _load(context, queue_path))
                await context.close()
                print(f"run {run}/{runs} done", flush=True)
            return results
        finally:
            await browser.close()


async def _measure_floor(folder: Path, *, runs: int) -> dict[str, list[Load]]:
    """Cold and warm loads of the bare NiceGUI page (tests/bench/bare_page.py)."""
    folder.mkdir()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.bench.bare_page", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    try:
        await _until_answering(f"{url}/healthz", process)
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
            )
            try:
                results: dict[str, list[Load]] = {label: [] for label in FLOOR_LABELS}
                for run in range(1, runs + 1):
                    context = await _phone(browser, url)
                    results["floor cold"].extend(await _load(context, "/login"))
                    results["floor warm"].extend(await _load(context, "/login"))
                    await context.close()
                    print(f"floor run {run}/{runs} done", flush=True)
                return results
            finally:
                await browser.close()
    finally:
        process.terminate()
        process.wait(10)
        log.close()


async def _until_answering(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + LOAD_TIMEOUT_S
    async with httpx.AsyncClient(timeout=2.0) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"the bare page's server exited with {process.returncode}")
            try:
                if (await client.get(url)).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError(f"{url} did not answer in {LOAD_TIMEOUT_S:.0f} s")


async def _signed_in(browser: Browser, server: AppServer) -> tuple[list[Any], str]:
    """The student's session cookie and the queue's path, got unthrottled; the queue page is
    loaded once so that the server has built and cached what it builds on a first load."""
    context = await browser.new_context(base_url=server.url, locale="en-US")
    try:
        page = await context.new_page()
        await sign_in(page, STUDENT)
        path = await open_queue(page, WORKSPACE, SUBJECT)
        return list(await context.cookies()), path
    finally:
        await context.close()


async def _phone(browser: Browser, base_url: str) -> BrowserContext:
    context = await browser.new_context(
        base_url=base_url,
        viewport=VIEWPORT,  # type: ignore[arg-type]
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="en-US",
        service_workers="block",
    )
    await context.add_init_script(LOADED_PROBE)
    return context


async def _load(context: BrowserContext, path: str, *, then_sign_in: bool = False) -> list[Load]:
    """Load ``path`` in a new tab of ``context``, throttled (then, with ``then_sign_in``, sign
    in there as the demo student and load the start page it leads to); the tab is closed
    afterwards."""
    page = await context.new_page()
    traffic = Traffic()
    session = await context.new_cdp_session(page)
    handlers: dict[str, Callable[[dict[str, Any]], None]] = {
        "Network.requestWillBeSent": traffic.on_sent,
        "Network.loadingFinished": traffic.on_finished,
        "Network.loadingFailed": traffic.on_failed,
        "Network.webSocketFrameReceived": traffic.on_frame,
        "Network.webSocketFrameSent": traffic.on_frame,
    }
    for name, handler in handlers.items():
        session.on(name, handler)
    await session.send("Network.enable")
    await session.send("Network.emulateNetworkConditions", NETWORK)
    await session.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    try:
        await page.goto(path, wait_until="commit", timeout=LOAD_TIMEOUT_S * 1000)
        loads = [await _loaded(page, traffic)]
        if then_sign_in:
            # The reader types for a while: what the page fetches ahead has arrived by then.
            await page.get_by_label("Username").fill(STUDENT)
            await page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
            traffic.forget()
            await page.get_by_role("button", name="Sign in").click()
            await page.wait_for_url(
                lambda url: not url.endswith(path),
                wait_until="commit",
                timeout=LOAD_TIMEOUT_S * 1000,
            )
            loads.append(await _loaded(page, traffic))
        return loads
    finally:
        await session.detach()
        await page.close()


async def _loaded(page: Page, traffic: Traffic) -> Load:
    """The load of the page's current document, once it is usable and the network quiet."""
    await page.wait_for_function(
        "() => window.__eqLoadedMs !== undefined", timeout=LOAD_TIMEOUT_S * 1000, polling=100
    )
    loaded_ms = float(await page.evaluate("window.__eqLoadedMs"))
    steps = await page.evaluate(STEPS_SCRIPT)
    await _quiet(traffic)
    return Load(
        loaded_ms=loaded_ms,
        bytes=traffic.total(),
        requests=len(traffic.started),
        load_average=os.getloadavg()[0],
        resources=traffic.largest(),
        steps={name: float(steps[name]) for name in STEPS if steps.get(name) is not None},
    )


async def _quiet(traffic: Traffic) -> None:
    """Until no request has been in flight for :data:`QUIET_S` (at most :data:`QUIET_LIMIT_S`)."""
    deadline = time.monotonic() + QUIET_LIMIT_S
    while time.monotonic() < deadline:
        if traffic.in_flight() == 0 and time.monotonic() - traffic.last_change >= QUIET_S:
            return
        await asyncio.sleep(0.05)


def _report(results: dict[str, list[Load]]) -> None:
    print()
    print(f"{'load':<20} {'median ms':>10} {'max ms':>8} {'KB':>7} {'requests':>9}  load avg  runs")
    for label, loads in results.items():
        times = [load.loaded_ms for load in loads]
        print(
            f"{label:<20} {statistics.median(times):>10.0f} {max(times):>8.0f} "
            f"{statistics.median(load.bytes for load in loads) / 1024:>7.1f} "
            f"{statistics.median(load.requests for load in loads):>9.0f}  "
            f"{_load_averages(loads):<8}  {' '.join(f'{t:.0f}' for t in times)}"
        )
    cold = results["queue cold"]
    print(f"\nlargest resources of a cold queue load ({cold[0].requests} requests):")
    for size, url in cold[0].resources:
        print(f"{size / 1024:>8.1f} KB  {_short(url)}")
    _report_steps(results)
    every = [load.load_average for loads in results.values() for load in loads]
    names = LABELS | FLOOR_LABELS
    figures = " ".join(_figures(names[label], loads) for label, loads in results.items())
    print(f"\nweak_phone runs={len(cold)} {figures} load1_max={max(every):.2f}")


def _report_steps(results: dict[str, list[Load]]) -> None:
    """The median time of each step of the loads (the module docstring says which)."""
    print("\nwhere the time went (median ms from the start of the navigation):")
    headings = " ".join(f"{heading:>10}" for heading in (*STEPS.values(), "loaded"))
    print(f"{'load':<20} {headings}")
    for label, loads in results.items():
        cells = [_median_step(loads, step) for step in STEPS]
        cells.append(f"{statistics.median(load.loaded_ms for load in loads):>10.0f}")
        print(f"{label:<20} {' '.join(cells)}")


def _median_step(loads: list[Load], step: str) -> str:
    times = [load.steps[step] for load in loads if step in load.steps]
    return f"{statistics.median(times):>10.0f}" if times else f"{'—':>10}"


def _figures(name: str, loads: list[Load]) -> str:
    times = [load.loaded_ms for load in loads]
    kilobytes = statistics.median(load.bytes for load in loads) / 1024
    return (
        f"{name}_ms={statistics.median(times):.0f} {name}_max_ms={max(times):.0f}"
        f" {name}_kb={kilobytes:.0f}"
    )


def _load_averages(loads: list[Load]) -> str:
    values = [load.load_average for load in loads]
    return f"{min(values):.1f}–{max(values):.1f}"


def _short(url: str) -> str:
    return url if len(url) <= 90 else url[:87] + "…"


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))

"""Wires the application together: lifecycle, pages and the NiceGUI server."""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
from typing import Any

from nicegui import Client, app, background_tasks, ui

from equeue_ui import (
    api,
    browser_guard,
    compression,
    gc_policy,
    live_transport,
    log_redaction,
    metrics,
    migrate,
    runtime,
    security_headers,
    startup_gate,
    tuning,
)
from equeue_ui.scheduler import run_draws, run_ecourses_sync, run_schedule
from equeue_ui.services import avatars
from equeue_ui.services.push_sending import PushSender
from equeue_ui.services.queues import load_snapshot
from equeue_ui.settings import Settings

log = logging.getLogger(__name__)
# A young collection starts once a thousand more container objects were made than freed. Open
# pages free old objects as fast as they make new ones (each page's socket renews its waits at
# every ping), and every free counts against the threshold: at 10,000, 80,000 to 165,000 young
# objects piled up between collections, which then paused everything for 30-270 ms; at 1,000
# the pauses are mostly under 30 ms, and page loads' p95 halved (tests/bench/README.md).
GC_YOUNG_THRESHOLD = 1_000
# The middle generation is collected at every second young collection, not every tenth: what
# survives it is frozen (gc_policy), so it holds only what was made since, and a short walk
# often pauses pages less than a long one seldom (open pages' pings renew their objects every
# 8 s: ten young collections' worth took 0.3-0.35 s with 5,400 pages; tests/bench/README.md).
GC_MIDDLE_THRESHOLD = 1
TAB_STORAGE_AGE_S = 60.0
# How long the event loop may keep the GIL while a database driver's thread waits to hand it a
# result (aiosqlite runs each connection in a thread). Python's 5 ms made every page load wait
# for its ten or so reads behind a busy loop: with 5,400 pages open, page loads p95 1.1–1.3 s
# over five minutes, 0.55 s at 1 ms (tests/bench/README.md, session 8).
GIL_SWITCH_INTERVAL_S = 0.001


def setup(settings: Settings, *, apply_migrations: bool = True) -> None:
    """Register pages and start-up/shutdown hooks on NiceGUI's app (callable again in tests)."""
    from pages import register_all

    log_redaction.install()  # `equeue` installs it first thing; this covers other embedders

    jobs: list[asyncio.Task[None]] = []
    pushes = PushSender()  # "your turn" and "you are next" to phones, for what this process commits

    async def startup() -> None:
        if apply_migrations:
            await migrate.upgrade(settings.resolved_database_url)
        runtime.install(runtime.build(settings, load_snapshot=load_snapshot))
        rt = runtime.current()
        live_transport.install(rt.hub, rt.metrics)
        rt.metrics.count_pages_with(_open_pages)
        pushes.install(rt.own_events)
        log.info("eQueue is using %s", rt.db.dialect)
        if rt.listener is not None:
            await rt.listener.start()
        jobs.append(background_tasks.create(run_schedule(), name="queue schedule"))
        jobs.append(background_tasks.create(run_draws(), name="fair-start draws"))
        jobs.append(background_tasks.create(run_ecourses_sync(), name="eCourses due dates"))
        runtime.set_ready(True)

    async def shutdown() -> None:
        runtime.set_ready(False)
        for job in jobs:
            job.cancel()
        await asyncio.gather(*jobs, return_exceptions=True)
        jobs.clear()
        await pushes.close()
        await avatars.background_refreshes(cancel=True)
        rt = runtime.current()
        await rt.hub.close()
        runtime.install(None)
        if rt.listener is not None:
            await rt.listener.stop()
        await rt.db.dispose()

    app.on_startup(startup)
    app.on_shutdown(shutdown)
    register_all(settings)
    # /api/v1 and its docs at /api/docs
    api.register(app, requests_per_minute=settings.api_requests_per_minute)
    # Quasar's loading bar would show on every fetch the page makes (a dialog's first code, say)
    # as a progress bar without a name: noise for screen readers, and nothing to wait for here.
    app.config.quasar_config["loadingBar"]["skipHijack"] = True
    # NiceGUI makes a storage for every page's browser tab and keeps it in memory for 30 days;
    # eQueue keeps nothing there. Kept that long, a faculty's day of page loads left tens of
    # thousands of them, every one scanned every 10 s.
    app.storage.max_tab_storage_age = TAB_STORAGE_AGE_S
    from components.frame import share_assets

    share_assets()
    tuning.install_all(settings)  # before the middlewares: where they go depends on it
    tuning.stack.add_app_middleware(
        [
            security_headers.middleware(settings),  # the outermost: the gate's 503s get them too
            startup_gate.middleware(),  # outside everything that needs the runtime
            metrics.middleware(lambda: runtime.current().metrics),  # times page loads
            *browser_guard.middleware(),
        ]
    )


def _open_pages() -> metrics.PageCounts:
    clients = list(Client.instances.values())
    connected = sum(1 for client in clients if client.has_socket_connection)
    return metrics.PageCounts(connected=connected, held=len(clients))


def _tune_garbage_collector() -> None:
    """Thousands of open pages are many long-lived objects; the default thresholds made full
    collections run often and stall every client for seconds (see tests/bench). Objects made
    at start-up are frozen out of collections, and young collections run less often; open
    pages are kept out of full collections where closed pages and their sockets leave no
    cycles (gc_policy)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, GC_MIDDLE_THRESHOLD, 10)
    if tuning.closed_pages.installed() and tuning.closed_sockets.installed():
        gc_policy.install(gc_policy.FrozenSurvivors(pages=lambda: len(Client.instances)))
    else:
        log.info("open pages stay in full garbage collections: closed ones may leave cycles")


def run_options(settings: Settings) -> dict[str, Any]:
    return {
        "host": settings.host,
        "port": settings.port,
        "title": "eQueue",
        "favicon": "🎓",
        # Quasar follows the system's light or dark unless the user chose (components/frame.py).
        "dark": None,
        # Tailwind's classes come precompiled (components/theme.py), not from NiceGUI's
        # in-browser compiler, which cost a phone a 68 KB download and its CPU on every load.
        "tailwind": False,
        # Static files brotli-compressed (quality 11, once per process) to browsers that take
        # it, in place of Starlette's gzip; all else gzipped as before (equeue_ui/compression.py).
        "gzip_middleware_factory": compression.StaticBrotli,
        "reload": False,
        "show": False,
        # No storage_secret: eQueue keeps nothing in NiceGUI's per-browser storage (sessions
        # live in the database), and the secret would add a session middleware and a storage
        # file to every page load of every browser.
        "show_welcome_message": True,
        "reconnect_timeout": 10.0,
        # passed on to uvicorn (settings.ws_compression says why it is off by default)
        "ws_per_message_deflate": settings.ws_compression,
        # No WebSocket pings of uvicorn's own (every 20 s, a timer and a frame each way per open
        # page): engine.io pings every page every 8 s and closes one that does not answer
        # within 4 s, which finds a gone browser sooner.
        "ws_ping_interval": None,
        # uvicorn's request lines (redacted, equeue_ui/log_redaction.py) only when debugging.
        "uvicorn_logging_level": "debug" if settings.log_level.upper() == "DEBUG" else "warning",
        # uvicorn would take X-Forwarded-For from any local peer; eQueue trusts only the
        # proxies named in EQUEUE_TRUSTED_PROXIES (components/session.client_address).
        "proxy_headers": False,
    }


def serve(settings: Settings) -> None:
    setup(settings)
    # Here, not in setup(): tests start the app many times per process.
    _tune_garbage_collector()
    sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)
    ui.run(**run_options(settings))

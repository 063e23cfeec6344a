"""The running application's shared parts: settings, database and event bus.

Built at start-up (never at import), so tests and the CLI can each make their own.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.engine import Database
from equeue_ui.events import EventBus
from equeue_ui.live import LiveHub
from equeue_ui.settings import Settings


@dataclass
class Runtime:
    settings: Settings
    db: Database
    bus: EventBus
    hub: LiveHub


_current: Runtime | None = None


def install(runtime: Runtime | None) -> None:
    global _current
    _current = runtime


def current() -> Runtime:
    if _current is None:
        raise RuntimeError("eQueue runtime is not started")
    return _current


def build(settings: Settings) -> Runtime:
    from equeue_ui.services.queues import load_snapshot

    bus = EventBus()
    return Runtime(
        settings=settings,
        db=Database(settings.resolved_database_url),
        bus=bus,
        hub=LiveHub(bus, load_snapshot),
    )

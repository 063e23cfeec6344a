"""The running application's shared parts: settings, database and event bus.

Built at start-up (never at import), so tests and the CLI can each make their own.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from db.engine import Database
from equeue_ui.events import EventBus, SiteSettingsChanged
from equeue_ui.live import LiveHub, Loader
from equeue_ui.metrics import Metrics
from equeue_ui.pg_events import PgEventListener
from equeue_ui.settings import Settings
from equeue_ui.settings_cache import SiteSettingsCache


@dataclass
class Runtime:
    settings: Settings
    db: Database
    bus: EventBus
    hub: LiveHub
    metrics: Metrics
    # Names this process in PostgreSQL notifications, so its listener skips its own events.
    origin: str = field(default_factory=lambda: uuid.uuid4().hex)
    listener: PgEventListener | None = None  # PostgreSQL only; started by the app, not here
    # Only the events this process committed (never other processes'): what must happen once
    # per change, whichever process made it (a push to a phone), listens here.
    own_events: EventBus = field(default_factory=EventBus)
    site_settings: SiteSettingsCache = field(default_factory=SiteSettingsCache)


_current: Runtime | None = None
_ready = False


def install(runtime: Runtime | None) -> None:
    global _current
    _current = runtime


def ready() -> bool:
    """Started and serving: the runtime is installed and the app's start-up has finished."""
    return _current is not None and _ready


def set_ready(value: bool) -> None:
    global _ready
    _ready = value


def current() -> Runtime:
    if _current is None:
        raise RuntimeError("eQueue runtime is not started")
    return _current


def build(settings: Settings, *, load_snapshot: Loader) -> Runtime:
    """The runtime of ``settings``; ``load_snapshot`` reads a queue's snapshot for the live hub.

    The loader is handed in by whoever wires the app (the services' units of work need the
    runtime, so the runtime must not import them back)."""
    bus = EventBus()
    db = Database(settings.resolved_database_url)
    hub = LiveHub(bus, load_snapshot)
    origin = uuid.uuid4().hex
    site_settings = SiteSettingsCache()
    bus.subscribe(SiteSettingsChanged, site_settings.forget)
    listener = None
    if db.dialect == "postgresql":

        async def on_reconnect() -> None:
            site_settings.forget()
            await hub.resync_all()

        listener = PgEventListener(db.url, bus, origin=origin, on_reconnect=on_reconnect)
    return Runtime(
        settings=settings,
        db=db,
        bus=bus,
        hub=hub,
        metrics=Metrics(hub=hub, db=db, listener=listener),
        origin=origin,
        listener=listener,
        site_settings=site_settings,
    )

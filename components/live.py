"""Refreshing a part of a page when a domain event concerns it, for as long as the page lives."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import background_tasks, ui

from equeue_ui import runtime


def on_event(
    event_type: type, applies: Callable[[Any], bool], refresh: Callable[[], Awaitable[None]]
) -> None:
    """Run ``refresh`` in this client's context whenever an event of the type applies."""
    client = ui.context.client

    def handle(event: Any) -> None:
        if client.is_deleted or not applies(event):
            return

        async def run() -> None:
            with client:
                await refresh()

        background_tasks.create(run(), name=f"refresh on {event_type.__name__}")

    stop = runtime.current().bus.subscribe(event_type, handle)
    client.on_delete(stop)

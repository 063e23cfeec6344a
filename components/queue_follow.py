"""Following one queue live from a page: subscribe, read, and join its broadcast room."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import background_tasks, ui

from components import queue_broadcast
from equeue_ui import runtime
from equeue_ui.services.views import QueueSnapshot


async def follow_queue(
    queue_id: int, on_snapshot: Callable[[QueueSnapshot], None]
) -> QueueSnapshot | None:
    """Call ``on_snapshot`` with every newer snapshot while the page lives; returns the current
    one. Subscribes before reading, so a change in between is not lost; on every (re)connection
    the browser joins the queue's room and is brought up to date."""
    client = ui.context.client
    hub = runtime.current().hub
    client.on_delete(hub.watch(queue_id, on_snapshot))
    snapshot = await hub.current(queue_id)

    async def connected() -> None:
        latest = await hub.current(queue_id)
        await queue_broadcast.join(client, queue_id, latest)
        if latest is not None:
            on_snapshot(latest)

    client.on_connect(lambda: background_tasks.create(connected(), name="queue room"))
    return snapshot

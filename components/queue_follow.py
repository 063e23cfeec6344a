"""Following one queue live from a page: subscribe, read, and join its broadcast room."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from nicegui import background_tasks, ui

from equeue_ui import live_transport, runtime
from equeue_ui.services.views import QueueSnapshot


@dataclass
class Following:
    snapshot: QueueSnapshot | None  # the current one when following began
    stop: Callable[[], Awaitable[None]]  # no more snapshots, and out of the room


async def follow_queue(queue_id: int, on_snapshot: Callable[[QueueSnapshot], None]) -> Following:
    """Call ``on_snapshot`` with every newer snapshot while the page lives. Subscribes before
    reading, so a change in between is not lost; on every (re)connection the browser joins the
    queue's room and is brought up to date.

    Pages draw ``Following.snapshot`` into the browser, so on the page's first connection the
    browser already holds that version and is sent a snapshot only if a newer one came since.
    After a reconnection it may have missed any, so it is always sent the current one."""
    client = ui.context.client
    hub = runtime.current().hub
    unwatch = hub.watch(queue_id, on_snapshot)
    client.on_delete(unwatch)
    following = True
    browser_holds: int | None = None  # the version the browser is known to hold

    async def connected() -> None:
        nonlocal browser_holds
        if not following:
            return
        latest = await hub.current(queue_id)
        held, browser_holds = browser_holds, None
        behind = latest is not None and (held is None or latest.version > held)
        await live_transport.join(client, queue_id, latest if behind else None)
        if latest is not None:
            on_snapshot(latest)

    async def stop() -> None:
        nonlocal following
        following = False
        unwatch()
        await live_transport.leave(client, queue_id)

    client.on_connect(lambda: background_tasks.create(connected(), name="queue room"))
    first = await hub.current(queue_id)
    browser_holds = None if first is None else first.version
    return Following(first, stop)

"""Sending each new queue snapshot to every browser that shows the queue, encoded once.

Viewers' sockets join a socket.io room per queue; one emit to the room serves them all, so a
change costs one snapshot read and one JSON encoding per process, whatever the viewer count.
How the emit reaches each socket is tuning's business (equeue_ui/tuning/frame_fanout.py).
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from nicegui import Client, background_tasks, core

from equeue_ui.live import LiveHub
from equeue_ui.metrics import Metrics
from equeue_ui.services.estimates import newcomer_wait
from equeue_ui.services.views import QueueSnapshot
from equeue_ui.tuning import frame_fanout

EVENT = "queue_snapshot"
NAMESPACE = "/"

_payloads: dict[int, tuple[int, dict[str, Any], str]] = {}


def room(queue_id: int) -> str:
    return f"queue:{queue_id}"


def install(hub: LiveHub, metrics: Metrics) -> None:
    """Broadcast every snapshot the hub loads (call once per process, at start-up)."""
    _payloads.clear()
    hub.add_listener(partial(_broadcast, metrics))


def payload(snapshot: QueueSnapshot) -> dict[str, Any]:
    return _cached(snapshot)[0]


def payload_json(snapshot: QueueSnapshot) -> str:
    """The snapshot as JSON text: a str, so every page built at this version shares it."""
    return _cached(snapshot)[1]


async def join(client: Client, queue_id: int, snapshot: QueueSnapshot | None) -> None:
    """Put the client's sockets in the queue's room and bring it up to date."""
    for sid in _sockets(client):
        await core.sio.enter_room(sid, room(queue_id), namespace=NAMESPACE)
        if snapshot is not None:
            # the same path as the broadcasts, so a later change cannot overtake this one
            await frame_fanout.emit(core.sio, EVENT, payload(snapshot), to=sid)


async def leave(client: Client, queue_id: int) -> None:
    """Take the client's sockets out of the queue's room (say, its reader lost access)."""
    for sid in _sockets(client):
        await core.sio.leave_room(sid, room(queue_id), namespace=NAMESPACE)


def _sockets(client: Client) -> list[str]:
    """The client's connected socket.io sessions. NiceGUI puts each socket whose handshake it
    accepted in a room named after the client (its page updates are emitted there); a
    simulated browser of NiceGUI's test harness has no socket, and so none in the room."""
    return [sid for sid, _eio_sid in core.sio.manager.get_participants(NAMESPACE, client.id)]


def _broadcast(metrics: Metrics, snapshot: QueueSnapshot, changed_at: float | None) -> None:
    background_tasks.create(_send(metrics, snapshot, changed_at), name="queue broadcast")


async def _send(metrics: Metrics, snapshot: QueueSnapshot, changed_at: float | None) -> None:
    await frame_fanout.emit(core.sio, EVENT, payload(snapshot), to=room(snapshot.queue_id))
    metrics.broadcast_sent(changed_at)  # once per snapshot, whatever the number of pages


def _cached(snapshot: QueueSnapshot) -> tuple[dict[str, Any], str]:
    cached = _payloads.get(snapshot.queue_id)
    if cached is None or cached[0] != snapshot.version:
        data = _to_payload(snapshot)
        cached = (snapshot.version, data, json.dumps(data, ensure_ascii=False))
        _payloads[snapshot.queue_id] = cached
    return cached[1], cached[2]


def _to_payload(snapshot: QueueSnapshot) -> dict[str, Any]:
    newcomer = newcomer_wait(snapshot)
    return {
        "queue_id": snapshot.queue_id,
        "version": snapshot.version,
        "state": snapshot.state.value,
        # Everyone not at the desk (frozen places too), as QueueSnapshot counts them.
        "waiting_count": snapshot.waiting_count,
        # The board's "a newcomer waits …": [low, high] minutes, [0, 0] for "called next",
        # None without enough recent services (services/estimates.py defines it).
        "newcomer_wait": None
        if newcomer is None
        else [newcomer.low_minutes, newcomer.high_minutes],
        "entries": [
            {
                "id": entry.id,
                "position": entry.position,
                "user_id": entry.user_id,
                "name": entry.display_name,
                "short": entry.short_name,
                # The picture's key (the page builds its address), None for initials.
                "pic": entry.picture_key,
                "task": entry.task_name,
                "status": entry.status.value,
                # Joined in the fair start: no place until the draw (the list says so).
                "draw": entry.in_draw,
            }
            for entry in snapshot.entries
        ],
    }

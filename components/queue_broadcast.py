"""Sending each new queue snapshot to every browser that shows the queue, encoded once.

Viewers' sockets join a socket.io room per queue; one emit to the room serves them all, so a
change costs one snapshot read and one JSON encoding per process, whatever the viewer count.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from engineio import packet as eio_packet
from nicegui import Client, background_tasks, core
from socketio import packet as sio_packet

from equeue_ui import frame_fanout
from equeue_ui.live import LiveHub
from equeue_ui.services.estimates import newcomer_wait
from equeue_ui.services.views import QueueSnapshot

EVENT = "queue_snapshot"
log = logging.getLogger(__name__)

_payloads: dict[int, tuple[int, dict[str, Any], str]] = {}


def room(queue_id: int) -> str:
    return f"queue:{queue_id}"


def install(hub: LiveHub) -> None:
    """Broadcast every snapshot the hub loads (call once per process, at start-up)."""
    _payloads.clear()
    hub.add_listener(_broadcast)


def payload(snapshot: QueueSnapshot) -> dict[str, Any]:
    return _cached(snapshot)[0]


def payload_json(snapshot: QueueSnapshot) -> str:
    """The snapshot as JSON text: a str, so every page built at this version shares it."""
    return _cached(snapshot)[1]


async def join(client: Client, queue_id: int, snapshot: QueueSnapshot | None) -> None:
    """Put the client's sockets in the queue's room and bring it up to date."""
    for sid in list(client._socket_to_document_id):
        if sid.startswith("test-"):  # NiceGUI's simulated users have no real socket
            continue
        await core.sio.enter_room(sid, room(queue_id))
        eio_sid = core.sio.manager.eio_sid_from_sid(sid, "/")
        if snapshot is not None and eio_sid is not None:
            # the same path as the broadcasts, so a later change cannot overtake this one
            await frame_fanout.send_to_each(core.sio.eio, [eio_sid], _message(payload(snapshot)))


async def leave(client: Client, queue_id: int) -> None:
    """Take the client's sockets out of the queue's room (say, its reader lost access)."""
    for sid in list(client._socket_to_document_id):
        if not sid.startswith("test-"):
            await core.sio.leave_room(sid, room(queue_id))


def _broadcast(snapshot: QueueSnapshot) -> None:
    background_tasks.create(
        _emit_to_room(payload(snapshot), room(snapshot.queue_id)), name="queue broadcast"
    )


async def _emit_to_room(data: dict[str, Any], name: str) -> None:
    """socket.io's emit to a room (one encoding, the same packet for everyone), minus the task
    it starts per recipient (a tenth of the server's CPU at ten changes a second, tests/bench),
    and with the WebSocket frame built once too (frame_fanout)."""
    sio = core.sio
    eio_sids = [eio_sid for _sid, eio_sid in sio.manager.get_participants("/", name)]
    await frame_fanout.send_to_each(sio.eio, eio_sids, _message(data))


def _message(data: dict[str, Any]) -> eio_packet.Packet:
    """The snapshot event as socket.io's emit encodes it, in an engine.io message."""
    encoded = core.sio.packet_class(sio_packet.EVENT, namespace="/", data=[EVENT, data]).encode()
    return eio_packet.Packet(eio_packet.MESSAGE, encoded)


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
                "task": entry.task_name,
                "status": entry.status.value,
            }
            for entry in snapshot.entries
        ],
    }

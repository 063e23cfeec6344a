"""A queue as Server-Sent Events: each new version is one ``snapshot`` event whose id is the
queue's version, so a client that reconnects with ``Last-Event-ID`` misses nothing: when the
queue moved on meanwhile, the current snapshot comes at once.

The stream is fed by the process's live hub (equeue_ui/live.py), the one the pages use: a
change is loaded once for every page and stream of the process, and encoded once per version
for every stream (``Encoder``). A comment every ``heartbeat_s`` keeps proxies from closing an
idle stream; with it the token is checked again, so a revoked token or a blocked user stops
listening within a minute at most.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import StreamingResponse

from equeue_ui import runtime
from equeue_ui.api import models
from equeue_ui.api.auth import Caller, scoped
from equeue_ui.api.problems import ProblemRoute, documented
from equeue_ui.errors import AuthenticationError
from equeue_ui.services import api_tokens, queues
from equeue_ui.services.api_tokens import READ, ApiCaller
from equeue_ui.services.views import QueueSnapshot

HEARTBEAT_S = 15.0
RECHECK_EVERY = 4  # heartbeats between checks of the token
RETRY_MS = 3000
EVENT_STREAM = "text/event-stream"


class Encoder:
    """Each queue's latest snapshot as an event, encoded once for every stream of the process."""

    def __init__(self) -> None:
        self._encoded: dict[int, tuple[int, bytes]] = {}
        self.encodings = 0  # observed by tests and the benchmark

    def event(self, snapshot: QueueSnapshot) -> bytes:
        known = self._encoded.get(snapshot.queue_id)
        if known is not None and known[0] == snapshot.version:
            return known[1]
        self.encodings += 1
        data = models.Queue.model_validate(snapshot).model_dump_json()
        encoded = f"id: {snapshot.version}\nevent: snapshot\ndata: {data}\n\n".encode()
        if known is None or known[0] < snapshot.version:
            self._encoded[snapshot.queue_id] = (snapshot.version, encoded)
        return encoded


def build(
    current_caller: Caller, encoder: Encoder, *, heartbeat_s: float = HEARTBEAT_S
) -> APIRouter:
    router = APIRouter(route_class=ProblemRoute)
    reader = Depends(scoped(current_caller, READ))

    @router.get(
        "/queues/{queue_id}/events",
        tags=["queues"],
        response_class=StreamingResponse,
        responses={
            200: {
                "description": "A stream of `snapshot` events (data: a Queue as JSON, id: its "
                "version) and a comment line every 15 s.",
                "content": {EVENT_STREAM: {"schema": {"type": "string"}}},
            },
            **documented(401, 403, 404, 422, 429),
        },
    )
    async def queue_events(
        queue_id: int,
        request: Request,
        caller: ApiCaller = reader,
        last_event_id: str | None = Header(
            None,
            max_length=20,
            description="The id (queue version) of the last event received before a reconnect.",
        ),
    ) -> StreamingResponse:
        """Follow a queue: every new version as it happens (scope `read`)."""
        # Checked (and refused with a problem) before the stream starts, as a page checks.
        await queues.get_snapshot(queue_id, actor=caller.user)
        seen = _version(last_event_id)
        events = _follow(queue_id, caller, request, encoder, seen, heartbeat_s)
        return StreamingResponse(
            events,
            media_type=EVENT_STREAM,
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    return router


async def _follow(
    queue_id: int,
    caller: ApiCaller,
    request: Request,
    encoder: Encoder,
    seen: int,
    heartbeat_s: float,
) -> AsyncIterator[bytes]:
    hub = runtime.current().hub
    newer = asyncio.Event()
    latest: list[QueueSnapshot] = []

    def show(snapshot: QueueSnapshot) -> None:
        latest[:] = [snapshot]
        newer.set()

    stop = hub.watch(queue_id, show)  # subscribe first, then read: nothing falls in between
    try:
        yield f"retry: {RETRY_MS}\n\n".encode()
        current = await hub.current(queue_id)
        if current is not None and not latest:
            show(current)
        beats = 0
        while True:
            newer.clear()  # before looking: a snapshot shown from here on wakes the wait below
            if latest and latest[0].version > seen:
                snapshot = latest[0]
                seen = snapshot.version
                yield encoder.event(snapshot)
            try:
                await asyncio.wait_for(newer.wait(), timeout=heartbeat_s)
            except TimeoutError:
                beats += 1
                if beats % RECHECK_EVERY == 0 and not await _still_allowed(request):
                    return
                yield b": heartbeat\n\n"
    finally:
        stop()


async def _still_allowed(request: Request) -> bool:
    header = request.headers.get("authorization", "")
    scheme, _, secret = header.partition(" ")
    try:
        await api_tokens.authenticate(secret.strip() if scheme.lower() == "bearer" else None)
    except AuthenticationError:
        return False
    return True


def _version(last_event_id: str | None) -> int:
    """The version a reconnecting client has; -1 (send the current one) when none or unreadable."""
    if last_event_id and last_event_id.isascii() and last_event_id.strip().isdigit():
        return int(last_event_id.strip())
    return -1

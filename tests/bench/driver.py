"""The changes: joins, leaves, calls, accepts and freezes at a set rate, through the bench hook.

:class:`QueueModel` mirrors one queue to pick only valid actions and keep it near its size;
:class:`Driver` posts them to ``/_bench/act`` one at a time on a fixed schedule (catching up
without sleeping when behind) and records each change's queue, version and commit time. With
several queues the aggregate rate goes round them in turn (:func:`queue_for_change`), so each
queue gets rate/queues changes per second. One at a time keeps the mirrors exact; an app that
cannot answer a change within 1/rate seconds shows as an achieved rate below the asked one and
a growing slip behind the schedule.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass

import httpx

from tests.bench.world import BenchQueue, BenchWorld

ACT_TIMEOUT = 15.0
MAX_FROZEN = 3


@dataclass(frozen=True)
class Change:
    index: int
    action: str
    username: str
    sent_at: float
    ok: bool
    version: int
    committed_at: float
    error: str = ""
    scheduled_at: float = 0.0  # when the schedule wanted it sent (0: at once)
    queue: int = 0  # the queue's number in the world (0 … queues − 1); versions are per queue


def queue_for_change(index: int, queues: int) -> int:
    """The queue the ``index``-th change goes to: round the queues in turn, so every queue sees
    the same share of the aggregate rate and stays near its size."""
    return index % queues


class QueueModel:
    """Who is in the queue, in order, who is frozen and who is at the desk."""

    def __init__(self, queue: BenchQueue, teacher: str, seed: int = 2026) -> None:
        self.queue_id = queue.queue_id
        self.teacher = teacher
        self.order = list(queue.in_queue)
        self.spares = list(queue.spares)
        self.frozen: set[str] = set()
        self.called: str | None = None
        self.target_size = len(queue.in_queue)
        self.rng = random.Random(seed)

    def waiting(self) -> list[str]:
        return [u for u in self.order if u != self.called and u not in self.frozen]

    def next_action(self) -> tuple[str, str]:
        rng, waiting = self.rng, self.waiting()
        roll = rng.random()
        if self.called is None and waiting and roll < 0.2:
            return "call_next", self.teacher
        if self.called is not None and roll < 0.25:
            return "accept", self.teacher
        size = len(self.order)
        if size < self.target_size and self.spares:
            return "join", rng.choice(self.spares)
        if size > self.target_size and waiting:
            return "leave", rng.choice(waiting)
        choices = ["join", "leave"] if self.spares and waiting else ["leave"]
        if self.frozen:
            choices.append("unfreeze")
        if len(self.frozen) < MAX_FROZEN and waiting:
            choices.append("freeze")
        action = rng.choice(choices)
        if action == "join":
            return action, rng.choice(self.spares)
        if action == "unfreeze":
            return action, rng.choice(sorted(self.frozen))
        return action, rng.choice(waiting)

    def apply(self, action: str, username: str) -> None:
        if action == "join":
            self.spares.remove(username)
            self.order.append(username)
        elif action == "leave":
            self.order.remove(username)
            self.frozen.discard(username)
            self.spares.append(username)
        elif action == "call_next":
            self.called = self.waiting()[0]
        elif action == "accept" and self.called is not None:
            self.order.remove(self.called)
            self.spares.append(self.called)
            self.called = None
        elif action == "freeze":
            self.frozen.add(username)
        elif action == "unfreeze":
            self.frozen.discard(username)


def queue_models(world: BenchWorld) -> list[QueueModel]:
    """One mirror per queue, each with its own random sequence."""
    return [
        QueueModel(queue, world.teacher, seed=2026 + number)
        for number, queue in enumerate(world.queues)
    ]


class Driver:
    def __init__(self, base_url: str, models: list[QueueModel]) -> None:
        self.client = httpx.AsyncClient(base_url=base_url, timeout=ACT_TIMEOUT)
        self.models = models
        self.changes: list[Change] = []

    async def close(self) -> None:
        await self.client.aclose()

    async def act(self, scheduled_at: float = 0.0) -> Change:
        """Make one change now, on the queue whose turn it is."""
        queue = queue_for_change(len(self.changes), len(self.models))
        model = self.models[queue]
        action, username = model.next_action()
        sent_at = time.time()
        try:
            response = await self.client.post(
                "/_bench/act",
                json={"queue_id": model.queue_id, "username": username, "action": action},
            )
            body = response.json() if response.status_code == 200 else {}
            ok = bool(body.get("ok"))
            error = "" if ok else str(body.get("error") or f"HTTP {response.status_code}")
        except (httpx.HTTPError, ValueError) as problem:
            body, ok, error = {}, False, repr(problem)
        if ok:
            model.apply(action, username)
        change = Change(
            index=len(self.changes),
            action=action,
            username=username,
            sent_at=sent_at,
            ok=ok,
            version=int(body.get("version", -1)) if ok else -1,
            committed_at=float(body.get("committed_at", sent_at)),
            error=error,
            scheduled_at=scheduled_at or sent_at,
            queue=queue,
        )
        self.changes.append(change)
        return change

    async def run(self, rate: float, count: int, *, time_limit: float) -> list[Change]:
        """``count`` changes at ``rate`` per second (all queues together); stops early after
        ``time_limit`` seconds."""
        made: list[Change] = []
        start, wall_start = time.monotonic(), time.time()
        for k in range(count):
            delay = start + k / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            if time.monotonic() - start > time_limit:
                break
            made.append(await self.act(wall_start + k / rate))
        return made

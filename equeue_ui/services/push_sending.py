"""Sending "your turn" and "you are next" to students' phones (issue 17, point 3).

- When a student is called; and after every change of a queue, to whoever is next now (the
  pages' rule, ``QueueSnapshot.is_next``) if they were not told already: someone ahead was
  called, left, was removed, skipped or accepted, froze their place, or the draw placed them.
- Once per call: the sender listens to the events *this process* committed
  (``Runtime.own_events``), so with several app processes only the one that made the call
  pushes; the others hear of it through PostgreSQL for their open pages only.
- Once per becoming-next: the queue row keeps the entry last told
  (``Queue.next_announced_entry_id``), and one conditional UPDATE claims each new one. The
  claim also names the version the next was worked out at, so a change read before a newer one
  never wins over it; the newer change's own claim decides.
- Off the request path: the teacher's click returns at commit; the pushes run as a background
  task with a deadline for the whole batch and one per push service, so a slow or dead push
  service never holds anything up.
- What is sent: the student's language, a short TTL (a stale "your turn" is worse than none),
  ``Urgency: high`` (phones wake for it), one ``Topic`` per queue (a newer message replaces one
  the phone has not fetched yet) and the queue page to open when tapped.
- The push service's answer: 404 or 410 means the browser dropped the subscription, which is
  then deleted; a success is recorded on the subscription (the profile shows it).

Each message is encrypted for its browser (RFC 8291, ``aes128gcm``) by pywebpush, signed with
the server's VAPID key (RFC 8292) by py-vapid, and posted through equeue_ui/fetch_guard.py.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit

from pywebpush import WebPusher
from sqlalchemy import delete, select, update

from db.models import PushSubscription, Queue, Subject, User
from db.types import utcnow
from equeue_ui import fetch_guard, runtime
from equeue_ui.events import EventBus, QueueChanged, StudentCalled
from equeue_ui.i18n import Msg, msg, translate
from equeue_ui.services import site
from equeue_ui.services.push import vapid_key
from equeue_ui.services.uow import read_only, unit_of_work

log = logging.getLogger(__name__)

TTL_SECONDS = 90
URGENCY = "high"
PUSH_DEADLINE_S = 10.0  # one push service's answer
BATCH_DEADLINE_S = 20.0  # every device of one call
MAX_ANSWER_BYTES = 4096  # push services answer with an empty body or a short error
VAPID_LIFETIME_S = 12 * 3600  # RFC 8292 allows at most 24 hours
GONE = frozenset({404, 410})
# The open page's words (components/turn_alerts.py); the body gets the subject's name.
CALLED_TITLE = msg("It is your turn!")
CALLED_BODY = msg("Go to the teacher: {subject}")
NEXT_TITLE = msg("You are next")
NEXT_BODY = msg("Get ready: {subject}")


@dataclass(frozen=True)
class PushMessage:
    """What the service worker shows (equeue_ui/static/sw.js reads these fields)."""

    title: str
    body: str
    topic: str
    url: str

    def payload(self) -> bytes:
        return json.dumps(asdict(self), ensure_ascii=False).encode()


@dataclass(frozen=True)
class Target:
    endpoint: str
    p256dh: str
    auth: str


def topic(queue: int) -> str:
    """One topic per queue: at most 32 characters of the URL-safe base64 alphabet (RFC 8030)."""
    return f"queue-{queue}"


async def send_call(event: StudentCalled) -> int:
    """Push the call to each of the student's devices; how many push services took it."""
    return await _send(event.user_id, event.queue_id, CALLED_TITLE, CALLED_BODY)


async def announce_next(event: QueueChanged) -> int:
    """Push "you are next" to whoever is next after this change, unless they were told already
    (by this or another process); how many push services took it."""
    # The snapshot this process's open pages are shown: read once for them and for this.
    snapshot = await runtime.current().hub.snapshot_at(event.queue_id, event.version)
    if snapshot is None:
        return 0
    upcoming = next((e for e in snapshot.entries if snapshot.is_next(e.user_id)), None)
    entry_id = None if upcoming is None else upcoming.id
    if not await _claim_next(snapshot.queue_id, version=snapshot.version, entry_id=entry_id):
        return 0
    if upcoming is None:
        return 0
    return await _send(upcoming.user_id, event.queue_id, NEXT_TITLE, NEXT_BODY)


async def _claim_next(queue_id: int, *, version: int, entry_id: int | None) -> bool:
    """Record ``entry_id`` (None: nobody) as the one told they are next; True if this call
    changed it, and so must tell them. Only at ``version``: if the queue changed since, the
    newer change's claim decides."""
    async with unit_of_work() as uow:
        claimed = await uow.session.execute(
            update(Queue)
            .where(
                Queue.id == queue_id,
                Queue.version == version,
                Queue.next_announced_entry_id.is_distinct_from(entry_id),
            )
            .values(next_announced_entry_id=entry_id)
        )
        return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]


async def _send(user_id: int, queue_id: int, title: Msg, body: Msg) -> int:
    """Push ``title`` and ``body`` (``{subject}`` filled in) about a queue to each of a user's
    devices, in the user's language; how many push services took it."""
    async with read_only() as session:
        row = (
            await session.execute(
                select(Subject.name, User.language)
                .select_from(Queue)
                .join(Subject, Subject.id == Queue.subject_id)
                .join(User, User.id == user_id)
                .where(Queue.id == queue_id)
            )
        ).first()
        subscriptions = (
            await session.scalars(
                select(PushSubscription).where(PushSubscription.user_id == user_id)
            )
        ).all()
        targets = [Target(s.endpoint, s.p256dh, s.auth) for s in subscriptions]
    if row is None or not targets:
        return 0
    subject, chosen = row
    language = chosen or await site.default_language()
    message = PushMessage(
        title=title.render(language),
        body=translate(body.msgid, language, subject=subject),
        topic=topic(queue_id),
        url=f"/queues/{queue_id}",
    )
    results = await asyncio.gather(*(deliver(target, message) for target in targets))
    return sum(results)


async def deliver(target: Target, message: PushMessage) -> bool:
    """Post one encrypted message to one browser's push service; True if it was accepted."""
    settings = runtime.current().settings
    pusher = WebPusher(
        {"endpoint": target.endpoint, "keys": {"p256dh": target.p256dh, "auth": target.auth}}
    )
    body = pusher.encode(message.payload(), "aes128gcm")["body"]
    parts = urlsplit(target.endpoint)
    claims = {
        "sub": settings.vapid_subject,
        "aud": f"{parts.scheme}://{parts.netloc}",
        "exp": int(time.time()) + VAPID_LIFETIME_S,
    }
    headers = {
        "TTL": str(TTL_SECONDS),
        "Urgency": URGENCY,
        "Topic": message.topic,
        "Content-Encoding": "aes128gcm",
        "Content-Type": "application/octet-stream",
        **vapid_key().sign(claims),
    }
    try:
        answer = await fetch_guard.fetch(
            target.endpoint,
            method="POST",
            content=body,
            headers=headers,
            max_bytes=MAX_ANSWER_BYTES,
            deadline=PUSH_DEADLINE_S,
            max_redirects=0,
            allow=fetch_guard.AllowList.parse(settings.push_allow_hosts),
        )
    except fetch_guard.FetchError as error:
        log.info("push to %s failed: %s", _service(target.endpoint), error)
        return False
    if answer.status in GONE:
        await _forget(target.endpoint)
        return False
    if 200 <= answer.status < 300:
        await _delivered(target.endpoint)
        return True
    log.warning("push service %s answered %d", _service(target.endpoint), answer.status)
    return False


def _service(endpoint: str) -> str:
    """The push service an endpoint belongs to, for a log line: its path names the browser."""
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.hostname}"


async def _forget(endpoint: str) -> None:
    async with unit_of_work() as uow:
        await uow.session.execute(
            delete(PushSubscription).where(PushSubscription.endpoint == endpoint)
        )


async def _delivered(endpoint: str) -> None:
    async with unit_of_work() as uow:
        await uow.session.execute(
            update(PushSubscription)
            .where(PushSubscription.endpoint == endpoint)
            .values(last_success_at=utcnow())
        )


class PushSender:
    """Sends each call this process committed, and "you are next" after each queue change it
    committed, as a background task of its own."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()
        self._unsubscribe: list[Callable[[], None]] = []

    def install(self, own_events: EventBus) -> None:
        self._unsubscribe = [
            own_events.subscribe(StudentCalled, self._on_called),
            own_events.subscribe(QueueChanged, self._on_changed),
        ]

    def _on_called(self, event: StudentCalled) -> None:
        self._start(send_call(event), event.queue_id, "call")

    def _on_changed(self, event: QueueChanged) -> None:
        self._start(announce_next(event), event.queue_id, "next student")

    def _start(self, push: Coroutine[Any, Any, int], queue_id: int, what: str) -> None:
        task = asyncio.get_running_loop().create_task(
            self._run(push, queue_id, what), name="web push"
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, push: Coroutine[Any, Any, int], queue_id: int, what: str) -> None:
        try:
            async with asyncio.timeout(BATCH_DEADLINE_S):
                await push
        except TimeoutError:
            log.warning("pushing the %s in queue %d took too long", what, queue_id)
        except Exception:
            log.exception("pushing the %s in queue %d failed", what, queue_id)

    @property
    def busy(self) -> bool:
        return bool(self._tasks)

    async def idle(self) -> None:
        """Wait until every push started so far is done (tests; shutdown)."""
        while self._tasks:
            await asyncio.wait(set(self._tasks))

    async def close(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

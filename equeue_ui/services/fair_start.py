"""The fair start: those who join in the first seconds after a queue opens are placed by a draw.

Opening a queue (by hand or by its schedule) with a fair start sets ``Queue.draw_at``. Joins
before that moment are marked ``in_draw`` and have no place of their own; the first unit of
work on the queue after it (the scheduler's round, a join, a page's read) draws. The draw is
claimed by a conditional UPDATE that clears ``draw_at``, in the transaction that assigns the
places: two processes, or one restarted mid-window, cannot draw twice.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from db.models import Queue, QueueEntry, User
from equeue_ui.errors import InvalidError
from equeue_ui.i18n import msg
from equeue_ui.services.uow import UnitOfWork
from equeue_ui.services.views import UserView

DEFAULT_SECONDS = 30
MAX_SECONDS = 600
_random = secrets.SystemRandom()


@dataclass(frozen=True)
class Draw:
    """A draw just made: the entries in their drawn order, and the order as history keeps it."""

    entries: tuple[QueueEntry, ...]
    details: str  # JSON: [{"user_id": …, "name": …}, …] in the drawn order


def valid_seconds(seconds: int) -> int:
    if not 0 <= seconds <= MAX_SECONDS:
        raise InvalidError(
            msg("The fair start lasts 0 to {high} seconds (0: none).", high=MAX_SECONDS)
        )
    return seconds


def start_window(queue: Queue, now: datetime) -> None:
    """The queue opens now: a fair start begins, if it has one."""
    queue.opened_at = now
    seconds = queue.fair_start_seconds or 0
    queue.draw_at = now + timedelta(seconds=seconds) if seconds > 0 else None


def pending(queue: Queue, now: datetime) -> bool:
    """Whether joins now go into the draw."""
    return queue.draw_at is not None and now < queue.draw_at


def due(queue: Queue, now: datetime) -> bool:
    return queue.draw_at is not None and queue.draw_at <= now


async def draw(uow: UnitOfWork, queue: Queue, now: datetime) -> Draw | None:
    """Draw the places of the window's joins, if the draw is due and nobody drew yet.

    The caller holds the queue row's lock; the conditional UPDATE claims the draw even so, so
    that a second claim in any process finds nothing to draw. Drawn entries take the next
    sequence numbers in the drawn order: behind everyone placed before the queue opened."""
    claimed = await uow.session.execute(
        update(Queue)
        .where(Queue.id == queue.id, Queue.draw_at.is_not(None), Queue.draw_at <= now)
        .values(draw_at=None)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return None
    queue.draw_at = None
    rows = await uow.session.execute(
        select(QueueEntry, User)
        .join(User, User.id == QueueEntry.user_id)
        .where(QueueEntry.queue_id == queue.id, QueueEntry.in_draw.is_(True))
        .order_by(QueueEntry.id)
    )
    drawn = list(rows.all())
    _random.shuffle(drawn)
    for entry, _user in drawn:
        entry.seq = queue.next_seq
        entry.in_draw = False
        queue.next_seq += 1
    details = json.dumps(
        [{"user_id": user.id, "name": UserView.of(user).display_name} for _, user in drawn],
        ensure_ascii=False,
    )
    return Draw(tuple(entry for entry, _ in drawn), details)

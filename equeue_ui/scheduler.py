"""Background jobs of every app process: queue schedules, and the daily eCourses due-date sync."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from equeue_ui.services import ecourses_daily, queues

log = logging.getLogger(__name__)
INTERVAL_SECONDS = 15.0
# How often a process looks for fair-start draws that are due: "the order is drawn at 10:00:30"
# should hold to the second, and the query is one indexed look at the queues table.
DRAW_INTERVAL_SECONDS = 1.0
# How often a process asks whether today's eCourses sync is still to do: the sync itself runs
# once a day, in whichever process claims the day first.
ECOURSES_INTERVAL_SECONDS = 600.0


async def run_schedule(interval: float = INTERVAL_SECONDS) -> None:
    """Apply queue schedules every ``interval`` seconds until cancelled."""

    async def step() -> None:
        changed = await queues.apply_schedule()
        if changed:
            log.info("schedule opened or closed queues %s", changed)

    await _every(interval, step, "applying queue schedules failed")


async def run_draws(interval: float = DRAW_INTERVAL_SECONDS) -> None:
    """Make the fair-start draws that are due, every ``interval`` seconds until cancelled. Every
    process may run it: a draw is claimed once, in the database (services/fair_start.py)."""

    async def step() -> None:
        drawn = await queues.draw_due_queues()
        if drawn:
            log.info("fair start drawn for queues %s", drawn)

    await _every(interval, step, "making fair-start draws failed")


async def run_ecourses_sync(interval: float = ECOURSES_INTERVAL_SECONDS) -> None:
    """Run the daily eCourses due-date sync when it is due (see ``ecourses_daily``)."""

    async def step() -> None:
        done = await ecourses_daily.run_if_due()
        if done is not None:
            log.info(
                "eCourses due dates synced: %d subjects read, %d not, %d tasks changed",
                done.subjects_read,
                done.subjects_unread,
                done.tasks_changed,
            )

    await _every(interval, step, "the daily eCourses due-date sync failed")


async def _every(interval: float, step: Callable[[], Awaitable[None]], failure: str) -> None:
    while True:
        try:
            await step()
        except asyncio.CancelledError:
            raise
        except Exception:  # a failing round must not stop the next ones
            log.exception(failure)
        await asyncio.sleep(interval)

"""The background job that opens and closes queues on their schedule."""

from __future__ import annotations

import asyncio
import logging

from equeue_ui.services import queues

log = logging.getLogger(__name__)
INTERVAL_SECONDS = 15.0


async def run_schedule(interval: float = INTERVAL_SECONDS) -> None:
    """Apply queue schedules every ``interval`` seconds until cancelled."""
    while True:
        try:
            changed = await queues.apply_schedule()
            if changed:
                log.info("schedule opened or closed queues %s", changed)
        except asyncio.CancelledError:
            raise
        except Exception:  # a failing round must not stop the next ones
            log.exception("applying queue schedules failed")
        await asyncio.sleep(interval)

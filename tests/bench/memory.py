"""The app's memory over a run: samples of every app process's RSS (and PSS), the growth per
10 minutes of a soak, and the peak of each wave of viewers.

A soak (``--soak M``) samples once a minute from the start of the changes to their end; the
slope is the least-squares line through the samples after the warm-up (the first third of the
soak, at most 5 minutes), in MB per 10 minutes. PSS counts shared pages by the share each
process has, so with two app processes it does not count their common libraries twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.bench.stats import least_squares_slope

SOAK_SAMPLE_INTERVAL = 60.0
PEAK_SAMPLE_INTERVAL = 1.0
WARMUP_LIMIT_S = 300.0


@dataclass(frozen=True)
class MemorySample:
    at: float  # seconds since sampling began
    rss_kb: int  # all app processes together
    pss_kb: int | None = None  # None where /proc/<pid>/smaps_rollup cannot be read


def pss_kb(pid: int) -> int | None:
    """Proportional set size of one process, in KiB (None if the kernel does not say)."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return None


def soak_warmup_seconds(soak_seconds: float) -> float:
    """Samples taken before this are left out of the slope: the first third, at most 5 min."""
    return min(WARMUP_LIMIT_S, soak_seconds / 3)


def slope_mb_per_10min(
    samples: Sequence[MemorySample], warmup_s: float, *, pss: bool = False
) -> float:
    """Growth in MB per 10 minutes over the samples at or after ``warmup_s``; nan if fewer
    than two are left (or, for ``pss``, if any lacks PSS)."""
    kept = [s for s in samples if s.at >= warmup_s]
    if pss:
        if any(s.pss_kb is None for s in kept):
            return math.nan
        values = [float(s.pss_kb or 0) for s in kept]
    else:
        values = [float(s.rss_kb) for s in kept]
    per_second = least_squares_slope([s.at for s in kept], [kb / 1024 for kb in values])
    return per_second * 600


class Sampler:
    """Samples ``read`` (→ RSS KiB, PSS KiB or None) every ``interval`` seconds while running,
    and once more when stopped."""

    def __init__(self, read: Callable[[], tuple[int, int | None]], interval: float) -> None:
        self.read = read
        self.interval = interval
        self.samples: list[MemorySample] = []
        self.started = 0.0
        self.task: asyncio.Task[None] | None = None

    @property
    def peak_kb(self) -> int:
        return max((s.rss_kb for s in self.samples), default=0)

    def start(self) -> None:
        self.started = time.monotonic()
        self.task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
            self.task = None
            self._take()

    async def _run(self) -> None:
        for k in range(2**31):  # bounded; stopped by cancel
            self._take()
            delay = self.started + (k + 1) * self.interval - time.monotonic()
            await asyncio.sleep(max(0.0, delay))

    def _take(self) -> None:
        try:
            rss, pss = self.read()
        except OSError:  # an app process is gone (a restart); the run reports that elsewhere
            return
        self.samples.append(MemorySample(time.monotonic() - self.started, rss, pss))

"""Turning the raw records into figures: percentiles, fan-out latencies, who dropped out."""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tests.bench.driver import Change
from tests.bench.loader import CONSOLE, ViewerResult


@dataclass(frozen=True)
class Summary:
    count: int
    p50: float
    p95: float
    p99: float
    max: float

    @classmethod
    def of(cls, values: Iterable[float]) -> Summary:
        ordered = sorted(values)
        if not ordered:
            nan = math.nan
            return cls(0, nan, nan, nan, nan)
        return cls(
            len(ordered),
            percentile(ordered, 50),
            percentile(ordered, 95),
            percentile(ordered, 99),
            ordered[-1],
        )

    def row(self, label: str, unit: str = "ms") -> str:
        return (
            f"{label:<28}{self.count:>9}{fmt(self.p50):>10}{fmt(self.p95):>10}"
            f"{fmt(self.p99):>10}{fmt(self.max):>10}  {unit}"
        )


def header() -> str:
    return f"{'':<28}{'n':>9}{'p50':>10}{'p95':>10}{'p99':>10}{'max':>10}"


def percentile(ordered: Sequence[float], p: float) -> float:
    """Nearest-rank percentile of an already sorted sequence."""
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def fmt(value: float, digits: int = 1) -> str:
    return "nan" if math.isnan(value) else f"{value:.{digits}f}"


def latencies_ms(changes: Sequence[Change], viewers: Iterable[ViewerResult]) -> list[float]:
    """For every viewer and every change of its own queue committed while it was open (after
    its socket first connected, before it was closed on purpose): when the viewer first showed
    that version or a newer one, after the commit. Pairs a viewer never reached are left out
    (that viewer is dropped)."""
    by_queue: dict[int, list[Change]] = {}
    for change in changes:
        if change.ok:
            by_queue.setdefault(change.queue, []).append(change)
    values: list[float] = []
    for viewer in viewers:
        versions, times = viewer.seen_version, viewer.seen_at
        opened = viewer.first_connected_at
        left = viewer.left_at
        for change in by_queue.get(viewer.queue, ()):
            if opened is not None and change.committed_at <= opened:
                continue  # the page loaded it, or it came with the connection
            if left is not None and change.committed_at >= left:
                continue
            at = bisect_left(versions, change.version)
            if at < len(versions):
                values.append((times[at] - change.committed_at) * 1000)
    return values


def final_versions(changes: Iterable[Change]) -> dict[int, int]:
    """Each queue's last committed version (queue number → version)."""
    finals: dict[int, int] = {}
    for change in changes:
        if change.ok:
            finals[change.queue] = max(finals.get(change.queue, -1), change.version)
    return finals


def dropped(viewer: ViewerResult, finals: dict[int, int]) -> str:
    """Why a viewer counts as dropped, or "" if it stayed with us to the end (or until it was
    closed on purpose). A console is redrawn from each snapshot and keeps no version to check."""
    if viewer.failure:
        return viewer.failure
    if viewer.unexpected_disconnects:
        return "socket closed"
    if (
        viewer.left_at is None
        and viewer.role != CONSOLE
        and viewer.version < finals.get(viewer.queue, -1)
    ):
        return "never showed the final version"
    return ""


def thirds(changes: Sequence[Change]) -> tuple[list[Change], list[Change]]:
    """The first and the last third of the changes (for the lag trend)."""
    third = max(1, len(changes) // 3)
    return list(changes[:third]), list(changes[-third:])


def least_squares_slope(xs: Sequence[float], ys: Sequence[float]) -> float:
    """The slope of the least-squares line through the points; nan for fewer than two
    distinct x."""
    n = len(xs)
    if n < 2 or n != len(ys):
        return math.nan
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    spread = sum((x - mean_x) ** 2 for x in xs)
    if spread == 0:
        return math.nan
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread

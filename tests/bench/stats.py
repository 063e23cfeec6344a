"""Turning the raw records into figures: percentiles, fan-out latencies, who dropped out."""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tests.bench.driver import Change
from tests.bench.loader import ViewerResult


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
    """For every viewer and change: when the viewer first showed that version or a newer one,
    after the commit. Pairs a viewer never reached are left out (that viewer is dropped)."""
    measured = [c for c in changes if c.ok]
    values: list[float] = []
    for viewer in viewers:
        versions, times = viewer.seen_version, viewer.seen_at
        for change in measured:
            at = bisect_left(versions, change.version)
            if at < len(versions):
                values.append((times[at] - change.committed_at) * 1000)
    return values


def dropped(viewer: ViewerResult, final_version: int) -> str:
    """Why a viewer counts as dropped, or "" if it stayed with us to the end."""
    if viewer.failure:
        return viewer.failure
    if viewer.unexpected_disconnects:
        return "socket closed"
    if viewer.version < final_version:
        return "never showed the final version"
    return ""


def thirds(changes: Sequence[Change]) -> tuple[list[Change], list[Change]]:
    """The first and the last third of the changes (for the lag trend)."""
    third = max(1, len(changes) // 3)
    return list(changes[:third]), list(changes[-third:])

"""The benchmark's output: a table for people, then one machine-readable line (the last)."""

from __future__ import annotations

import argparse
import math
from collections import Counter
from typing import TYPE_CHECKING

from tests.bench.loader import BOARD, CONSOLE, STUDENT, ViewerResult
from tests.bench.memory import slope_mb_per_10min, soak_warmup_seconds
from tests.bench.stats import Summary, dropped, fmt, header, latencies_ms, thirds

if TYPE_CHECKING:
    from tests.bench.fanout import Measurements

# The targets (2 cores, one app process, a 30-person queue), shown for orientation.
KB_PER_VIEWER_TARGET = 150
CONNECT_ALL_TARGET_S = 15.0  # for 1,000 viewers
RESTART_TARGET_S = 30.0
REMOTE_EXTRA_TARGET_MS = 100.0
SOAK_SLOPE_TARGET_MB = 1.0  # per 10 minutes, after the warm-up
SECOND_WAVE_TARGET = 1.10  # the second wave's memory peak over the first's


def p95_target_ms(viewers: int) -> float | None:
    if viewers <= 1000:
        return 300.0
    if viewers <= 2000:
        return 1000.0
    return None


class Report:
    def __init__(
        self, args: argparse.Namespace, m: Measurements, app_names: list[str], port_a: int
    ) -> None:
        self.args, self.m = args, m
        self.app_names = app_names
        self.port_a = port_a
        viewers = m.viewers
        self.reasons = {v.index: dropped(v, m.finals) for v in viewers}
        # The first wave's tabs as opened before the changes: what connecting and memory are
        # measured on (arrivals and later waves are reported apart).
        self.initial = [v for v in viewers if v.wave == 0 and not v.arrived]
        opened = [v for v in viewers if v.connect_seconds is not None]
        # Students' pages (or API streams) of every wave, arrivals included; boards apart.
        self.connected = [v for v in opened if v.role == STUDENT]
        self.boards = [v for v in opened if v.role == BOARD]
        self.live = [v for v in self.connected if not self.reasons[v.index]]
        self.measured = [c for c in m.changes[m.warmup_changes :] if c.ok]
        # Latency is what every connected student's tab experienced, a dropped one included for
        # the versions it did receive (say, late, after reconnecting); drops are counted apart.
        self.latency = Summary.of(latencies_ms(self.measured, self.connected))
        self.extra: dict[str, str] = {}
        self.checks: list[str] = []

    def print(self) -> None:
        for line in self.lines():
            print(line)

    def lines(self) -> list[str]:
        out = ["", header()]
        out += self._connect()
        out += self._arrivals()
        out += self._latency()
        out += self._memory()
        out += self._soak()
        out += self._waves()
        out += self._cpu()
        out += self._changes()
        out += self._dropped()
        out += self._restart()
        out += self._targets()
        if getattr(self.args, "details", False):
            out += self._details()
        out.append(self._machine_line())
        return out

    # --- sections -----------------------------------------------------------------------------

    def _connect(self) -> list[str]:
        m = self.m
        all_s = m.all_connected - m.connect_started
        failed = sum(1 for v in self.initial if v.connect_seconds is None)
        out = []
        for role, label, key in (
            (STUDENT, "connect (page + socket)", "connect_p95_ms"),
            (BOARD, "  boards", "board_connect_p95_ms"),
            (CONSOLE, "  consoles", "console_connect_p95_ms"),
        ):
            seats = [v for v in self.initial if v.role == role]
            if not seats:
                continue
            summary = Summary.of(connect_ms(seats))
            out.append(summary.row(label))
            self.extra[key] = fmt(summary.p95, 0)
        self.extra["connect_all_s"] = fmt(all_s)
        self._check(
            "1,000 viewers connect within 15 s",
            all_s <= CONNECT_ALL_TARGET_S,
            f"{all_s:.1f} s for {len(self.initial)}",
            applies=len(self.initial) >= 1000,
        )
        out.append(
            f"  {len(self.initial)} open pages all connected after {all_s:.1f} s;"
            f" failed to connect: {failed}"
        )
        return out

    def _arrivals(self) -> list[str]:
        if not self.args.arrivals:
            return []
        arrived = [v for v in self.m.viewers if v.arrived]
        loaded = [v for v in arrived if v.connect_seconds is not None]
        phases = self.args.phase_seconds * len(self.m.waves)
        summary = Summary.of(connect_ms(arrived))
        self.extra["arrival_p95_ms"] = fmt(summary.p95, 0)
        self.extra["arrivals_failed"] = str(len(arrived) - len(loaded))
        latency = Summary.of(latencies_ms(self.measured, loaded))
        out = [
            summary.row("arrivals: page + socket"),
            Summary.of(page_ms(loaded)).row("  of which the page (HTML)"),
        ]
        if len(self.app_names) == 2:
            # A commits the changes, B only hears of them: whether a page waits for its own
            # app's loop or for the machine shows in the difference.
            for name, on_a in (("A", True), ("B", False)):
                mine = [v for v in loaded if (v.port == self.port_a) == on_a]
                whole = Summary.of(connect_ms(mine))
                out.append(whole.row(f"  on {name}: page + socket"))
                out.append(Summary.of(page_ms(mine)).row(f"  on {name}: the page (HTML)"))
                self.extra[f"arrival_p95_ms_{name}"] = fmt(whole.p95, 0)
        # Over the time they ran: the changes, and so the arrivals, go on past the phase's
        # length when the apps fall behind.
        span = sum(arrival_span(loaded, wave) for wave in range(len(self.m.waves))) or phases
        out.append(
            f"  {len(arrived)} arrivals ({len(arrived) / max(span, 1e-6):.2f}/s, asked"
            f" {self.args.arrivals:g}/s, at random moments), each closing an open student's tab;"
            f" failed to connect: {len(arrived) - len(loaded)}"
        )
        out.append(latency.row("  their commit → viewer"))
        return out

    def _latency(self) -> list[str]:
        out = [self.latency.row("fan-out commit → viewer")]
        first, last = thirds(self.measured)
        early = Summary.of(latencies_ms(first, self.connected))
        late = Summary.of(latencies_ms(last, self.connected))
        out += [early.row("  first third of changes"), late.row("  last third of changes")]
        for action in sorted({c.action for c in self.measured}):
            of_action = [c for c in self.measured if c.action == action]
            out.append(Summary.of(latencies_ms(of_action, self.connected)).row(f"  after {action}"))
        if len(self.live) < len(self.connected):
            out.append(
                Summary.of(latencies_ms(self.measured, self.live)).row("  viewers never dropped")
            )
        if self.boards:
            boards = Summary.of(latencies_ms(self.measured, self.boards))
            out.append(boards.row("  boards (not in the above)"))
            self.extra["board_p95_ms"] = fmt(boards.p95)
        self.extra["lag_first_p95_ms"] = fmt(early.p95, 0)
        self.extra["lag_last_p95_ms"] = fmt(late.p95, 0)
        if len(self.app_names) == 2:
            local = [v for v in self.connected if v.port == self.port_a]
            remote = [v for v in self.connected if v.port != self.port_a]
            local_s = Summary.of(latencies_ms(self.measured, local))
            remote_s = Summary.of(latencies_ms(self.measured, remote))
            out += [local_s.row("  local (on A, where changed)"), remote_s.row("  remote (on B)")]
            self.extra["remote_p95_ms"] = fmt(remote_s.p95)
            self.extra["local_p95_ms"] = fmt(local_s.p95)
            extra_ms = remote_s.p95 - local_s.p95
            out.append(f"  remote p95 − local p95 = {fmt(extra_ms)} ms")
            self._check("B no more than 100 ms (p95) behind A", extra_ms <= 100, fmt(extra_ms))
        target = p95_target_ms(len(self.initial))
        if target is not None:
            self._check(
                f"p95 ≤ {target:g} ms, none dropped",
                self.latency.p95 <= target and not self._dropped_count(),
                f"p95 {fmt(self.latency.p95)} ms, dropped {self._dropped_count()}",
            )
        out.append(self._loop_lag())
        return out

    def _loop_lag(self) -> str:
        m = self.m
        connecting = self._lags(m.connect_started, m.all_connected)
        changing = self._lags(*m.change_window)
        worst = max(changing, default=0.0)
        self.extra["loader_lag_max_ms"] = fmt(worst, 0)
        return (
            f"  load processes' event-loop lag: max {max(connecting, default=0.0):.0f} ms while"
            f" connecting; during changes max {worst:.0f} ms,"
            f" {sum(1 for lag in changing if lag > 50)} wake-ups > 50 ms late"
        )

    def _lags(self, start: float, end: float) -> list[float]:
        return [
            lag * 1000
            for r in self.m.results
            for at, lag in zip(r.lag_at, r.lag_seconds, strict=True)
            if start <= at <= end
        ]

    def _memory(self) -> list[str]:
        m = self.m
        out = []
        for name in self.app_names:
            base, with_, end = m.baseline_kb[name], m.connected_kb[name], m.end_kb[name]
            out.append(
                f"server {name} memory (RSS): {base / 1024:.1f} MB before viewers, "
                f"{with_ / 1024:.1f} MB connected, {end / 1024:.1f} MB at the end"
            )
        total = sum(m.connected_kb.values())
        growth = total - sum(m.baseline_kb.values())
        pages = [v for v in self.initial if v.connect_seconds is not None]
        per_viewer = growth / max(1, len(pages))
        roles = Counter(v.role for v in pages)
        kinds = ", ".join(f"{n} {role}" for role, n in sorted(roles.items()))
        out.append(f"  per open page ({kinds}): {per_viewer:.1f} KB")
        self.rss_mb, self.kb_per_viewer = total / 1024, per_viewer
        self._check(
            "≤ 150 KB per open page", per_viewer <= KB_PER_VIEWER_TARGET, f"{per_viewer:.0f}"
        )
        return out

    def _soak(self) -> list[str]:
        if not self.args.soak or not self.m.waves:
            return []
        samples = self.m.waves[0].soak
        warmup = soak_warmup_seconds(self.args.phase_seconds)
        rss = slope_mb_per_10min(samples, warmup)
        pss = slope_mb_per_10min(samples, warmup, pss=True)
        self.extra["soak_min"] = f"{self.args.soak:g}"
        self.extra["slope_mb_per_10min"] = fmt(rss, 2)
        self.extra["pss_slope_mb_per_10min"] = fmt(pss, 2)
        out = [f"soak: the apps' memory each minute of the changes ({len(samples)} samples)"]
        for sample in samples:
            pss_mb = fmt(sample.pss_kb / 1024) if sample.pss_kb is not None else "?"
            out.append(
                f"  {sample.at / 60:5.1f} min  RSS {sample.rss_kb / 1024:8.1f} MB"
                f"  PSS {pss_mb:>8} MB"
            )
        out.append(
            f"  growth after the first {warmup / 60:.1f} min (least squares): RSS {fmt(rss, 2)}"
            f" MB, PSS {fmt(pss, 2)} MB per 10 min"
        )
        self._check(
            f"no growth in a soak (≤ {SOAK_SLOPE_TARGET_MB:g} MB per 10 min)",
            rss <= SOAK_SLOPE_TARGET_MB,
            f"{fmt(rss, 2)} MB per 10 min",
        )
        return out

    def _waves(self) -> list[str]:
        waves = self.m.waves
        if len(waves) < 2:
            return []
        out = []
        for number, wave in enumerate(waves, start=1):
            left = (
                f", {wave.after_leaving_kb / 1024:.1f} MB once it left"
                if wave.after_leaving_kb is not None
                else ""
            )
            out.append(
                f"wave {number}: connected in {wave.connect_seconds:.1f} s, RSS"
                f" {wave.connected_kb / 1024:.1f} MB connected, peak {wave.peak_kb / 1024:.1f} MB"
                + left
            )
            self.extra[f"wave{number}_peak_mb"] = fmt(wave.peak_kb / 1024)
        ratio = waves[-1].peak_kb / max(1, waves[0].peak_kb)
        self.extra["wave_peak_ratio"] = fmt(ratio, 3)
        out.append(f"  second wave's peak / first wave's peak: {ratio:.3f}")
        self._check(
            "a second wave stays within 10 % of the first's peak",
            ratio <= SECOND_WAVE_TARGET,
            f"{ratio:.3f}",
        )
        return out

    def _cpu(self) -> list[str]:
        m = self.m
        parts = [
            f"{name} {m.connect_cpu[name]:.0f} % connecting, {m.change_cpu[name]:.0f} % changes"
            for name in self.app_names
        ]
        self.extra["cpu_pct"] = fmt(sum(m.change_cpu.values()), 0)
        if nice := getattr(self.args, "loader_nice", 0):
            self.extra["loader_nice"] = str(nice)
        waits = [f"{name} {m.change_cpu_wait.get(name, 0):.0f} %" for name in self.app_names]
        for name in self.app_names:
            self.extra[f"cpu_wait_pct_{name}"] = fmt(m.change_cpu_wait.get(name, 0), 0)
        out = [
            "server CPU (100 % = one core): " + "; ".join(parts),
            "time each app's event loop was ready to run but waited for a core, during changes"
            " (/proc/<pid>/schedstat): " + "; ".join(waits),
            f"load processes CPU during changes: {m.loader_cpu:.0f} %; everything else on the"
            f" machine: {m.others_cpu:.0f} % (load average {m.load_average} at the start)",
        ]
        if m.others_cpu > 50:
            out.append(
                f"  NOTE: other processes took {m.others_cpu:.0f} % of a core during the changes;"
                " with 2 cores shared, these figures are pessimistic"
            )
        for name, pauses in m.gc_pauses.items():
            parts = []
            for generation in (0, 1, 2):
                ms = [p for g, p in pauses if g == generation]
                if ms:
                    parts.append(f"gen{generation} {len(ms)}× {sum(ms):.0f} ms (max {max(ms):.0f})")
            total = sum(p for _, p in pauses)
            self.extra[f"gc_ms_{name}"] = f"{total:.0f}"
            out.append(
                f"server {name} GC pauses > 5 ms during changes: {total:.0f} ms in all; "
                + (", ".join(parts) or "none")
            )
        return out

    def _changes(self) -> list[str]:
        m = self.m
        ok = [c for c in m.changes if c.ok]
        span = m.change_window[1] - m.change_window[0]
        first = m.changes[: m.first_wave_changes] or m.changes  # the rate is the first wave's
        sent = first[-1].sent_at - first[0].sent_at if len(first) > 1 else 0.0
        rate = (len(first) - 1) / sent if sent > 0 else math.nan
        actions = Counter(c.action for c in ok)
        errors = Counter(c.error for c in m.changes if not c.ok)
        self.extra["rate"] = fmt(rate, 2)
        out = [
            f"changes: {len(first)} in {span:.1f} s ({rate:.2f}/s, asked {self.args.rate:g}/s),"
            f" {len(ok)} ok in all, first {m.warmup_changes} not counted (warm-up); "
            + ", ".join(f"{a} {n}" for a, n in sorted(actions.items()))
        ]
        if self.args.queues > 1:
            per_queue = Counter(c.queue for c in ok)
            counts = [per_queue.get(q, 0) for q in range(self.args.queues)]
            out.append(
                f"  over {self.args.queues} queues in turn: {min(counts)}–{max(counts)} ok"
                " changes per queue"
            )
        requests = Summary.of((c.committed_at - c.sent_at) * 1000 for c in m.changes)
        slip = max((c.sent_at - c.scheduled_at for c in m.changes), default=0.0)
        out.append(requests.row("  act request → commit"))
        out.append(f"  behind the schedule by up to {slip:.1f} s")
        out += [f"  failed {n}×: {error}" for error, n in errors.most_common(5)]
        if self.args.rate >= 10:
            first, last = thirds(self.measured)
            early = Summary.of(latencies_ms(first, self.connected)).p95
            late = Summary.of(latencies_ms(last, self.connected)).p95
            self._check(
                f"{self.args.rate:g} changes/s sustained without growing lag",
                rate >= 0.95 * self.args.rate and late <= 1.5 * early + 50,
                f"{rate:.1f}/s, p95 first third {fmt(early, 0)} ms → last third {fmt(late, 0)} ms",
            )
        viewers = max(1, len(self.connected))
        events = sum(v.events for v in self.m.viewers) / viewers
        kb = sum(v.event_bytes for v in self.m.viewers) / viewers / 1024
        snapshots = sum(len(v.seen_version) for v in self.m.viewers) / viewers
        out.append(
            f"  socket events per viewer: {events:.1f} ({kb:.1f} KB), "
            f"of which newer snapshots {snapshots:.1f}"
        )
        for name, tally in sorted(self.m.fanout.items()):
            patches = tally.get("tuning") or {}
            off = sorted(patch for patch, on in patches.items() if not on)
            out.append(
                f"  app {name}: tuning "
                + ("on" if not off else "off" if len(off) == len(patches) else f"without {off}")
            )
            direct, engineio = tally.get("direct", 0), tally.get("through_engineio", 0)
            if direct or engineio:
                out.append(
                    f"  app {name}: {direct} of {direct + engineio} snapshot copies written as one "
                    f"prepared frame ({100 * direct / max(1, direct + engineio):.1f} %), the rest "
                    "through engine.io"
                )
            if emits := tally.get("through_socketio", 0):
                out.append(f"  app {name}: {emits} snapshot emits through socket.io's own emit")
        deflated = sum(v.deflate_accepted for v in self.m.viewers)
        if deflated:
            out.append(f"  permessage-deflate accepted for {deflated} of {viewers} viewers")
        return out

    def _dropped(self) -> list[str]:
        m = self.m
        reasons = Counter(
            (self.reasons[v.index], _kind(v)) for v in m.viewers if self.reasons[v.index]
        )
        lines = [f"dropped or failed tabs: {self._dropped_count()} of {len(m.viewers)}"]
        lines += [f"  {n}× {reason} ({kind})" for (reason, kind), n in reasons.most_common(5)]
        closes = [at for v in m.viewers for at in v.disconnected_at]
        if closes:
            phases = Counter(self._phase(at) for at in closes)
            lines.append(
                f"  sockets closed by the server: {len(closes)} ("
                + ", ".join(f"{n} {phase}" for phase, n in phases.most_common())
                + ")"
            )
        return lines

    def _phase(self, at: float) -> str:
        m = self.m
        if m.restart_stopped_at is not None and at >= m.restart_stopped_at:
            return "after the restart began"
        if at < m.change_window[0]:
            return "while connecting"
        if at <= m.change_window[1]:
            return "during the changes"
        return "at the end"

    def _restart(self) -> list[str]:
        m = self.m
        if m.restart_stopped_at is None or m.restart_up_at is None:
            return []
        down = m.restart_up_at - m.restart_stopped_at
        stopping = (m.restart_down_at or m.restart_up_at) - m.restart_stopped_at
        target = m.restart_target
        if target is None:
            self.extra["restart_all_back_s"] = "nan"
            return [f"restart: the app was down {down:.1f} s; no change succeeded afterwards"]
        # Everyone who was connected before the restart should come back.
        back = [_first_at(v, target) for v in self.connected]
        missing = sum(1 for at in back if at is None)
        last = max((at for at in back if at is not None), default=math.nan)
        all_back = last - m.restart_stopped_at
        reloads = sum(max(0, v.page_loads - 1) for v in self.m.viewers)
        self.extra["restart_all_back_s"] = fmt(all_back)
        self._check(
            "back and current within 30 s of a restart",
            all_back <= RESTART_TARGET_S and not missing,
            f"{fmt(all_back)} s, {missing} missing",
        )
        return [
            f"restart: app down for {down:.1f} s (stopping {stopping:.1f} s); "
            f"the last viewer back and current "
            f"{fmt(all_back)} s after the stop ({fmt(last - m.restart_up_at)} s after it was up);"
            f" not back: {missing}; page reloads: {reloads}"
        ]

    def _details(self) -> list[str]:
        out = ["per change: index action version request_ms | fan-out p50 / max ms"]
        for change in self.m.changes + self.m.restart_changes:
            spread = Summary.of(latencies_ms([change], self.connected)) if change.ok else None
            request_ms = (change.committed_at - change.sent_at) * 1000
            tail = f"{fmt(spread.p50)} / {fmt(spread.max)}" if spread else change.error
            out.append(
                f"  {change.index:>4} {change.action:<9} v{change.version:<6}"
                f" {request_ms:>7.1f} | {tail}"
            )
        return out

    def _targets(self) -> list[str]:
        return ["targets (from the issue):", *self.checks] if self.checks else []

    def _machine_line(self) -> str:
        fields = {
            "viewers": str(sum(1 for v in self.initial if v.role == STUDENT)),
            "p50_ms": fmt(self.latency.p50),
            "p95_ms": fmt(self.latency.p95),
            "p99_ms": fmt(self.latency.p99),
            "max_ms": fmt(self.latency.max),
            "dropped": str(self._dropped_count()),
            "rss_mb": fmt(self.rss_mb),
            "kb_per_viewer": fmt(self.kb_per_viewer),
            "tuning": self.args.tuning,
            "queues": str(self.args.queues),
            "arrivals": f"{self.args.arrivals:g}",
            "pages": str(len(self.initial)),  # students' pages, boards and consoles
        }
        fields.update(self.extra)
        return " ".join(f"{key}={value}" for key, value in fields.items())

    # --- helpers ------------------------------------------------------------------------------

    def _dropped_count(self) -> int:
        return sum(1 for r in self.reasons.values() if r)

    def _check(self, label: str, ok: bool, value: str, *, applies: bool = True) -> None:
        if applies:
            self.checks.append(f"  [{'ok' if ok else 'MISSED'}] {label}: {value}")


def _kind(viewer: ViewerResult) -> str:
    return f"{viewer.role}, arrived" if viewer.arrived else viewer.role


def connect_ms(viewers: list[ViewerResult]) -> list[float]:
    """Page load + socket connected, in ms, of the viewers that connected."""
    return [v.connect_seconds * 1000 for v in viewers if v.connect_seconds is not None]


def arrival_span(arrivals: list[ViewerResult], wave: int) -> float:
    """Seconds from the first to the last page load a wave's arrivals began."""
    began = [v.opened_at for v in arrivals if v.wave == wave and v.opened_at is not None]
    return max(began) - min(began) if len(began) > 1 else 0.0


def page_ms(viewers: list[ViewerResult]) -> list[float]:
    """The first page load's HTML alone, in ms, of the viewers that loaded it."""
    return [v.page_seconds * 1000 for v in viewers if v.page_seconds is not None]


def _first_at(viewer: ViewerResult, version: int) -> float | None:
    for at, seen in zip(viewer.seen_at, viewer.seen_version, strict=True):
        if seen >= version:
            return at
    return None

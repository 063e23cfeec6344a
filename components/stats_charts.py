"""A queue's statistics as charts (ECharts): served per day, wait and service times, teachers."""

from __future__ import annotations

from statistics import median
from typing import Any

from nicegui import ui

from components.a11y import scroll_region
from components.i18n import _, _n
from equeue_ui.services.statistics import QueueStats, TeacherThroughput, histogram

# Mid-grey text and faint grid lines read on the light and on the dark page alike, and a
# transparent background shows the page's own: so charts need no redraw when the theme flips.
TEXT = "#8a8a8a"
GRID = "rgba(128, 128, 128, 0.25)"
ACCEPTED = "#43a047"
RETURNED = "#fb8c00"
BARS = "#1976d2"


def queue_charts(stats: QueueStats) -> None:
    """Every chart of the queue, each in its own card; a note instead when nothing was served."""
    if not stats.per_day:
        ui.label(_("Nobody was served in this period.")).classes("eq-muted").mark("no-services")
        return
    _summary(stats)
    with _card(_("Served per day")):
        days = [day.day.strftime("%d.%m") for day in stats.per_day]
        _chart(
            days,
            [
                _bars(_("Accepted"), [d.accepted for d in stats.per_day], ACCEPTED, stack=True),
                _bars(_("Returned"), [d.returned for d in stats.per_day], RETURNED, stack=True),
            ],
            legend=True,
        ).mark("chart-per-day")
    for title, seconds, mark in (
        (_("Wait from joining to being called, minutes"), stats.wait_seconds, "chart-wait"),
        (_("Time at the desk, minutes"), stats.service_seconds, "chart-service"),
    ):
        with _card(title):
            bins = histogram(seconds)
            _chart(
                [
                    f"{b.low_minutes}–{b.high_minutes}"
                    if b.high_minutes is not None
                    else f"≥ {b.low_minutes}"
                    for b in bins
                ],
                [_bars(_("Students"), [b.count for b in bins], BARS)],
            ).mark(mark)
    with _card(_("Served per teacher")):
        names = [_teacher_name(t) for t in stats.teachers]
        _chart(
            names,
            [
                _bars(_("Accepted"), [t.accepted for t in stats.teachers], ACCEPTED, stack=True),
                _bars(_("Returned"), [t.returned for t in stats.teachers], RETURNED, stack=True),
            ],
            legend=True,
        ).mark("chart-teachers")
        teacher_table(stats.teachers)


def teacher_table(teachers: tuple[TeacherThroughput, ...]) -> None:
    columns = [
        {"name": "name", "label": _("Teacher"), "field": "name", "align": "left"},
        {"name": "served", "label": _("Served"), "field": "served"},
        {"name": "accepted", "label": _("Accepted"), "field": "accepted"},
        {"name": "hours", "label": _("Hours at the desk"), "field": "hours"},
        {"name": "rate", "label": _("Per hour"), "field": "rate"},
    ]
    rows = [
        {
            "name": _teacher_name(t),
            "served": t.served,
            "accepted": t.accepted,
            "hours": f"{t.desk_seconds / 3600:.1f}",
            "rate": "—" if t.per_hour is None else f"{t.per_hour:.1f}",
        }
        for t in teachers
    ]
    with scroll_region(_("Served per teacher")):
        ui.table(columns=columns, rows=rows).props("flat dense hide-bottom").classes("w-full").mark(
            "teacher-table"
        )


def _summary(stats: QueueStats) -> None:
    """The charts' gist in words: canvases say nothing to a screen reader."""
    served = sum(day.accepted + day.returned for day in stats.per_day)
    parts = [_n("Served: {n}", "Served: {n}", served)]
    if stats.wait_seconds:
        wait = round(median(stats.wait_seconds) / 60)
        parts.append(_n("typical wait {n} minute", "typical wait {n} minutes", wait))
    if stats.service_seconds:
        desk = round(median(stats.service_seconds) / 60)
        parts.append(
            _n("typical time at the desk {n} minute", "typical time at the desk {n} minutes", desk)
        )
    ui.label(" · ".join(parts)).classes("text-subtitle1").mark("stats-summary")


def _teacher_name(throughput: TeacherThroughput) -> str:
    return throughput.teacher.display_name if throughput.teacher else _("Deleted account")


def _card(title: str) -> ui.card:
    card = ui.card().classes("w-full gap-1")
    with card:
        ui.label(title).classes("text-subtitle1 font-bold")
    return card


def _bars(name: str, values: list[int], color: str, *, stack: bool = False) -> dict[str, Any]:
    series: dict[str, Any] = {
        "type": "bar",
        "name": name,
        "data": values,
        "color": color,
        "barMaxWidth": 56,
    }
    if stack:
        series["stack"] = "total"
    return series


def _chart(categories: list[str], series: list[dict[str, Any]], *, legend: bool = False) -> Any:
    axis = {
        "axisLabel": {"color": TEXT},
        "axisLine": {"lineStyle": {"color": TEXT}},
        "splitLine": {"lineStyle": {"color": GRID}},
    }
    options: dict[str, Any] = {
        "backgroundColor": "transparent",
        "textStyle": {"color": TEXT},
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 40, "right": 16, "top": 36 if legend else 16, "bottom": 28},
        "xAxis": {"type": "category", "data": categories, **axis},
        "yAxis": {"type": "value", "minInterval": 1, **axis},
        "series": series,
    }
    if legend:
        options["legend"] = {"top": 0, "textStyle": {"color": TEXT}}
    return ui.echart(options).classes("w-full h-64")

"""A subject's progress: the students × tasks matrix and the leaderboard."""

from __future__ import annotations

from nicegui import ui

from components.a11y import scroll_region
from components.i18n import _
from equeue_ui.formatting import local
from equeue_ui.services.progress import Cell, SubjectStats

ACCEPTED_MARK = "✔"
SELF_REPORTED_MARK = "○"
NOTHING = "—"
# On a phone the matrix scrolls sideways under a pinned column of names. The pinned cells need
# a solid background of the page's own colour, or the scrolled cells show through.
MATRIX_CSS = """
.stats-matrix th:first-child, .stats-matrix td:first-child {
  position: sticky; left: 0; z-index: 1; background: #fff; white-space: nowrap;
}
.body--dark .stats-matrix th:first-child, .body--dark .stats-matrix td:first-child {
  background: #1d1d1d;
}
"""


def progress_matrix(stats: SubjectStats) -> ui.table:
    """Students down, tasks across; each cell says accepted or self-reported, and when."""
    ui.add_css(MATRIX_CSS)
    columns = [{"name": "student", "label": _("Student"), "field": "student", "align": "left"}]
    columns += [
        {"name": f"t{task.id}", "label": task.name, "field": f"t{task.id}", "align": "center"}
        for task in stats.tasks
    ]
    columns.append({"name": "total", "label": _("Handed in"), "field": "total"})
    rows = []
    for row in stats.rows:
        cells = {
            f"t{task.id}": cell_text(cell)
            for task, cell in zip(stats.tasks, row.cells, strict=True)
        }
        total = f"{row.handed_in}/{len(stats.tasks)}"
        rows.append(
            {"id": row.student.id, "student": row.student.display_name, **cells, "total": total}
        )
    with scroll_region(_("Progress")):
        table = (
            ui.table(columns=columns, rows=rows, row_key="id", pagination=0)
            .props("flat dense bordered hide-bottom wrap-cells=false")
            .classes("stats-matrix w-full")
            .mark("progress-matrix")
        )
    # Accepted work in green, so a glance down a column shows what a teacher has seen. Vue
    # compiles a slot's template, so it is fixed text: the mark is spelled out (ACCEPTED_MARK).
    table.add_slot(
        "body-cell",
        """<q-td :props="props" :class="String(props.value).startsWith('✔')
        ? 'text-positive' : ''">{{ props.value }}</q-td>""",
    )
    ui.label(
        _(
            "{accepted} accepted by a teacher · {marked} marked by the student · {none} nothing",
            accepted=ACCEPTED_MARK,
            marked=SELF_REPORTED_MARK,
            none=NOTHING,
        )
    ).classes("text-xs eq-muted")
    return table


def leaderboard(stats: SubjectStats) -> ui.table:
    columns = [
        {"name": "place", "label": "#", "field": "place"},
        {"name": "student", "label": _("Student"), "field": "student", "align": "left"},
        {"name": "handed_in", "label": _("Handed in"), "field": "handed_in"},
        {"name": "accepted", "label": _("Accepted"), "field": "accepted"},
    ]
    rows = [
        {
            "id": row.student.id,
            "place": place,
            "student": row.student.display_name,
            "handed_in": row.handed_in,
            "accepted": row.accepted,
        }
        for place, row in enumerate(stats.leaderboard, start=1)
    ]
    with scroll_region(_("Leaderboard")):
        return (
            ui.table(columns=columns, rows=rows, row_key="id", pagination=0)
            .props("flat dense hide-bottom")
            .classes("w-full")
            .mark("leaderboard")
        )


def cell_text(cell: Cell | None) -> str:
    if cell is None:
        return NOTHING
    mark = ACCEPTED_MARK if cell.accepted else SELF_REPORTED_MARK
    return f"{mark} {local(cell.at).strftime('%d.%m')}"

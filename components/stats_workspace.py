"""A workspace's subjects side by side: progress and how much each queue served."""

from __future__ import annotations

from nicegui import ui

from components.a11y import scroll_region
from components.i18n import _
from equeue_ui.services.workspace_stats import WorkspaceStats


def subject_summary(stats: WorkspaceStats) -> None:
    """One row per subject; the name leads to the subject's own statistics."""
    if not stats.subjects:
        ui.label(_("No subjects yet.")).classes("eq-muted").mark("no-subjects")
        return
    columns = [
        {"name": "name", "label": _("Subject"), "field": "name", "align": "left"},
        {"name": "tasks", "label": _("Tasks"), "field": "tasks"},
        {"name": "done", "label": _("Handed in"), "field": "done"},
        {"name": "accepted", "label": _("Accepted"), "field": "accepted"},
        {"name": "served", "label": _("Served at the queue"), "field": "served"},
    ]
    rows = []
    for subject in stats.subjects:
        share = subject.completion(stats.students)
        rows.append(
            {
                "id": subject.subject_id,
                "name": subject.name,
                "href": f"/subjects/{subject.subject_id}/stats",
                "tasks": subject.tasks,
                "done": "—" if share is None else f"{subject.handed_in} ({share:.0%})",
                "accepted": subject.accepted,
                "served": subject.served,
            }
        )
    with scroll_region(_("Subjects")):
        table = (
            ui.table(columns=columns, rows=rows, row_key="id", pagination=0)
            .props("flat dense hide-bottom")
            .classes("w-full")
            .mark("workspace-stats")
        )
    # The name cell as a real link: keyboard and screen readers find it, a click opens it.
    table.add_slot(
        "body-cell-name",
        '<q-td :props="props"><a :href="props.row.href" class="text-primary">'
        "{{ props.row.name }}</a></q-td>",
    )

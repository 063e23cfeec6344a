"""A subject as a card on the workspace page: teacher, requirements, my progress, next due."""

from __future__ import annotations

from datetime import datetime

from nicegui import ui

from components.i18n import _
from equeue_ui.formatting import date_time
from equeue_ui.markdown import render_markdown
from equeue_ui.services.views import SubjectView


def subject_card(
    subject: SubjectView,
    *,
    progress: tuple[int, int],
    next_due: datetime | None,
    has_deadlines: bool = False,
) -> None:
    done, total = progress
    with ui.card().classes("w-full gap-2").mark(f"subject-{subject.id}"):
        with ui.row().classes("w-full items-center no-wrap gap-2"):
            ui.link(subject.name, f"/subjects/{subject.id}").classes(
                "text-lg font-medium grow min-w-0 break-words"
            ).mark("subject-link")
            if subject.queue_id is not None:
                ui.button(
                    _("Queue"),
                    icon="format_list_numbered",
                    on_click=lambda: ui.navigate.to(f"/queues/{subject.queue_id}"),
                ).props("flat dense").mark("open-queue")
        if subject.teacher_name or subject.teacher_contact:
            with ui.row().classes("gap-2 text-sm text-grey-8 items-center"):
                ui.icon("person")
                ui.label(subject.teacher_name).mark("teacher-name")
                if subject.teacher_contact:
                    ui.label("·")
                    ui.label(subject.teacher_contact).classes("break-all").mark("teacher-contact")
        with ui.row().classes("w-full items-center gap-2 no-wrap"):
            progress_text = _("{done} of {total} handed in", done=done, total=total)
            bar = ui.linear_progress(
                value=done / total if total else 0, show_value=False, size="8px"
            ).classes("grow")
            bar.props["aria-label"] = progress_text  # a progress bar needs a name of its own
            ui.label(progress_text).classes("text-sm whitespace-nowrap").mark("progress")
        ui.label(_due_text(next_due, has_deadlines)).classes("text-sm text-grey-8").mark("next-due")
        if subject.requirements.strip():
            with (
                ui.expansion(_("Requirements"), icon="rule").classes("w-full").mark("requirements")
            ):
                ui.html(render_markdown(subject.requirements), sanitize=False).classes(
                    "prose max-w-none"
                )


def _due_text(next_due: datetime | None, has_deadlines: bool) -> str:
    if next_due is not None:
        return _("Next due: {when}", when=date_time(next_due))
    # Deadlines all past (or handed in) are not the same as a subject without any.
    return _("No upcoming deadlines") if has_deadlines else _("No deadlines")

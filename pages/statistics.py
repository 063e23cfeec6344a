"""`/queues/{id}/stats` and `/subjects/{id}/stats`: charts, progress and CSV downloads for the
people who run a subject (its teachers, the workspace's admins, site admins);
`/workspaces/{id}/stats`: every subject at a glance, for the workspace's admins."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from fastapi import Request
from nicegui import ui

from components.frame import frame
from components.i18n import _, _n, language
from components.live import Changes, drawn_section
from components.notices import attempt, or_refusal
from components.stats_charts import queue_charts
from components.stats_progress import leaderboard, progress_matrix
from components.stats_workspace import subject_summary
from equeue_ui.errors import DomainError
from equeue_ui.events import MembershipChanged, SubjectChanged, SubmissionChanged, TaskChanged
from equeue_ui.services import exports, progress, statistics, workspace_stats
from equeue_ui.services.exports import CsvFile
from equeue_ui.services.progress import SubjectStats
from equeue_ui.services.views import UserView
from equeue_ui.services.workspace_stats import WorkspaceStats
from pages.guard import signed_in_page

T = TypeVar("T")

# Periods of the queue's charts, in days (0: the whole history).
PERIODS = (7, 30, 0)


def register() -> None:
    signed_in_page("/queues/{queue_id}/stats")(queue_stats_page)
    signed_in_page("/subjects/{subject_id}/stats")(subject_stats_page)
    signed_in_page("/workspaces/{workspace_id}/stats")(workspace_stats_page)


async def queue_stats_page(
    request: Request, user: UserView, queue_id: int, days: str | None = None
) -> None:
    # Anything but a known period (a hand-edited address) shows the whole history.
    period = int(days) if days in {str(d) for d in PERIODS} else 0
    since = datetime.now(UTC) - timedelta(days=period) if period else None
    with frame(_("Queue statistics"), user=user, here=request.url.path):
        stats = await or_refusal(statistics.queue_stats(queue_id, actor=user, since=since))
        if stats is None:
            return
        _heading(stats.subject_name, stats.subject_id)
        with ui.row().classes("gap-2"):
            ui.link(_("Progress of students"), f"/subjects/{stats.subject_id}/stats").mark(
                "to-subject-stats"
            )
            ui.link(_("Console"), f"/queues/{queue_id}/console")
        _download_button(
            _("Download the queue's history (CSV)"),
            lambda: exports.queue_history_csv(queue_id, actor=user, language=language()),
            "download-history",
        )
        _period_choice(queue_id, period)
        queue_charts(stats)


async def subject_stats_page(request: Request, user: UserView, subject_id: int) -> None:
    with frame(_("Subject statistics"), user=user, here=request.url.path):
        # Live: hand-ins, accepts, tasks and members change it while a teacher works.
        workspace_id = 0  # the subject's, once read
        changes = (
            Changes()
            .on(SubmissionChanged, lambda e: e.subject_id == subject_id)
            .on(TaskChanged, lambda e: e.subject_id == subject_id)
            .on(SubjectChanged, lambda e: e.subject_id == subject_id)
            .on(MembershipChanged, lambda e: e.workspace_id == workspace_id)
        )
        stats = await or_refusal(progress.subject_stats(subject_id, actor=user))
        if stats is None:
            return
        workspace_id = stats.workspace_id
        _heading(stats.subject_name, stats.subject_id)
        if stats.queue_id is not None:
            ui.link(_("Queue statistics"), f"/queues/{stats.queue_id}/stats").mark("to-queue-stats")
        _download_button(
            _("Download submissions (CSV)"),
            lambda: exports.submissions_csv(subject_id, actor=user, language=language()),
            "download-submissions",
        )
        shown: SubjectStats | None = stats
        reread = _reread(lambda: progress.subject_stats(subject_id, actor=user))
        changes.refresh_with(drawn_section(shown, reread, _subject_progress))


async def workspace_stats_page(request: Request, user: UserView, workspace_id: int) -> None:
    with frame(_("Workspace statistics"), user=user, here=request.url.path):
        subject_ids: set[int] = set()  # those shown: their hand-ins change the page
        changes = (
            Changes()
            .on(SubmissionChanged, lambda e: e.subject_id in subject_ids)
            .on(TaskChanged, lambda e: e.subject_id in subject_ids)
            .on(SubjectChanged, lambda e: e.workspace_id == workspace_id)
            .on(MembershipChanged, lambda e: e.workspace_id == workspace_id)
        )
        stats = await or_refusal(workspace_stats.workspace_stats(workspace_id, actor=user))
        if stats is None:
            return
        ui.link(f"← {stats.name}", f"/workspaces/{workspace_id}").classes("text-h6").mark(
            "stats-workspace"
        )
        _download_button(
            _("Download all submissions (CSV)"),
            lambda: exports.workspace_submissions_csv(
                workspace_id, actor=user, language=language()
            ),
            "download-workspace-submissions",
        )

        def draw(found: WorkspaceStats | None) -> None:
            if found is not None:
                subject_ids.clear()
                subject_ids.update(subject.subject_id for subject in found.subjects)
            _workspace_summary(found)

        shown: WorkspaceStats | None = stats
        reread = _reread(lambda: workspace_stats.workspace_stats(workspace_id, actor=user))
        changes.refresh_with(drawn_section(shown, reread, draw))


def _period_choice(queue_id: int, period: int) -> None:
    ui.toggle(
        {7: _("Last 7 days"), 30: _("Last 30 days"), 0: _("All time")},
        value=period,
        on_change=lambda e: ui.navigate.to(f"/queues/{queue_id}/stats?days={e.value}"),
    ).props("no-caps").mark("period")


def _subject_progress(stats: SubjectStats | None) -> None:
    if stats is None:  # the page is reloading to say why it can no longer be shown
        return
    with ui.column().classes("w-full"):
        with ui.card().classes("w-full gap-1"):
            ui.label(_("Progress")).classes("text-subtitle1 font-bold")
            if not stats.rows:
                ui.label(_("The workspace has no members yet.")).classes("eq-muted")
            else:
                progress_matrix(stats)
        with ui.card().classes("w-full gap-1"):
            ui.label(_("Leaderboard")).classes("text-subtitle1 font-bold")
            leaderboard(stats)


def _workspace_summary(stats: WorkspaceStats | None) -> None:
    if stats is None:
        return
    members = _n("Members: {n}", "Members: {n}", stats.students)
    ui.label(members).classes("eq-muted").mark("members-count")
    subject_summary(stats)


def _reread(read: Callable[[], Awaitable[T]]) -> Callable[[], Awaitable[T | None]]:
    """A live page's fresh read; if the reader lost access meanwhile (or the thing is gone),
    the page reloads and shows why, as it would have on opening."""

    async def fetch() -> T | None:
        try:
            return await read()
        except DomainError:
            ui.navigate.reload()
            return None

    return fetch


def _heading(subject_name: str, subject_id: int) -> None:
    ui.link(f"← {subject_name}", f"/subjects/{subject_id}").classes("text-h6").mark("stats-subject")


def _download_button(label: str, make: Callable[[], Awaitable[CsvFile]], mark: str) -> None:
    async def download() -> None:
        # Made afresh on each click: the file holds the history up to that moment.
        file = await attempt(make())
        if file is not None:
            ui.download.content(file.data, file.filename, file.media_type)

    ui.button(label, icon="download", on_click=download).props("outline").mark(mark)

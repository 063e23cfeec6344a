"""`/queues/{id}/stats` and `/subjects/{id}/stats`: charts, progress and CSV downloads for the
people who run a subject (its teachers, the workspace's admins, site admins);
`/workspaces/{id}/stats`: every subject at a glance, for the workspace's admins."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from fastapi import Request
from fastapi.responses import Response
from nicegui import ui

from components import session
from components.frame import frame
from components.i18n import _, language
from components.notices import attempt, or_refusal
from components.stats_charts import queue_charts
from components.stats_progress import leaderboard, progress_matrix
from components.stats_workspace import subject_summary
from equeue_ui.services import exports, progress, statistics, workspace_stats
from equeue_ui.services.exports import CsvFile

# Periods of the queue's charts, in days (0: the whole history).
PERIODS = (7, 30, 0)


def register() -> None:
    @ui.page("/queues/{queue_id}/stats")
    async def queue_stats_page(
        request: Request, queue_id: int, days: str | None = None
    ) -> Response | None:
        user = await session.current_user(request)
        if user is None:
            return session.login_redirect(request)
        # Anything but a known period (a hand-edited address) shows the whole history.
        period = int(days) if days in {str(d) for d in PERIODS} else 0
        since = datetime.now(UTC) - timedelta(days=period) if period else None
        with frame(_("Queue statistics"), user=user, here=request.url.path):
            stats = await or_refusal(statistics.queue_stats(queue_id, actor=user, since=since))
            if stats is None:
                return None
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
            ui.toggle(
                {7: _("Last 7 days"), 30: _("Last 30 days"), 0: _("All time")},
                value=period,
                on_change=lambda e: ui.navigate.to(f"/queues/{queue_id}/stats?days={e.value}"),
            ).props("no-caps").mark("period")
            queue_charts(stats)
        return None

    @ui.page("/subjects/{subject_id}/stats")
    async def subject_stats_page(request: Request, subject_id: int) -> Response | None:
        user = await session.current_user(request)
        if user is None:
            return session.login_redirect(request)
        with frame(_("Subject statistics"), user=user, here=request.url.path):
            stats = await or_refusal(progress.subject_stats(subject_id, actor=user))
            if stats is None:
                return None
            _heading(stats.subject_name, stats.subject_id)
            if stats.queue_id is not None:
                ui.link(_("Queue statistics"), f"/queues/{stats.queue_id}/stats").mark(
                    "to-queue-stats"
                )
            _download_button(
                _("Download submissions (CSV)"),
                lambda: exports.submissions_csv(subject_id, actor=user, language=language()),
                "download-submissions",
            )
            with ui.card().classes("w-full gap-1"):
                ui.label(_("Progress")).classes("text-subtitle1 font-bold")
                if not stats.rows:
                    ui.label(_("The workspace has no members yet.")).classes("text-grey-7")
                else:
                    progress_matrix(stats)
            with ui.card().classes("w-full gap-1"):
                ui.label(_("Leaderboard")).classes("text-subtitle1 font-bold")
                leaderboard(stats)
        return None

    @ui.page("/workspaces/{workspace_id}/stats")
    async def workspace_stats_page(request: Request, workspace_id: int) -> Response | None:
        user = await session.current_user(request)
        if user is None:
            return session.login_redirect(request)
        with frame(_("Workspace statistics"), user=user, here=request.url.path):
            stats = await or_refusal(workspace_stats.workspace_stats(workspace_id, actor=user))
            if stats is None:
                return None
            ui.link(f"← {stats.name}", f"/workspaces/{workspace_id}").classes("text-h6").mark(
                "stats-workspace"
            )
            ui.label(_("Members: {n}", n=stats.students)).classes("text-grey-8")
            _download_button(
                _("Download all submissions (CSV)"),
                lambda: exports.workspace_submissions_csv(
                    workspace_id, actor=user, language=language()
                ),
                "download-workspace-submissions",
            )
            subject_summary(stats)
        return None


def _heading(subject_name: str, subject_id: int) -> None:
    ui.link(f"← {subject_name}", f"/subjects/{subject_id}").classes("text-h6").mark("stats-subject")


def _download_button(label: str, make: Callable[[], Awaitable[CsvFile]], mark: str) -> None:
    async def download() -> None:
        # Made afresh on each click: the file holds the history up to that moment.
        file = await attempt(make())
        if file is not None:
            ui.download.content(file.data, file.filename, file.media_type)

    ui.button(label, icon="download", on_click=download).props("outline").mark(mark)

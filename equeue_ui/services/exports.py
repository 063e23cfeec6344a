"""CSV exports of a subject's submissions and a queue's history, for spreadsheet programs.

The format is chosen for Excel with Russian regional settings, the program most of our users
open such files with:
- UTF-8 with a byte order mark: without it Excel reads the bytes as Windows-1251 and Cyrillic
  names turn to mojibake. (No ``sep=;`` first line: with it Excel ignores the mark.)
- ``;`` between fields: Russian Excel takes ``,`` for the decimal separator and expects ``;``
  as the list separator, so a comma-separated file opens as one column there. LibreOffice and
  Google Sheets detect ``;`` by themselves.
- Times in the university's time zone as ``YYYY-MM-DD HH:MM:SS``, which every one of them
  reads as a date and time.
- Header cells in the reader's language; event kinds and submission kinds as stable codes
  (``accepted``, ``self_reported``) that filters and formulas can rely on.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from db.models import QueueEvent, Subject, Submission, Task, User
from db.types import utcnow
from equeue_ui.formatting import local
from equeue_ui.i18n import Msg, msg
from equeue_ui.services import permissions
from equeue_ui.services.statistics import ensure_stats_viewer, queue_for_viewer
from equeue_ui.services.uow import read_only
from equeue_ui.services.views import UserView

DELIMITER = ";"
BOM = "\ufeff"
MEDIA_TYPE = "text/csv; charset=utf-8"
# A cell starting with one of these is a formula to a spreadsheet: a name like "=HYPERLINK(…)"
# must stay text. The quote mark is what spreadsheets themselves use for "this is text".
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT_MARK = "'"
# Characters that file systems (or browsers saving a file) refuse in names.
UNSAFE_IN_FILE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


SUBMISSION_HEADER = (
    msg("Username"),
    msg("Student"),
    msg("Task"),
    msg("Kind"),
    msg("Handed in at"),
    msg("Accepted by"),
)


@dataclass(frozen=True)
class CsvFile:
    filename: str
    data: bytes
    media_type: str = MEDIA_TYPE


async def submissions_csv(subject_id: int, *, actor: UserView, language: str) -> CsvFile:
    """Every submission of the subject's tasks (former members' too), in task order."""
    async with read_only() as session:
        subject = await ensure_stats_viewer(session, actor, subject_id)
        rows = await _submissions(session, Task.subject_id == subject.id)
        name = subject.name
    return CsvFile(
        filename=file_name(name, msg("submissions").render(language)),
        data=write_csv(_render(SUBMISSION_HEADER, language), [row[1:] for row in rows]),
    )


async def workspace_submissions_csv(
    workspace_id: int, *, actor: UserView, language: str
) -> CsvFile:
    """Every submission in the workspace, subject by subject; for its admins and site admins."""
    async with read_only() as session:
        user = await permissions.load_actor(session, actor)
        workspace = await permissions.ensure_workspace_admin(session, user, workspace_id)
        rows = await _submissions(session, Subject.workspace_id == workspace.id)
        name = workspace.name
    return CsvFile(
        filename=file_name(name, msg("submissions").render(language)),
        data=write_csv(_render([msg("Subject"), *SUBMISSION_HEADER], language), rows),
    )


async def queue_history_csv(queue_id: int, *, actor: UserView, language: str) -> CsvFile:
    """The queue's whole history, oldest first."""
    student = aliased(User)
    by = aliased(User)
    async with read_only() as session:
        queue, subject = await queue_for_viewer(session, queue_id, actor)
        rows = await session.execute(
            select(QueueEvent, student, by, Task.name)
            .outerjoin(student, student.id == QueueEvent.user_id)
            .outerjoin(by, by.id == QueueEvent.actor_id)
            .outerjoin(Task, Task.id == QueueEvent.task_id)
            .where(QueueEvent.queue_id == queue.id)
            .order_by(QueueEvent.at, QueueEvent.id)
        )
        body = [
            [
                stamp(event.at),
                event.kind.value,
                who.username if who is not None else "",
                UserView.of(who).display_name if who is not None else "",
                task_name or "",
                UserView.of(actor_user).display_name if actor_user is not None else "",
                stamp(event.joined_at),
                stamp(event.called_at),
                _event_details(event.details, language),
            ]
            for event, who, actor_user, task_name in rows
        ]
        name = subject.name
    header = [
        msg("Time"),
        msg("Event"),
        msg("Username"),
        msg("Student"),
        msg("Task"),
        msg("By"),
        msg("Joined at"),
        msg("Called at"),
        msg("Details"),
    ]
    return CsvFile(
        filename=file_name(name, msg("queue history").render(language)),
        data=write_csv(_render(header, language), body),
    )


def _event_details(details: str | None, language: str) -> str:
    """What a history event keeps besides its columns, for people: a fair-start draw's order
    ("1. Name; 2. Name"), or that a student joined with the presence code."""
    if not details:
        return ""
    data = json.loads(details)
    if isinstance(data, list):  # services/fair_start.py: the drawn order
        return "; ".join(f"{place}. {drawn['name']}" for place, drawn in enumerate(data, 1))
    if data.get("with_code"):
        return msg("with the presence code").render(language)
    return ""


async def _submissions(session: AsyncSession, where: ColumnElement[bool]) -> list[list[str]]:
    """Rows of subject, username, student, task, kind, time, accepted by — in subject and
    task order, then by student."""
    accepter = aliased(User)
    rows = await session.execute(
        select(Subject.name, Task, Submission, User, accepter)
        .join(Task, Task.subject_id == Subject.id)
        .join(Submission, Submission.task_id == Task.id)
        .join(User, User.id == Submission.user_id)
        .outerjoin(accepter, accepter.id == Submission.accepted_by_id)
        .where(where)
        .order_by(
            Subject.name,
            Subject.id,
            Task.order_index,
            Task.id,
            User.last_name,
            User.first_name,
            User.id,
        )
    )
    return [
        [
            subject_name,
            student.username,
            UserView.of(student).display_name,
            task.name,
            submission.kind.value,
            stamp(submission.submitted_at),
            UserView.of(teacher).display_name if teacher is not None else "",
        ]
        for subject_name, task, submission, student, teacher in rows
    ]


def _render(header: Sequence[Msg], language: str) -> list[str]:
    return [cell.render(language) for cell in header]


# --- the format ---------------------------------------------------------------------------------


def write_csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    """A header row and data rows as a spreadsheet-ready CSV file (see the module's notes)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerow([_as_text(cell) for cell in header])
    writer.writerows([_as_text(cell) for cell in row] for row in rows)
    return (BOM + buffer.getvalue()).encode("utf-8")


def read_csv(data: bytes) -> list[list[str]]:
    """The rows of a file :func:`write_csv` made (header first), cells as they were given."""
    text = data.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=DELIMITER)
    return [[_from_text(cell) for cell in row] for row in reader]


def stamp(moment: datetime | None) -> str:
    return "" if moment is None else local(moment).strftime("%Y-%m-%d %H:%M:%S")


def file_name(subject_name: str, what: str) -> str:
    """``<subject> — <what> <date>.csv``, with what file systems refuse taken out."""
    day = local(utcnow()).strftime("%Y-%m-%d")
    base = UNSAFE_IN_FILE_NAME.sub("_", f"{subject_name} — {what} {day}").strip(" .")
    return f"{base[:150]}.csv"


def _as_text(cell: str) -> str:
    # A cell that already starts with the mark gets another, so reading takes exactly one off.
    if cell.startswith(FORMULA_STARTS) or cell.startswith(TEXT_MARK):
        return TEXT_MARK + cell
    return cell


def _from_text(cell: str) -> str:
    return cell[1:] if cell.startswith(TEXT_MARK) else cell

"""The daily due-date sync: with the site setting "sync eCourses due dates daily" on, the tasks
of every subject linked to an eCourses course take their assignments' due dates from eCourses
once a day, each change recorded in the audit log.

Every app process runs the check (``equeue_ui.scheduler``); the day is claimed with a
conditional UPDATE of a site-settings row in a transaction of its own, so one process a day does
the work, however many run. eCourses is read with the token of an admin of the subject's
workspace (the first whose token can read the course), outside any write transaction; due dates
come only from ``mod_assign_get_assignments``, so an assignment it leaves out keeps its date.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from db.models import MemberRole, MemberStatus, SiteSetting, Subject, Task, User, WorkspaceMember
from db.types import utcnow
from equeue_ui import runtime
from equeue_ui.ecourses.errors import EcoursesError, EcoursesTokenExpired
from equeue_ui.errors import ConflictError, DomainError
from equeue_ui.events import TaskChanged
from equeue_ui.services import audit, ecourses_accounts, site
from equeue_ui.services.uow import read_only, unit_of_work

log = logging.getLogger(__name__)
SETTING = "ecourses_sync_due_dates"
# The day the sync last ran, as JSON: a row of the site settings no admin edits (not in
# site.DEFAULTS), so update_site_settings refuses it.
LAST_RUN = "ecourses_due_dates_synced_on"


@dataclass(frozen=True)
class DueDateSync:
    subjects_read: int  # linked subjects whose course eCourses answered about
    subjects_unread: int  # no admin of theirs could read the course (no token, no access…)
    tasks_changed: int


async def run_if_due(now: datetime | None = None) -> DueDateSync | None:
    """Sync due dates if the setting is on and no process has done it today (in the site's time
    zone); None when nothing ran."""
    async with read_only() as session:
        if not await site.get_setting(session, SETTING):
            return None
    config = await site.ecourses_config()
    if not config.enabled:
        return None
    zone = ZoneInfo(runtime.current().settings.timezone)
    if not await claim_day((now or utcnow()).astimezone(zone).date()):
        return None
    return await sync_due_dates()


async def claim_day(day: date) -> bool:
    """Whether this caller is the one to run the sync of ``day``: the stored day moves to it
    only if no one else moved it first (compare and set, in one transaction)."""
    value = json.dumps(day.isoformat())
    try:
        async with unit_of_work() as uow:
            stored = await uow.session.scalar(
                select(SiteSetting.value).where(SiteSetting.key == LAST_RUN)
            )
            if stored is None:
                # Two first-ever claims: the second insert breaks the key and is refused.
                uow.session.add(SiteSetting(key=LAST_RUN, value=value))
                return True
            if stored == value:
                return False
            claimed = await uow.session.execute(
                update(SiteSetting)
                .where(SiteSetting.key == LAST_RUN, SiteSetting.value == stored)
                .values(value=value)
            )
            return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]
    except ConflictError:
        return False


async def sync_due_dates() -> DueDateSync:
    """Take the due dates of every linked subject's assignments from eCourses; a task whose
    date differs gets eCourses' (none included). Emits ``TaskChanged`` per changed subject."""
    subjects, readers = await _plan()
    try:
        ecourses = await ecourses_accounts.client()
    except DomainError:
        return DueDateSync(0, len(subjects), 0)
    found: dict[int, tuple[int, dict[int, datetime | None]]] = {}  # subject → reader, dates
    for reader in readers:
        wanted = {
            s.id: s.ecourses_course_id
            for s in subjects
            if s.id not in found and s.workspace_id in reader.workspaces
        }
        if not wanted or reader.token is None:
            continue
        try:
            answered = await ecourses.course_assignments(reader.token, sorted(set(wanted.values())))
        except EcoursesTokenExpired:
            await ecourses_accounts.forget_token(reader.user_id)
            continue
        except EcoursesError as error:
            log.warning("daily due-date sync: eCourses refused a read (%s)", type(error).__name__)
            continue
        for subject_id, course_id in wanted.items():
            if course_id in answered:
                dates = {a.cmid: a.due_at for a in answered[course_id]}
                found[subject_id] = (reader.user_id, dates)
    changed = await _apply(found)
    return DueDateSync(len(found), len(subjects) - len(found), changed)


# --- helpers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _LinkedSubject:
    id: int
    workspace_id: int
    ecourses_course_id: int


@dataclass(frozen=True)
class _Reader:
    user_id: int
    token: str | None
    workspaces: frozenset[int]


async def _plan() -> tuple[list[_LinkedSubject], list[_Reader]]:
    """The linked subjects, and the admins of their workspaces who signed in to eCourses."""
    async with read_only() as session:
        subjects = [
            _LinkedSubject(subject_id, workspace_id, course_id)
            for subject_id, workspace_id, course_id in await session.execute(
                select(Subject.id, Subject.workspace_id, Subject.ecourses_course_id)
                .where(Subject.ecourses_course_id.is_not(None))
                .order_by(Subject.id)
            )
            if course_id is not None
        ]
        rows = await session.execute(
            select(User, WorkspaceMember.workspace_id)
            .join(WorkspaceMember, WorkspaceMember.user_id == User.id)
            .where(
                WorkspaceMember.workspace_id.in_({s.workspace_id for s in subjects}),
                WorkspaceMember.role == MemberRole.ADMIN,
                WorkspaceMember.status == MemberStatus.APPROVED,
                User.ecourses_token_encrypted.is_not(None),
                User.blocked.is_(False),
            )
            .order_by(User.id)
        )
        admins: dict[int, tuple[User, set[int]]] = {}
        for user, workspace_id in rows:
            admins.setdefault(user.id, (user, set()))[1].add(workspace_id)
        readers = [
            _Reader(user.id, ecourses_accounts.user_token(user), frozenset(workspaces))
            for user, workspaces in admins.values()
        ]
    return subjects, readers


async def _apply(found: dict[int, tuple[int, dict[int, datetime | None]]]) -> int:
    changed = 0
    async with unit_of_work() as uow:
        session = uow.session
        for subject_id, (reader_id, dates) in found.items():
            tasks: Sequence[Task] = list(
                await session.scalars(
                    select(Task)
                    .where(Task.subject_id == subject_id, Task.ecourses_id.in_(dates))
                    .order_by(Task.order_index)
                )
            )
            moved = []
            for task in tasks:
                new_due = dates[task.ecourses_id or 0]
                if task.due_at != new_due:
                    moved.append(f"{task.name}: {_when(task.due_at)} → {_when(new_due)}")
                    task.due_at = new_due
            if not moved:
                continue
            subject = await session.get(Subject, subject_id)
            reader = await session.get(User, reader_id)
            if subject is None or reader is None:
                continue
            # The admin whose eCourses access read the dates; the action says it was automatic.
            audit.record(session, reader, "ecourses.daily_due_dates", subject.name, changed=moved)
            uow.emit(TaskChanged(subject_id, None))
            changed += len(moved)
    return changed


def _when(moment: datetime | None) -> str:
    return moment.isoformat() if moment else "—"

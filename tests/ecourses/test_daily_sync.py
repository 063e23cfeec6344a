"""The daily eCourses due-date sync (issue 15, point 5), on SQLite and PostgreSQL: a site setting
switches it on; then once a day, in one process however many run, linked subjects' tasks take
their due dates from eCourses, and each change goes to the audit log."""

from __future__ import annotations

import asyncio
import json
import logging
from contextlib import suppress
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from db.models import AuditLog
from equeue_ui import scheduler
from equeue_ui.errors import InvalidError
from equeue_ui.events import TaskChanged
from equeue_ui.runtime import Runtime
from equeue_ui.services import ecourses_accounts, ecourses_daily, site, tasks
from equeue_ui.services.ecourses_tasks import import_tasks
from equeue_ui.services.uow import unit_of_work
from equeue_ui.services.views import UserView
from tests.ecourses.conftest import Fake
from tests.ecourses.test_import import imported_sp
from tests.services import factories

LAB2, LAB3 = 7012, 7014
# 09:00 in Krasnoyarsk on two days in a row.
MONDAY = datetime(2026, 10, 5, 2, 0, tzinfo=UTC)
TUESDAY = datetime(2026, 10, 6, 2, 0, tzinfo=UTC)


def krasnoyarsk(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T23:59:00+07:00").astimezone(UTC)


def stamp(day: str) -> int:
    return int(krasnoyarsk(day).timestamp())


async def switch_on(value: bool = True) -> None:
    async with unit_of_work() as uow:
        await site.put_setting(uow.session, ecourses_daily.SETTING, value)


async def sp_with_tasks(rt: Runtime) -> tuple[UserView, int]:
    leader, subject_id = await imported_sp(rt)
    await import_tasks(subject_id, actor=leader)
    return leader, subject_id


async def due_of(leader: UserView, subject_id: int, ecourses_id: int) -> datetime | None:
    found = await tasks.list_tasks(subject_id, actor=leader)
    return next(t.due_at for t in found if t.ecourses_id == ecourses_id)


async def audit_entries(rt: Runtime) -> list[tuple[str, int | None, str]]:
    async with rt.db.read_session() as session:
        rows = await session.execute(
            select(AuditLog.action, AuditLog.actor_id, AuditLog.details)
            .where(AuditLog.action == "ecourses.daily_due_dates")
            .order_by(AuditLog.id)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def assignment_reads(fake: Fake) -> int:
    return sum(1 for r in fake.requests() if r["wsfunction"] == "mod_assign_get_assignments")


async def test_the_setting_is_off_by_default_and_then_nothing_runs(
    ert: Runtime, fake: Fake
) -> None:
    leader, subject_id = await sp_with_tasks(ert)
    fake.control(module={"cmid": LAB2, "duedate": stamp("2026-10-11")})
    assert site.DEFAULTS[ecourses_daily.SETTING] is False
    assert await ecourses_daily.run_if_due(MONDAY) is None
    assert await due_of(leader, subject_id, LAB2) == krasnoyarsk("2026-10-04")


async def test_a_site_admin_switches_it_on_and_cannot_touch_the_days_record(ert: Runtime) -> None:
    admin = await factories.make_user(ert, "root", site_admin=True)
    shown = await site.update_site_settings(actor=admin, ecourses_sync_due_dates=True)
    assert shown.ecourses_sync_due_dates is True
    with pytest.raises(InvalidError):
        await site.update_site_settings(actor=admin, **{ecourses_daily.LAST_RUN: "2000-01-01"})


async def test_due_dates_moved_in_ecourses_are_taken_and_recorded(ert: Runtime, fake: Fake) -> None:
    leader, subject_id = await sp_with_tasks(ert)
    await switch_on()
    fake.control(module={"cmid": LAB2, "duedate": stamp("2026-10-11")})
    fake.control(module={"cmid": LAB3, "duedate": 0, "name": "Переименована"})
    heard: list[object] = []
    ert.bus.subscribe(TaskChanged, heard.append)

    done = await ecourses_daily.run_if_due(MONDAY)

    assert done == ecourses_daily.DueDateSync(subjects_read=1, subjects_unread=0, tasks_changed=2)
    assert await due_of(leader, subject_id, LAB2) == krasnoyarsk("2026-10-11")
    assert await due_of(leader, subject_id, LAB3) is None
    # Only the due-date part runs by itself: names stay as they are.
    names = [t.name for t in await tasks.list_tasks(subject_id, actor=leader)]
    assert "Лабораторная работа 3. Синхронизация" in names
    assert heard == [TaskChanged(subject_id, None)]
    ((_action, actor_id, details),) = await audit_entries(ert)
    assert actor_id == leader.id  # whose eCourses access read the dates
    assert len(json.loads(details)["changed"]) == 2


async def test_it_runs_once_a_day(ert: Runtime, fake: Fake) -> None:
    leader, subject_id = await sp_with_tasks(ert)
    await switch_on()
    assert await ecourses_daily.run_if_due(MONDAY) is not None
    fake.control(module={"cmid": LAB2, "duedate": stamp("2026-10-11")})
    assert await ecourses_daily.run_if_due(MONDAY) is None
    assert await due_of(leader, subject_id, LAB2) == krasnoyarsk("2026-10-04")
    done = await ecourses_daily.run_if_due(TUESDAY)
    assert done is not None and done.tasks_changed == 1
    assert await due_of(leader, subject_id, LAB2) == krasnoyarsk("2026-10-11")


# The first day ever inserts the record of the day; later days move it with a conditional UPDATE.
@pytest.mark.parametrize("ran_before", [False, True], ids=["first-day", "later-day"])
async def test_processes_running_it_at_once_do_it_once(
    ert: Runtime, fake: Fake, ran_before: bool
) -> None:
    await sp_with_tasks(ert)
    await switch_on()
    if ran_before:
        assert await ecourses_daily.run_if_due(MONDAY) is not None
    fake.control(module={"cmid": LAB2, "duedate": stamp("2026-10-11")})
    reads = assignment_reads(fake)

    results = await asyncio.gather(*(ecourses_daily.run_if_due(TUESDAY) for _ in range(4)))

    assert sum(result is not None for result in results) == 1
    assert assignment_reads(fake) == reads + 1
    assert len(await audit_entries(ert)) == 1


async def test_an_assignment_left_out_of_the_answer_keeps_its_date(
    ert: Runtime, fake: Fake
) -> None:
    leader, subject_id = await sp_with_tasks(ert)
    await switch_on()
    # Access to the lab gets restricted: mod_assign_get_assignments leaves it out.
    fake.control(module={"cmid": LAB2, "available": False, "duedate": stamp("2026-12-01")})
    done = await ecourses_daily.run_if_due(MONDAY)
    assert done is not None and done.tasks_changed == 0
    assert await due_of(leader, subject_id, LAB2) == krasnoyarsk("2026-10-04")


async def test_an_expired_token_is_forgotten_and_the_subject_left_unread(
    ert: Runtime, fake: Fake
) -> None:
    leader, _subject_id = await sp_with_tasks(ert)
    await switch_on()
    fake.control(expire_tokens=True)
    done = await ecourses_daily.run_if_due(MONDAY)
    assert done == ecourses_daily.DueDateSync(subjects_read=0, subjects_unread=1, tasks_changed=0)
    assert not await ecourses_accounts.has_ecourses_token(actor=leader)


async def test_the_scheduler_job_keeps_checking_after_a_failing_round(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    rounds: list[str] = []
    finished = asyncio.Event()

    async def run_if_due() -> None:
        if not rounds:
            rounds.append("failed")
            raise RuntimeError("eCourses went away")
        rounds.append("ran")
        finished.set()

    monkeypatch.setattr(ecourses_daily, "run_if_due", run_if_due)
    job = asyncio.create_task(scheduler.run_ecourses_sync(0.01))
    try:
        await asyncio.wait_for(finished.wait(), 10)
    finally:
        job.cancel()
        with suppress(asyncio.CancelledError):
            await job
    assert rounds[:2] == ["failed", "ran"]
    [failure] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert failure.name == scheduler.__name__

"""Sync with eCourses (issue 15, point 5), on SQLite and PostgreSQL: between two imports the
teacher adds assignments, moves a deadline, renames one and removes another in eCourses; the
preview lists exactly that, and the chosen changes are applied in one transaction without
deleting a task or a hand-in."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from db.models import AuditLog, Submission
from equeue_ui.ecourses.errors import EcoursesTokenExpired
from equeue_ui.errors import ForbiddenError, InvalidError
from equeue_ui.events import TaskChanged
from equeue_ui.runtime import Runtime
from equeue_ui.services import audit, ecourses_accounts, subjects, tasks
from equeue_ui.services.ecourses_sync import ChangeKind, apply_sync, preview_sync
from equeue_ui.services.ecourses_tasks import import_tasks
from equeue_ui.services.views import UserView
from tests.ecourses.conftest import Fake
from tests.ecourses.test_import import imported_sp
from tests.services import factories

LAB2, LAB3, ESSAY = 7012, 7014, 7022
LAB4, DRAFT = 7015, 7016


def krasnoyarsk(day: str, time: str = "23:59") -> datetime:
    return datetime.fromisoformat(f"{day}T{time}:00+07:00").astimezone(UTC)


def change_the_course(fake: Fake) -> None:
    """What a teacher does in eCourses during the semester."""
    moved = int(krasnoyarsk("2026-10-11").timestamp())
    fake.control(module={"cmid": LAB2, "duedate": moved})
    fake.control(module={"cmid": LAB3, "name": "Лабораторная работа 3. Семафоры"})
    fake.control(module={"cmid": ESSAY, "remove": True})
    fake.control(
        add_assignment={
            "section": 2011,
            "cmid": LAB4,
            "name": "Лабораторная работа 4. Сигналы",
            "duedate": int(krasnoyarsk("2026-11-08").timestamp()),
        }
    )
    fake.control(
        add_assignment={"section": 2011, "cmid": DRAFT, "name": "Черновик", "visible": False}
    )


async def synced_sp(rt: Runtime, fake: Fake) -> tuple[UserView, int]:
    """SP imported with its five tasks, then changed in eCourses."""
    leader, subject_id = await imported_sp(rt)
    await import_tasks(subject_id, actor=leader)
    change_the_course(fake)
    return leader, subject_id


async def task_rows(
    leader: UserView, subject_id: int
) -> list[tuple[str, int | None, datetime | None]]:
    return [
        (t.name, t.ecourses_id, t.due_at) for t in await tasks.list_tasks(subject_id, actor=leader)
    ]


async def test_the_preview_lists_what_changed_in_ecourses_since_the_import(
    ert: Runtime, fake: Fake
) -> None:
    leader, subject_id = await synced_sp(ert, fake)
    changes = await preview_sync(subject_id, actor=leader)
    assert [(c.kind, c.ecourses_id, c.chosen_by_default) for c in changes] == [
        (ChangeKind.NEW, LAB4, True),
        (ChangeKind.NEW, DRAFT, False),  # hidden from students
        (ChangeKind.DUE_DATE, LAB2, True),
        (ChangeKind.RENAMED, LAB3, True),
        (ChangeKind.REMOVED, ESSAY, False),  # only reported
    ]
    new, draft, moved, renamed, removed = changes
    assert (new.name, new.new_due_at) == (
        "Лабораторная работа 4. Сигналы",
        krasnoyarsk("2026-11-08"),
    )
    assert draft.hidden
    assert (moved.due_at, moved.new_due_at) == (
        krasnoyarsk("2026-10-04"),
        krasnoyarsk("2026-10-11"),
    )
    assert (renamed.name, renamed.new_name) == (
        "Лабораторная работа 3. Синхронизация",
        "Лабораторная работа 3. Семафоры",
    )
    assert removed.name == "Реферат"


async def test_nothing_changed_means_an_empty_preview(ert: Runtime) -> None:
    leader, subject_id = await imported_sp(ert)
    await import_tasks(subject_id, actor=leader)
    assert await preview_sync(subject_id, actor=leader) == []


async def test_the_chosen_changes_are_applied_and_the_rest_stays(ert: Runtime, fake: Fake) -> None:
    leader, subject_id = await synced_sp(ert, fake)
    before = await tasks.list_tasks(subject_id, actor=leader)
    heard: list[object] = []
    ert.bus.subscribe(TaskChanged, heard.append)
    chosen = [c.key for c in await preview_sync(subject_id, actor=leader) if c.chosen_by_default]

    result = await apply_sync(subject_id, chosen, actor=leader)

    assert [c.kind for c in result.applied] == [
        ChangeKind.NEW,
        ChangeKind.DUE_DATE,
        ChangeKind.RENAMED,
    ]
    assert result.not_applied == 0
    after = await task_rows(leader, subject_id)
    assert after[1] == ("Лабораторная работа 2. Потоки", LAB2, krasnoyarsk("2026-10-11"))
    assert after[2][:2] == ("Лабораторная работа 3. Семафоры", LAB3)
    assert after[5] == ("Лабораторная работа 4. Сигналы", LAB4, krasnoyarsk("2026-11-08"))
    assert len(after) == len(before) + 1  # the essay removed in eCourses is still here
    assert ("Реферат", ESSAY, None) in after
    assert heard == [TaskChanged(subject_id, None)]
    async with ert.db.read_session() as session:
        entries = list(await session.scalars(select(AuditLog.action).order_by(AuditLog.id)))
    assert entries[-1] == "ecourses.sync_tasks"
    left = await preview_sync(subject_id, actor=leader)
    assert [(c.kind, c.ecourses_id) for c in left] == [
        (ChangeKind.NEW, DRAFT),
        (ChangeKind.REMOVED, ESSAY),
    ]


async def test_a_task_removed_in_ecourses_is_only_unlinked_and_keeps_its_hand_ins(
    ert: Runtime, fake: Fake
) -> None:
    leader, subject_id = await synced_sp(ert, fake)
    essay = next(
        t for t in await tasks.list_tasks(subject_id, actor=leader) if t.ecourses_id == ESSAY
    )
    member = await factories.make_user(ert, "member")
    workspace_id = (await subjects.get_subject(subject_id, actor=leader)).workspace_id
    await factories.add_member(ert, workspace_id, member)
    await factories.add_submission(ert, member, essay.id)

    result = await apply_sync(subject_id, [f"removed:{ESSAY}"], actor=leader)

    assert [c.kind for c in result.applied] == [ChangeKind.REMOVED]
    kept = next(t for t in await tasks.list_tasks(subject_id, actor=leader) if t.id == essay.id)
    assert (kept.name, kept.ecourses_id) == ("Реферат", None)
    async with ert.db.read_session() as session:
        assert await session.scalar(select(Submission.id).where(Submission.task_id == essay.id))
    assert ChangeKind.REMOVED not in {c.kind for c in await preview_sync(subject_id, actor=leader)}


async def test_the_changes_are_applied_in_one_transaction(
    ert: Runtime, fake: Fake, monkeypatch: pytest.MonkeyPatch
) -> None:
    leader, subject_id = await synced_sp(ert, fake)
    before = await task_rows(leader, subject_id)
    chosen = [c.key for c in await preview_sync(subject_id, actor=leader)]

    def broken_audit(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the audit log is full")

    monkeypatch.setattr(audit, "record", broken_audit)
    with pytest.raises(RuntimeError):
        await apply_sync(subject_id, chosen, actor=leader)

    assert await task_rows(leader, subject_id) == before


async def test_a_rename_onto_a_name_in_use_is_shown_blocked_and_not_applied(
    ert: Runtime, fake: Fake
) -> None:
    leader, subject_id = await imported_sp(ert)
    await import_tasks(subject_id, actor=leader)
    await tasks.create_task(subject_id, actor=leader, name="Лабораторная работа 3. Семафоры")
    fake.control(module={"cmid": LAB3, "name": "Лабораторная работа 3. Семафоры"})
    (renamed,) = await preview_sync(subject_id, actor=leader)
    assert renamed.kind is ChangeKind.RENAMED and renamed.blocked
    assert not renamed.chosen_by_default
    result = await apply_sync(subject_id, [renamed.key], actor=leader)
    assert result.applied == () and result.not_applied == 1


async def test_a_stale_choice_is_counted_not_applied(ert: Runtime, fake: Fake) -> None:
    leader, subject_id = await synced_sp(ert, fake)
    moved = f"due_date:{LAB2}"
    fake.control(module={"cmid": LAB2, "duedate": int(krasnoyarsk("2026-10-04").timestamp())})
    result = await apply_sync(subject_id, [moved, "renamed:999", "nonsense"], actor=leader)
    assert result.applied == () and result.not_applied == 3


async def test_sync_is_for_workspace_admins_of_linked_subjects_only(
    ert: Runtime, fake: Fake
) -> None:
    leader, subject_id = await synced_sp(ert, fake)
    member = await factories.make_user(ert, "member")
    workspace_id = (await subjects.get_subject(subject_id, actor=leader)).workspace_id
    await factories.add_member(ert, workspace_id, member)
    with pytest.raises(ForbiddenError):
        await preview_sync(subject_id, actor=member)
    with pytest.raises(ForbiddenError):
        await apply_sync(subject_id, [f"due_date:{LAB2}"], actor=member)
    manual = await subjects.create_subject(workspace_id, actor=leader, name="Физкультура")
    with pytest.raises(InvalidError):
        await preview_sync(manual.id, actor=leader)
    with pytest.raises(InvalidError):
        await apply_sync(subject_id, [], actor=leader)


async def test_an_expired_token_during_sync_asks_for_the_sign_in_again(
    ert: Runtime, fake: Fake
) -> None:
    leader, subject_id = await synced_sp(ert, fake)
    fake.control(expire_tokens=True)
    with pytest.raises(EcoursesTokenExpired):
        await apply_sync(subject_id, [f"due_date:{LAB2}"], actor=leader)
    assert not await ecourses_accounts.has_ecourses_token(actor=leader)

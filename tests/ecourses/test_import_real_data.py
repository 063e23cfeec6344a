"""Importing what a real Moodle sends (issue 15, points 1 and 4), on SQLite and PostgreSQL:
names arrive escaped for HTML and are stored decoded; assignments hidden from students are
previewed, marked, left out unless chosen, and every imported one has its due date."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from db.models import User
from equeue_ui.ecourses.fake.data import DEMO_PASSWORD
from equeue_ui.errors import InvalidError
from equeue_ui.runtime import Runtime
from equeue_ui.services import ecourses_accounts, subjects, tasks
from equeue_ui.services.ecourses_import import import_subjects, propose_subjects
from equeue_ui.services.ecourses_tasks import import_tasks, preview_tasks
from equeue_ui.services.views import UserView
from tests.ecourses.test_import import leader_world

NETS = 206
NETS_NAME = "Сети & протоколы <TCP/IP>"


def at(day: str) -> datetime:
    """23:59 in Krasnoyarsk (UTC+7), as the fake's due dates are."""
    return datetime.fromisoformat(f"{day}T16:59:00+00:00").astimezone(UTC)


async def nets_subject(rt: Runtime) -> tuple[UserView, int]:
    leader, workspace_id = await leader_world(rt)
    await import_subjects(workspace_id, [NETS], actor=leader)
    (subject,) = await subjects.list_subjects(workspace_id, actor=leader)
    return leader, subject.id


async def test_course_and_assignment_names_are_stored_decoded(ert: Runtime) -> None:
    leader, workspace_id = await leader_world(ert)
    proposal = next(
        p for p in await propose_subjects(workspace_id, actor=leader) if p.course_id == NETS
    )
    assert proposal.name == NETS_NAME
    await import_subjects(workspace_id, [NETS], actor=leader)
    (subject,) = await subjects.list_subjects(workspace_id, actor=leader)
    assert subject.name == NETS_NAME
    await import_tasks(subject.id, actor=leader)
    assert [t.name for t in await tasks.list_tasks(subject.id, actor=leader)] == [
        "Лаба 1: O'Reilly & Co",
        "Разбор «TCP» — отчёт",
    ]


async def test_an_ecourses_account_gets_its_names_decoded(ert: Runtime) -> None:
    await ecourses_accounts.sign_in_with_ecourses("p.oneil", DEMO_PASSWORD, binding="b" * 43)
    async with ert.db.read_session() as session:
        names = (
            await session.execute(
                select(User.first_name, User.last_name).where(User.ecourses_user_id == 3005)
            )
        ).one()
    assert tuple(names) == ("Патрик", "О'Нил")


async def test_hidden_assignments_are_previewed_marked_and_not_chosen(ert: Runtime) -> None:
    leader, subject_id = await nets_subject(ert)
    preview = await preview_tasks(subject_id, actor=leader)
    assert [(p.ecourses_id, p.hidden, p.chosen_by_default) for p in preview] == [
        (7411, False, True),
        (7412, False, True),
        (7413, True, False),  # hidden from students
        (7414, True, False),  # access restricted
        (7421, True, False),  # in a hidden section
    ]
    # Every one has its due date, the restricted one's from the course page.
    assert [p.due_at for p in preview] == [
        at("2026-09-25"),
        at("2026-10-09"),
        at("2026-10-16"),
        at("2026-10-23"),
        at("2026-11-20"),
    ]


async def test_an_import_without_a_choice_leaves_hidden_assignments_out(ert: Runtime) -> None:
    leader, subject_id = await nets_subject(ert)
    result = await import_tasks(subject_id, actor=leader)
    assert result.created == ("Лаба 1: O'Reilly & Co", "Разбор «TCP» — отчёт")
    preview = await preview_tasks(subject_id, actor=leader)
    assert [p.ecourses_id for p in preview if p.chosen_by_default] == []


async def test_chosen_hidden_assignments_are_imported_with_their_due_dates(ert: Runtime) -> None:
    leader, subject_id = await nets_subject(ert)
    result = await import_tasks(subject_id, actor=leader, chosen=[7413, 7414, 7421])
    assert len(result.created) == 3
    made = await tasks.list_tasks(subject_id, actor=leader)
    assert [(t.ecourses_id, t.due_at) for t in made] == [
        (7413, at("2026-10-16")),
        (7414, at("2026-10-23")),
        (7421, at("2026-11-20")),
    ]


async def test_choosing_no_assignment_is_refused(ert: Runtime) -> None:
    leader, subject_id = await nets_subject(ert)
    with pytest.raises(InvalidError):
        await import_tasks(subject_id, actor=leader, chosen=[])
    assert await tasks.list_tasks(subject_id, actor=leader) == []

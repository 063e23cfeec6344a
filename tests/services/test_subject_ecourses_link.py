"""A subject's eCourses link is edited with the rest of the subject (workspace settings): set,
kept when left out, cleared; refused when it is not a web address or the editor is a teacher."""

from __future__ import annotations

from typing import Any

import pytest

from equeue_ui.errors import ForbiddenError, InvalidError
from equeue_ui.runtime import Runtime
from equeue_ui.services import subjects
from equeue_ui.services.views import SubjectView, UserView
from tests.services import queue_world
from tests.services.queue_world import QueueWorld

LINK = "https://e.sfu-kras.ru/course/view.php?id=42"


@pytest.fixture
async def qw(rt: Runtime) -> QueueWorld:
    return await queue_world.make_queue_world(rt)


async def edit(qw: QueueWorld, actor: UserView, **changes: Any) -> SubjectView:
    current = await subjects.get_subject(qw.subject_id, actor=qw.world.admin)
    fields = {
        "name": current.name,
        "teacher_name": current.teacher_name,
        "teacher_contact": current.teacher_contact,
        "requirements": current.requirements,
    }
    return await subjects.update_subject(qw.subject_id, actor=actor, **{**fields, **changes})


async def test_an_admin_sets_keeps_and_clears_the_link(qw: QueueWorld) -> None:
    admin = qw.world.admin
    assert (await edit(qw, admin, ecourses_url=f"  {LINK} ")).ecourses_url == LINK
    assert (await edit(qw, admin, name="Другое имя")).ecourses_url == LINK  # left out: kept
    assert (await edit(qw, admin, ecourses_url="")).ecourses_url is None
    assert (await edit(qw, admin, ecourses_url=None)).ecourses_url is None


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "e.sfu-kras.ru/course", "ftp://x/y"])
async def test_a_link_that_is_not_a_web_address_is_refused(qw: QueueWorld, bad: str) -> None:
    with pytest.raises(InvalidError):
        await edit(qw, qw.world.admin, ecourses_url=bad)
    assert (await subjects.get_subject(qw.subject_id, actor=qw.world.admin)).ecourses_url is None


async def test_the_subjects_teacher_may_not_change_the_link(qw: QueueWorld) -> None:
    with pytest.raises(ForbiddenError):
        await edit(qw, qw.teacher, ecourses_url=LINK)
    # Requirements alone are still theirs to edit, the link untouched.
    assert (await edit(qw, qw.teacher, requirements="Отчёт")).requirements == "Отчёт"

"""The workspace page tells a subject whose deadlines are all past ("No upcoming deadlines")
from one without any ("No deadlines") (issue 15, point 8)."""

from __future__ import annotations

from datetime import timedelta

from nicegui.testing.user import User

from db.types import utcnow
from equeue_ui.services import subjects, tasks
from tests.ui.helpers import DemoWorld, account, sign_in, texts


async def test_past_deadlines_say_none_upcoming_and_no_due_dates_say_no_deadlines(
    user: User, demo: DemoWorld
) -> None:
    leader = await account("leader")
    past = await subjects.create_subject(demo.workspace_id, actor=leader, name="Архив")
    await tasks.create_task(
        past.id, actor=leader, name="Старая лаба", due_at=utcnow() - timedelta(days=3)
    )
    undated = await subjects.create_subject(demo.workspace_id, actor=leader, name="Без сроков")
    await tasks.create_task(undated.id, actor=leader, name="Лаба без срока")

    await sign_in(user, "student5", path=f"/workspaces/{demo.workspace_id}")

    with user.scope(marker=f"subject-{past.id}"):
        assert texts(user, "next-due") == ["No upcoming deadlines"]
    with user.scope(marker=f"subject-{undated.id}"):
        assert texts(user, "next-due") == ["No deadlines"]

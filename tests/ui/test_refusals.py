"""Whoever is not an approved member sees a refusal inside a workspace, never its data."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from nicegui.testing.user import User

from equeue_ui.services import accounts, groups, queues, workspaces
from tests.ui.helpers import (
    PATIENCE,
    DemoWorld,
    account,
    entry_names,
    page_text,
    queue_snapshot,
    queue_snapshot_when,
    sign_in,
)

# Markers of the pages' content: none of them may appear next to a refusal.
DATA_MARKERS = [
    "workspace-name",
    "subject-name",
    "subject-link",
    "members",
    "leaderboard",
    "tasks",
    "queue-panel",
    "queue-view",
    "queue-subject",
]


def _paths(demo: DemoWorld) -> list[str]:
    subject = demo.open_subject
    return [
        f"/workspaces/{demo.workspace_id}",
        f"/subjects/{subject.id}",
        f"/queues/{subject.queue_id}",
        f"/subjects/{demo.closed_subject.id}",
        f"/queues/{demo.closed_subject.queue_id}",
    ]


def _secrets(demo: DemoWorld) -> list[str]:
    """Texts that only members may read."""
    return [
        *(s.name for s in demo.subjects),
        *demo.open_subject.task_names,
        "Петрова Ирина Александровна",
        "Как сдавать",
        "Алексей Иванов",
        "Мария Кузнецова",
    ]


async def _sees_only_refusals(user: User, demo: DemoWorld) -> None:
    for path in _paths(demo):
        await user.open(path)
        await user.should_see(marker="refusal")
        for marker in DATA_MARKERS:
            await user.should_not_see(marker=marker, retries=1)
        shown = page_text(user)
        leaked = [secret for secret in _secrets(demo) if secret in shown]
        assert not leaked, (path, leaked)


async def test_a_student_of_the_group_who_never_asked_sees_refusals(
    user: User, demo: DemoWorld
) -> None:
    await sign_in(user, "newcomer")
    await _sees_only_refusals(user, demo)


async def test_a_pending_applicant_sees_refusals(user: User, demo: DemoWorld) -> None:
    await sign_in(user, "applicant")
    await _sees_only_refusals(user, demo)


async def test_a_rejected_applicant_sees_refusals(user: User, demo: DemoWorld) -> None:
    await workspaces.reject(
        demo.workspace_id, demo.users["applicant"], actor=await account("leader")
    )
    await sign_in(user, "applicant")
    await _sees_only_refusals(user, demo)


@pytest.mark.usefixtures("quick_passwords")
async def test_a_student_of_another_group_sees_refusals_and_no_way_to_ask(
    user: User, demo: DemoWorld
) -> None:
    stranger = await accounts.register("stranger", "long-enough-1", enforce_setting=False)
    (other,) = await groups.search_groups("ФИ21-01Б")
    await accounts.set_group(other.id, actor=stranger)
    await sign_in(user, "stranger", "long-enough-1")
    await user.should_see(marker="no-workspaces")
    await user.should_not_see(marker=f"workspace-{demo.workspace_id}")
    await _sees_only_refusals(user, demo)


async def test_a_teacher_sees_only_the_subjects_assigned_to_them(
    user: User, demo: DemoWorld
) -> None:
    await sign_in(user, "teacher")
    for path in (f"/workspaces/{demo.workspace_id}", f"/subjects/{demo.closed_subject.id}"):
        await user.open(path)
        await user.should_see(marker="refusal")
        await user.should_not_see(marker="workspace-name")
        await user.should_not_see(marker="subject-name")
    await user.open(f"/subjects/{demo.open_subject.id}")
    await user.should_see(marker="subject-name")
    await user.should_not_see(marker="refusal")


async def test_a_missing_workspace_subject_or_queue_is_a_refusal_not_an_error(
    user: User, demo: DemoWorld
) -> None:
    await sign_in(user, "student5")
    for path in ("/workspaces/9999", "/subjects/9999", "/queues/9999"):
        await user.open(path)
        await user.should_see(marker="refusal")


async def test_a_member_removed_while_on_the_workspace_page_is_shown_a_refusal(
    user: User, demo: DemoWorld
) -> None:
    await sign_in(user, "student5", path=f"/workspaces/{demo.workspace_id}")
    await user.should_see(marker="workspace-name")
    await workspaces.remove_member(
        demo.workspace_id, demo.users["student5"], actor=await account("leader")
    )
    await user.should_see(marker="refusal", retries=PATIENCE)
    await user.should_not_see(marker="workspace-name")
    await user.should_not_see(marker="members")


async def test_a_member_removed_while_on_the_queue_page_stops_seeing_the_queue(
    user: User, another_user: Callable[[], User], demo: DemoWorld
) -> None:
    queue_id = demo.open_subject.queue_id
    witness = another_user()  # a member watching the same queue
    await sign_in(witness, "student6", path=f"/queues/{queue_id}")
    await sign_in(user, "student5", path=f"/queues/{queue_id}")
    await user.should_see(marker="my-position")
    queue_page = user.client
    seen = queue_snapshot(user).version
    await workspaces.remove_member(
        demo.workspace_id, demo.users["student5"], actor=await account("leader")
    )
    # The page reloads into a refusal: no list, no place, nothing of the queue left.
    await user.should_see(marker="refusal", retries=PATIENCE)
    assert user.client is not queue_page
    for marker in ("my-position", "queue-panel", "queue-view", "queue-subject"):
        await user.should_not_see(marker=marker, retries=1)
    await queues.join_queue(queue_id, actor=await account("student9"))
    await queues.join_queue(queue_id, actor=await account("student10"))
    # The hub hands each snapshot to every viewer at once: when the witness has it, so would
    # the removed student.
    newer = await queue_snapshot_when(
        witness, lambda s: "Софья Фёдорова" in entry_names(s), what="the witness's update"
    )
    assert newer.version > seen
    await user.should_see(marker="refusal")
    await user.should_not_see(marker="queue-view", retries=1)
    assert "Софья Фёдорова" not in page_text(user)

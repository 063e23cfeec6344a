"""One tap on "Leave" no longer loses a place: a few seconds' Undo puts it back exactly where it
was (issue 14, point 5)."""

from __future__ import annotations

import pytest
from nicegui.testing.user import User

from components import queue_panel
from equeue_ui.services import queues, submissions
from tests.ui.helpers import (
    PATIENCE,
    DemoWorld,
    account,
    entry_names,
    join_offered,
    queue_snapshot_when,
    sign_in,
    texts,
)

ME = "Никита Лебедев"  # student5, fifth in the demo queue


async def test_undo_after_leaving_puts_me_back_in_my_place(user: User, demo: DemoWorld) -> None:
    queue_id = demo.open_subject.queue_id
    await sign_in(user, "student5", path=f"/queues/{queue_id}")
    assert texts(user, "my-position") == ["5"]
    user.find(marker="leave").click()
    await user.should_see("You left the queue.", retries=PATIENCE)
    await join_offered(user)
    await queue_snapshot_when(user, lambda s: ME not in entry_names(s), what="me off the list")
    # Someone joins meanwhile: they stay behind me.
    await queues.join_queue(queue_id, actor=await account("student9"))
    user.find(marker="undo-leave").click()
    await user.should_see(marker="my-position", retries=PATIENCE)
    assert texts(user, "my-position") == ["5"]
    shown = await queue_snapshot_when(user, lambda s: ME in entry_names(s), what="me back")
    assert entry_names(shown)[4:] == [ME, "Ольга Козлова", "Артём Новиков", "Иван Волков"]
    await user.should_not_see(marker="undo-leave")
    await join_offered(user, offered=False)


async def test_undo_after_leave_and_mark_also_unmarks_the_task(user: User, demo: DemoWorld) -> None:
    subject = demo.open_subject
    student = await account("student5")
    before = await submissions.handed_in_task_ids(subject.id, actor=student)
    await sign_in(user, "student5", path=f"/queues/{subject.queue_id}")
    user.find(marker="leave-and-mark").click()
    await user.should_see("You left the queue and marked the task handed in.", retries=PATIENCE)
    assert await submissions.handed_in_task_ids(subject.id, actor=student) != before
    user.find(marker="undo-leave").click()
    await user.should_see(marker="my-position", retries=PATIENCE)
    assert texts(user, "my-position") == ["5"]
    assert await submissions.handed_in_task_ids(subject.id, actor=student) == before


async def test_the_undo_offer_goes_after_a_few_seconds(
    user: User, demo: DemoWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queue_panel, "UNDO_OFFER_SECONDS", 0.2)
    await sign_in(user, "student5", path=f"/queues/{demo.open_subject.queue_id}")
    user.find(marker="leave").click()
    await user.should_see(marker="undo-leave", retries=PATIENCE)
    await user.should_not_see(marker="undo-leave", retries=PATIENCE)
    await join_offered(user)  # the offer to join stays


async def test_an_undo_too_late_says_so(user: User, demo: DemoWorld) -> None:
    queue_id = demo.open_subject.queue_id
    await sign_in(user, "student5", path=f"/queues/{queue_id}")
    user.find(marker="leave").click()
    await user.should_see(marker="undo-leave", retries=PATIENCE)
    await queues.clear_queue(queue_id, actor=await account("teacher"))
    user.find(marker="undo-leave").click()
    await user.should_see("The queue was cleared meanwhile: join it again.", retries=PATIENCE)
    await user.should_not_see(marker="my-position")

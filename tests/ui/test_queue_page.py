"""The live queue page: the list, my place and wait, joining, freezing, leaving, live changes."""

from __future__ import annotations

import json
import re

import pytest
from nicegui.testing.user import User

from db.models import EntryStatus, QueueState
from equeue_ui.services import queues, submissions
from equeue_ui.services.views import EntryView, QueueSnapshot
from tests.ui.helpers import (
    PATIENCE,
    DemoWorld,
    account,
    entry_names,
    eventually,
    join_offer,
    join_offered,
    press_join,
    queue_snapshot,
    queue_snapshot_when,
    queue_view,
    sign_in,
    texts,
    wait_for_notice,
)

NAMES_IN_ORDER = [
    "Алексей Иванов",
    "Мария Кузнецова",
    "Дмитрий Соколов",
    "Елена Попова",
    "Никита Лебедев",
    "Ольга Козлова",
    "Артём Новиков",
]


async def test_the_queue_shows_entries_with_positions_statuses_and_tasks(
    user: User, demo: DemoWorld
) -> None:
    subject = demo.open_subject
    await sign_in(user, "student5", path=f"/queues/{subject.queue_id}")
    await user.should_see(marker="queue-view")
    assert texts(user, "queue-subject") == [subject.name]
    view = queue_view(user)
    snapshot = view.snapshot
    assert snapshot.queue_id == subject.queue_id
    assert entry_names(snapshot) == NAMES_IN_ORDER
    assert [entry.position for entry in snapshot.entries] == list(range(1, 8))
    # student1 was called to the desk, student3 froze their place (see the demo).
    assert _entry(snapshot, "Алексей Иванов").status is EntryStatus.CALLED
    assert _entry(snapshot, "Дмитрий Соколов").status is EntryStatus.FROZEN
    assert [e.status for e in snapshot.entries].count(EntryStatus.CALLED) == 1
    assert [e.status for e in snapshot.entries].count(EntryStatus.FROZEN) == 1
    # Each entry shows the task it hands in: the first one its student had not handed in.
    assert snapshot.entries[0].task_name == subject.task_names[0]  # student1 had none handed in
    assert snapshot.entries[4].task_name == subject.task_names[1]  # student5 had the first one
    assert len(snapshot.entries) == 7  # "7 in the queue"
    assert snapshot.state is QueueState.OPEN
    # The browser draws the list from the JSON the element is built with: the same queue.
    initial = json.loads(view.props["initial"])
    assert initial["version"] == snapshot.version
    assert initial["state"] == "open"
    assert [e["name"] for e in initial["entries"]] == NAMES_IN_ORDER
    assert [e["status"] for e in initial["entries"]][:3] == ["called", "waiting", "frozen"]
    assert view.props["me"] == demo.users["student5"]


async def test_my_position_people_ahead_and_a_wait_from_the_demo_history(
    user: User, demo: DemoWorld
) -> None:
    await sign_in(user, "student5", path=f"/queues/{demo.open_subject.queue_id}")
    await user.should_see(marker="my-position")
    assert texts(user, "my-position") == ["5"]
    # Ahead of student5: student1 at the desk, student2, student3 frozen, student4. The people
    # "call next" would call first are student2 and student4.
    assert texts(user, "people-ahead") == ["People ahead of you: 2"]
    # The demo carries earlier lab sessions of this queue, so the wait is a range of minutes.
    [wait] = texts(user, "estimated-wait")
    assert re.fullmatch(r"Estimated wait: \d+–\d+ min", wait)


async def test_a_queue_without_served_students_has_no_wait_estimate_yet(
    user: User, demo: DemoWorld
) -> None:
    await sign_in(user, "student7", path=f"/queues/{demo.paused_subject.queue_id}")
    await user.should_see(marker="my-position")
    assert texts(user, "estimated-wait") == ["Estimated wait: not enough data yet"]


async def test_the_estimated_wait_is_a_range_after_three_recent_services(
    user: User, demo: DemoWorld
) -> None:
    queue_id = demo.open_subject.queue_id
    await _serve(queue_id, times=3)  # student1, student2, student4 (student3 is frozen)
    await sign_in(user, "student7", path=f"/queues/{queue_id}")
    await user.should_see(marker="my-position")
    assert texts(user, "my-position") == ["4"]
    assert texts(user, "people-ahead") == ["People ahead of you: 2"]  # student5, student6
    (wait,) = texts(user, "estimated-wait")
    match = re.fullmatch(r"Estimated wait: (\d+)–(\d+) min", wait)
    assert match is not None, wait
    assert int(match[1]) <= int(match[2])


async def test_a_student_whose_only_predecessors_are_frozen_is_told_they_are_next(
    user: User, demo: DemoWorld
) -> None:
    queue_id = demo.open_subject.queue_id
    await _serve(queue_id, times=3)
    await sign_in(user, "student5", path=f"/queues/{queue_id}")
    await user.should_see(marker="my-position")
    assert texts(user, "my-position") == ["2"]
    assert texts(user, "estimated-wait") == ["You are next"]


async def test_a_frozen_place_at_the_head_is_not_told_it_is_next(
    user: User, demo: DemoWorld
) -> None:
    """ "You are next" is QueueSnapshot.is_next alone: call next skips a frozen place, so a
    frozen student with nobody waiting ahead is not next (nor shown a wait: it is up to them)."""
    queue_id = demo.open_subject.queue_id
    await queues.call_next(queue_id, actor=await account("teacher"))  # student2, ahead of student3
    await sign_in(user, "student3", path=f"/queues/{queue_id}")
    await user.should_see(marker="frozen-note")
    assert texts(user, "people-ahead") == ["People ahead of you: 0"]
    assert texts(user, "estimated-wait") == []
    assert texts(user, "queue-status") != ["You are next"]
    await user.should_not_see("You are next")


async def test_joining_offers_the_first_task_not_handed_in_and_puts_me_last(
    user: User, demo: DemoWorld
) -> None:
    subject = demo.open_subject
    await sign_in(user, "student8", path=f"/queues/{subject.queue_id}")  # handed in task 1
    offer = await join_offered(user)
    assert offer is not None
    assert offer.task == subject.task_ids[1]
    assert offer.tasks == list(zip(subject.task_ids, subject.task_names, strict=True))
    press_join(user, offer.task)
    await user.should_see(marker="my-position", retries=PATIENCE)
    assert texts(user, "my-position") == ["8"]
    snapshot = await queue_snapshot_when(
        user, lambda s: entry_names(s)[-1:] == ["Полина Морозова"], what="me last on the list"
    )
    assert snapshot.entries[-1].position == 8
    assert snapshot.entries[-1].user_id == demo.users["student8"]
    await join_offered(user, offered=False)
    snapshot = await queues.get_snapshot(subject.queue_id, actor=await account("student8"))
    assert snapshot.entries[-1].task_id == subject.task_ids[1]


async def test_joining_with_another_task_chosen_in_the_picker(user: User, demo: DemoWorld) -> None:
    subject = demo.open_subject
    await sign_in(user, "student8", path=f"/queues/{subject.queue_id}")
    await join_offered(user)
    press_join(user, subject.task_ids[3])
    await user.should_see(marker="my-position", retries=PATIENCE)
    snapshot = await queues.get_snapshot(subject.queue_id, actor=await account("student8"))
    assert snapshot.entries[-1].task_id == subject.task_ids[3]
    shown = await queue_snapshot_when(
        user, lambda s: "Полина Морозова" in entry_names(s), what="me on the list"
    )
    assert _entry(shown, "Полина Морозова").task_name == subject.task_names[3]


async def test_freezing_lets_others_go_ahead_and_unfreezing_takes_the_place_back(
    user: User, demo: DemoWorld
) -> None:
    queue_id = demo.open_subject.queue_id
    student = await account("student5")
    await sign_in(user, "student5", path=f"/queues/{queue_id}")
    user.find(marker="freeze").click()
    await user.should_see(marker="frozen-note", retries=PATIENCE)
    await user.should_see(marker="unfreeze")
    await user.should_not_see(marker="freeze")
    assert texts(user, "my-position") == ["5"]  # the place is kept
    assert _status(await queues.get_snapshot(queue_id, actor=student), student.id) is (
        EntryStatus.FROZEN
    )
    user.find(marker="unfreeze").click()
    await user.should_see(marker="freeze", retries=PATIENCE)
    await user.should_not_see(marker="frozen-note")
    assert _status(await queues.get_snapshot(queue_id, actor=student), student.id) is (
        EntryStatus.WAITING
    )


async def test_the_freeze_button_is_hidden_when_the_queue_does_not_allow_freezing(
    user: User, demo: DemoWorld
) -> None:
    queue_id = demo.open_subject.queue_id
    await sign_in(user, "student5", path=f"/queues/{queue_id}")
    await user.should_see(marker="freeze")
    await queues.update_settings(
        queue_id, actor=await account("leader"), members_can_freeze=False, max_size=None
    )
    await user.should_not_see(marker="freeze", retries=PATIENCE)
    await user.should_see(marker="leave")
    await user.open(f"/queues/{queue_id}")
    await user.should_see(marker="leave")
    await user.should_not_see(marker="freeze")


async def test_leaving_the_queue(user: User, demo: DemoWorld) -> None:
    queue_id = demo.open_subject.queue_id
    await sign_in(user, "student5", path=f"/queues/{queue_id}")
    user.find(marker="leave").click()
    await join_offered(user)
    await user.should_not_see(marker="my-position")
    shown = await queue_snapshot_when(
        user, lambda s: "Никита Лебедев" not in entry_names(s), what="me off the list"
    )
    assert len(shown.entries) == 6  # "6 in the queue"
    assert [e.position for e in shown.entries] == [1, 2, 3, 4, 5, 6]
    snapshot = await queues.get_snapshot(queue_id, actor=await account("student5"))
    assert [e.position for e in snapshot.entries] == [1, 2, 3, 4, 5, 6]


async def test_leaving_and_marking_the_task_handed_in(user: User, demo: DemoWorld) -> None:
    subject = demo.open_subject
    student = await account("student5")
    await sign_in(user, "student5", path=f"/queues/{subject.queue_id}")
    user.find(marker="leave-and-mark").click()
    await user.should_see("You left the queue and marked the task handed in.", retries=PATIENCE)
    await join_offered(user)
    await queue_snapshot_when(
        user, lambda s: "Никита Лебедев" not in entry_names(s), what="me off the list"
    )
    marked = await submissions.handed_in_task_ids(subject.id, actor=student)
    assert marked == {subject.task_ids[0], subject.task_ids[1]}


async def test_after_leaving_and_marking_the_picker_offers_the_next_task(
    user: User, demo: DemoWorld
) -> None:
    subject = demo.open_subject
    await sign_in(user, "student5", path=f"/queues/{subject.queue_id}")
    user.find(marker="leave-and-mark").click()
    offer = await join_offered(user)
    assert offer is not None
    assert offer.task == subject.task_ids[2]


async def test_another_students_join_appears_without_reload(user: User, demo: DemoWorld) -> None:
    queue_id = demo.open_subject.queue_id
    await sign_in(user, "student5", path=f"/queues/{queue_id}")
    await user.should_see(marker="my-position")
    page = user.client
    before = queue_snapshot(user)
    await queues.join_queue(queue_id, actor=await account("student9"))
    shown = await queue_snapshot_when(
        user, lambda s: "Иван Волков" in entry_names(s), what="the new student on the list"
    )
    assert user.client is page  # no reload
    assert shown.version > before.version
    assert len(shown.entries) == 8  # "8 in the queue"
    assert entry_names(shown) == [*NAMES_IN_ORDER, "Иван Волков"]
    assert [e.position for e in shown.entries] == list(range(1, 9))


async def test_a_teachers_call_appears_without_reload_and_tells_me_it_is_my_turn(
    user: User, demo: DemoWorld
) -> None:
    queue_id = demo.open_subject.queue_id
    teacher = await account("teacher")
    await sign_in(user, "student2", path=f"/queues/{queue_id}")
    page = user.client
    assert texts(user, "my-position") == ["2"]
    snapshot = await queues.get_snapshot(queue_id, actor=teacher)
    await queues.accept(snapshot.entries[0].id, actor=teacher)
    await eventually(lambda: texts(user, "my-position") == ["1"], what="moving up")
    await queues.call_next(queue_id, actor=teacher)
    await user.should_see(marker="your-turn", retries=PATIENCE)
    shown = await queue_snapshot_when(
        user,
        lambda s: _entry(s, "Мария Кузнецова").status is EntryStatus.CALLED,
        what="my call on the list",
    )
    assert user.client is page  # no reload
    assert shown.entries[0].display_name == "Мария Кузнецова"
    assert [e.status for e in shown.entries].count(EntryStatus.CALLED) == 1


async def test_a_closed_queue_cannot_be_joined(user: User, demo: DemoWorld) -> None:
    await sign_in(user, "student5", path=f"/queues/{demo.closed_subject.queue_id}")
    await user.should_see(marker="queue-closed")
    assert join_offer(user) is None
    snapshot = queue_snapshot(user)
    assert snapshot.entries == ()  # "Nobody is in the queue."
    assert snapshot.state is QueueState.CLOSED


async def test_a_paused_queue_can_still_be_joined(user: User, demo: DemoWorld) -> None:
    await sign_in(user, "student1", path=f"/queues/{demo.paused_subject.queue_id}")
    assert queue_snapshot(user).state is QueueState.PAUSED
    await join_offered(user)
    press_join(user)
    await user.should_see(marker="my-position", retries=PATIENCE)
    assert texts(user, "my-position") == ["4"]


async def test_a_refused_join_shows_the_reason_as_a_notice(user: User, demo: DemoWorld) -> None:
    queue_id = demo.open_subject.queue_id
    await sign_in(user, "student8", path=f"/queues/{queue_id}")
    version = queue_snapshot(user).version
    await queues.update_settings(
        queue_id, actor=await account("leader"), members_can_freeze=True, max_size=7
    )
    shown = await queue_snapshot_when(user, lambda s: s.version > version, what="the new version")
    assert shown.max_size == 7
    press_join(user)
    await wait_for_notice(user, "The queue is full.")
    assert join_offer(user) is not None
    await user.should_not_see(marker="my-position")


async def test_a_refusal_is_shown_even_when_the_queue_changed_while_it_was_on_its_way(
    user: User, demo: DemoWorld, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    queue_id = demo.open_subject.queue_id
    await queues.update_settings(
        queue_id, actor=await account("leader"), members_can_freeze=True, max_size=8
    )
    await sign_in(user, "student8", path=f"/queues/{queue_id}")
    real_join = queues.join_queue

    async def someone_is_quicker(queue: int, **kwargs: object) -> int:
        # Another student takes the last place while this request is on its way, and this
        # page shows that change before the answer to the request arrives.
        await real_join(queue, actor=await account("student9"))
        await queue_snapshot_when(
            user, lambda s: "Иван Волков" in entry_names(s), what="the quicker student"
        )
        return await real_join(queue, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(queues, "join_queue", someone_is_quicker)
    press_join(user)
    try:
        await wait_for_notice(user, "The queue is full.", patience=30)
    finally:
        errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
        caplog.clear()  # reported by this test (the fixture would report them as an error)
    assert not errors


# --- helpers ------------------------------------------------------------------------------------


async def _serve(queue_id: int, *, times: int) -> None:
    """The teacher serves ``times`` students: accept whoever is at the desk, call the next."""
    teacher = await account("teacher")
    for _ in range(times):
        snapshot = await queues.get_snapshot(queue_id, actor=teacher)
        called = [e for e in snapshot.entries if e.status is EntryStatus.CALLED]
        if not called:
            await queues.call_next(queue_id, actor=teacher)
            snapshot = await queues.get_snapshot(queue_id, actor=teacher)
            called = [e for e in snapshot.entries if e.status is EntryStatus.CALLED]
        await queues.accept(called[0].id, actor=teacher)


def _entry(snapshot: QueueSnapshot, name: str) -> EntryView:
    (entry,) = [e for e in snapshot.entries if e.display_name == name]
    return entry


def _status(snapshot: QueueSnapshot, user_id: int) -> EntryStatus | None:
    entry = snapshot.entry_of(user_id)
    return None if entry is None else entry.status

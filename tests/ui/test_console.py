"""The teacher's console: the live queue with call next, accept, return, skip, remove, the queue's
state, clearing, settings and keyboard shortcuts; and who may open it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from nicegui import ui
from nicegui.testing.user import User

from components.console_list import ConsoleList
from db.models import EntryStatus, QueueState
from equeue_ui import runtime
from equeue_ui.formatting import to_input
from equeue_ui.services import accounts, boards, queues, subjects, submissions
from equeue_ui.services.views import QueueSnapshot
from tests.ui.helpers import (
    PATIENCE,
    DemoWorld,
    account,
    console_list,
    console_names,
    desk_names,
    elements,
    eventually,
    label_texts_within,
    press_in_console_list,
    press_key,
    settle,
    sign_in,
    texts,
    wait_for_notice,
)

# The demo's open queue: student1 is at the desk, student3 froze their place.
WAITING = [
    "Мария Кузнецова",
    "Дмитрий Соколов",
    "Елена Попова",
    "Никита Лебедев",
    "Ольга Козлова",
    "Артём Новиков",
]


async def _open_console(user: User, demo: DemoWorld) -> int:
    """The teacher signs in on the console of the demo's open queue; returns the queue's id."""
    queue_id = demo.open_subject.queue_id
    await sign_in(user, "teacher", path=f"/queues/{queue_id}/console")
    await user.should_see(marker="call-next")
    return queue_id


async def _snapshot(queue_id: int) -> QueueSnapshot:
    return await queues.get_snapshot(queue_id, actor=await account("teacher"))


async def _console_shows_the_latest(queue_id: int) -> None:
    """Wait until the console has the queue's latest version: the hub hands each version to
    every console as soon as it holds it."""
    version = await queues.version_of(queue_id)
    assert version is not None

    async def held() -> bool:
        latest = await runtime.current().hub.current(queue_id)
        return latest is not None and latest.version >= version

    await eventually(held, what="the console to show the change")


async def _desk_becomes(user: User, names: list[str]) -> None:
    await eventually(lambda: desk_names(user) == names, what=f"{names} at the desk")


# --- who may open it ----------------------------------------------------------------------------


async def test_a_student_cannot_open_a_console(user: User, demo: DemoWorld) -> None:
    queue_id = demo.open_subject.queue_id
    await sign_in(user, "student5", path=f"/queues/{queue_id}/console")
    await user.should_see(marker="refusal")
    await user.should_see("Only the subject's teachers and workspace admins run the queue.")
    for marker in ("console", "call-next", "console-list", "at-desk", "make-link"):
        await user.should_not_see(marker=marker, retries=1)
    # Neither is the console offered on the subject page.
    await user.open(f"/subjects/{demo.open_subject.id}")
    await user.should_see(marker="queue-panel")
    await user.should_not_see(marker="open-console", retries=1)
    await user.should_not_see(marker="open-board", retries=1)


async def test_a_teacher_cannot_open_the_console_of_a_subject_they_do_not_teach(
    user: User, demo: DemoWorld
) -> None:
    await sign_in(user, "teacher", path=f"/queues/{demo.closed_subject.queue_id}/console")
    await user.should_see(marker="refusal")
    await user.should_not_see(marker="call-next", retries=1)


async def test_the_workspace_admin_runs_the_queue_from_the_subject_page(
    user: User, demo: DemoWorld
) -> None:
    await sign_in(user, "leader", path=f"/subjects/{demo.open_subject.id}")
    user.find(marker="open-console").click()
    await user.should_see(marker="call-next", retries=PATIENCE)
    assert desk_names(user) == ["Алексей Иванов"]


async def test_the_teaching_page_lists_the_teachers_subjects_and_opens_their_consoles(
    user: User, demo: DemoWorld
) -> None:
    await sign_in(user, "teacher", path="/teaching")
    cards = elements(user, marker="teaching-subject")
    assert [label_texts_within(card)[0] for card in cards] == [
        demo.open_subject.name,
        demo.paused_subject.name,
    ]
    await user.should_not_see(demo.closed_subject.name, retries=1)
    await user.should_not_see(marker="no-teaching", retries=1)
    user.find(marker="open-console").click()  # the first subject's
    await user.should_see(marker="call-next", retries=PATIENCE)
    assert texts(user, "console-subject") == [demo.open_subject.name]


async def test_the_teaching_page_of_a_student_says_there_is_nothing_to_teach(
    user: User, demo: DemoWorld
) -> None:
    await sign_in(user, "student5", path="/teaching")
    await user.should_see(marker="no-teaching")
    await user.should_not_see(marker="teaching-subject", retries=1)


# --- the live queue and the teacher's actions ---------------------------------------------------


async def test_the_console_shows_the_queue(user: User, demo: DemoWorld) -> None:
    await _open_console(user, demo)
    assert texts(user, "console-subject") == [demo.open_subject.name]
    (state,) = elements(user, ui.badge, marker="console-state")
    assert state.text == "open"
    assert texts(user, "console-waiting") == ["6 waiting"]
    assert desk_names(user) == ["Алексей Иванов"]
    assert console_names(user) == WAITING
    await user.should_see(marker="shortcuts")


async def test_call_next_calls_the_first_waiting_student_past_a_frozen_one(
    user: User, demo: DemoWorld
) -> None:
    queue_id = await _open_console(user, demo)
    user.find(marker="call-next").click()
    await _desk_becomes(user, ["Алексей Иванов", "Мария Кузнецова"])
    assert console_names(user) == WAITING[1:]
    assert texts(user, "console-waiting") == ["5 waiting"]
    user.find(marker="call-next").click()
    await _desk_becomes(user, ["Алексей Иванов", "Мария Кузнецова", "Елена Попова"])
    assert console_names(user) == ["Дмитрий Соколов", *WAITING[3:]]  # the frozen one stays
    snapshot = await _snapshot(queue_id)
    called = [e.user_id for e in snapshot.entries if e.status is EntryStatus.CALLED]
    assert called == [demo.users[name] for name in ("student1", "student2", "student4")]


async def test_accept_records_a_submission_and_takes_the_student_off(
    user: User, demo: DemoWorld
) -> None:
    subject = demo.open_subject
    student = await account("student1")
    assert subject.task_ids[0] not in await submissions.handed_in_task_ids(
        subject.id, actor=student
    )
    await _open_console(user, demo)
    user.find(marker="accept").click()
    await _desk_becomes(user, [])
    assert console_names(user) == WAITING
    snapshot = await _snapshot(subject.queue_id)
    assert snapshot.entry_of(student.id) is None
    assert [e.position for e in snapshot.entries] == list(range(1, 7))
    handed_in = await submissions.handed_in_task_ids(subject.id, actor=student)
    assert subject.task_ids[0] in handed_in


async def test_return_takes_the_student_off_and_records_nothing(
    user: User, demo: DemoWorld
) -> None:
    subject = demo.open_subject
    student = await account("student1")
    await _open_console(user, demo)
    user.find(marker="return").click()
    await _desk_becomes(user, [])
    assert console_names(user) == WAITING
    assert (await _snapshot(subject.queue_id)).entry_of(student.id) is None
    assert await submissions.handed_in_task_ids(subject.id, actor=student) == frozenset()


async def test_skip_sends_the_student_at_the_desk_to_the_end(user: User, demo: DemoWorld) -> None:
    queue_id = await _open_console(user, demo)
    user.find(marker="skip").click()
    await _desk_becomes(user, [])
    assert console_names(user) == [*WAITING, "Алексей Иванов"]
    skipped = (await _snapshot(queue_id)).entry_of(demo.users["student1"])
    assert skipped is not None
    assert (skipped.position, skipped.status) == (7, EntryStatus.WAITING)


async def test_remove_at_the_desk_asks_first_naming_the_student_then_takes_them_off(
    user: User, demo: DemoWorld
) -> None:
    subject = demo.open_subject
    student = await account("student1")
    await _open_console(user, demo)
    user.find(marker="remove").click()
    dialog = await _open_dialog(user)
    assert dialog.props["aria-label"] == "Remove Алексей Иванов from the queue?"
    assert "Remove Алексей Иванов from the queue?" in label_texts_within(dialog)
    assert len((await _snapshot(subject.queue_id)).entries) == 7  # nothing before confirming
    assert desk_names(user) == ["Алексей Иванов"]
    user.find(marker="confirm-remove").click()
    await _desk_becomes(user, [])
    assert console_names(user) == WAITING
    snapshot = await _snapshot(subject.queue_id)
    assert snapshot.entry_of(student.id) is None
    assert [e.position for e in snapshot.entries] == list(range(1, 7))
    assert await submissions.handed_in_task_ids(subject.id, actor=student) == frozenset()


async def test_remove_in_the_list_asks_first_and_cancel_keeps_the_exact_place(
    user: User, demo: DemoWorld
) -> None:
    queue_id = await _open_console(user, demo)
    before = await _snapshot(queue_id)
    press_in_console_list(user, "remove", "Елена Попова")
    dialog = await _open_dialog(user)
    assert dialog.props["aria-label"] == "Remove Елена Попова from the queue?"
    user.find(marker="cancel-confirm-remove").click()
    await eventually(lambda: dialog.value is False, what="the dialog to close")
    after = await _snapshot(queue_id)
    assert after.version == before.version  # nothing happened at all
    assert console_names(user) == WAITING
    # Asked again and confirmed: only she goes, the others keep their order.
    press_in_console_list(user, "remove", "Елена Попова")
    await _open_dialog(user)
    user.find(marker="confirm-remove").click()
    await eventually(lambda: "Елена Попова" not in console_names(user), what="her removal")
    assert console_names(user) == [name for name in WAITING if name != "Елена Попова"]
    assert (await _snapshot(queue_id)).entry_of(demo.users["student4"]) is None


async def test_a_name_like_markup_is_text_in_the_confirmation(user: User, demo: DemoWorld) -> None:
    hostile = 'x" :title="alert(1)'
    renamed = await accounts.update_profile(
        actor=await account("student2"), first_name=hostile, last_name="\\N {{ 7*7 }}"
    )
    await _open_console(user, demo)
    press_in_console_list(user, "remove", renamed.display_name)
    dialog = await _open_dialog(user)
    question = f"Remove {renamed.display_name} from the queue?"
    assert question in label_texts_within(dialog)
    assert dialog.props["aria-label"] == question
    assert not any("title" in key for key in dialog.props)


async def test_keys_do_nothing_while_a_dialog_is_open(user: User, demo: DemoWorld) -> None:
    queue_id = await _open_console(user, demo)
    before = await _snapshot(queue_id)
    press_in_console_list(user, "remove", "Мария Кузнецова")
    dialog = await _open_dialog(user)
    for key in "nars":  # focus is on the dialog's buttons: these letters are not for the queue
        press_key(user, key)
    await settle(user)
    assert (await _snapshot(queue_id)).version == before.version
    user.find(marker="cancel-confirm-remove").click()
    await eventually(lambda: dialog.value is False, what="the dialog to close")
    press_key(user, "n")  # closed: the keys work again
    await _desk_becomes(user, ["Алексей Иванов", "Мария Кузнецова"])


async def test_the_shortcuts_are_announced_on_the_buttons_they_press(
    user: User, demo: DemoWorld
) -> None:
    queue_id = await _open_console(user, demo)
    (call,) = elements(user, ui.button, marker="call-next")
    (hint,) = elements(user, marker="shortcuts")
    assert call.props["aria-keyshortcuts"] == "N"
    assert call.props["aria-describedby"] == hint.html_id  # the visible hint, read out too
    assert _shortcuts(user) == [("A", "R", "S")]
    # Someone else's call: A, R and S act on the one this teacher called, so only that card
    # says so.
    await queues.call_next(queue_id, actor=await account("leader"))
    await _desk_becomes(user, ["Алексей Иванов", "Мария Кузнецова"])
    assert _shortcuts(user) == [("A", "R", "S"), (None, None, None)]
    press_key(user, "n")
    await _desk_becomes(user, ["Алексей Иванов", "Мария Кузнецова", "Елена Попова"])
    assert _shortcuts(user) == [(None, None, None), (None, None, None), ("A", "R", "S")]


async def test_icon_buttons_are_named_in_the_readers_language(user: User, demo: DemoWorld) -> None:
    """The list's icon buttons are drawn by the browser, which puts each name into the names'
    texts sent in the reader's language (components/console_list.js)."""
    await accounts.set_preferences(actor=await account("teacher"), language="ru")
    await _open_console(user, demo)
    labels = json.loads(str(console_list(user).props["labels"]))
    skip, remove = labels["skip_named"], labels["remove_named"]
    assert [skip.replace("{name}", n) for n in WAITING[:1]] == [f"В конец очереди: {WAITING[0]}"]
    assert remove.replace("{name}", WAITING[0]) == f"Убрать из очереди: {WAITING[0]}"


async def test_a_button_pressed_for_a_student_no_longer_waiting_says_so_and_changes_nothing(
    user: User, demo: DemoWorld
) -> None:
    """The browser's list may be a change behind: a press for someone called meanwhile (or
    anything that is not an entry's id) does nothing."""
    queue_id = await _open_console(user, demo)
    maria = (await _snapshot(queue_id)).in_line[0]
    await queues.call_next(queue_id, actor=await account("teacher"))
    await _desk_becomes(user, ["Алексей Иванов", maria.display_name])
    before = await _snapshot(queue_id)
    listed = user.find(kind=ConsoleList, marker="console-list")
    listed.trigger("skip", maria.id)
    await wait_for_notice(user, "That student is no longer waiting.")
    for crafted in (None, "1", True, [maria.id], {"id": maria.id}):
        listed.trigger("remove", crafted)
    await settle(user)
    assert elements(user, ui.dialog) == []
    assert (await _snapshot(queue_id)).version == before.version


async def test_the_skip_in_the_list_sends_a_waiting_student_to_the_end(
    user: User, demo: DemoWorld
) -> None:
    queue_id = await _open_console(user, demo)
    press_in_console_list(user, "skip", "Никита Лебедев")
    after = [name for name in WAITING if name != "Никита Лебедев"] + ["Никита Лебедев"]
    await eventually(lambda: console_names(user) == after, what="Nikita at the end")
    assert [e.display_name for e in (await _snapshot(queue_id)).in_line] == after


async def test_a_change_made_elsewhere_shows_on_the_console_without_reload(
    user: User, demo: DemoWorld
) -> None:
    queue_id = await _open_console(user, demo)
    page = user.client
    await queues.join_queue(queue_id, actor=await account("student9"))
    await eventually(lambda: console_names(user)[-1:] == ["Иван Волков"], what="the newcomer")
    assert texts(user, "console-waiting") == ["7 waiting"]
    # Another operator (the workspace admin) serves the student at the desk.
    (called,) = [e for e in (await _snapshot(queue_id)).entries if e.status is EntryStatus.CALLED]
    await queues.accept(called.id, actor=await account("leader"))
    await _desk_becomes(user, [])
    assert user.client is page


async def test_a_change_of_the_count_keeps_the_header_and_a_change_of_state_redraws_it(
    user: User, demo: DemoWorld
) -> None:
    """A faculty's consoles redrew their header's badge and six buttons at every change."""
    queue_id = await _open_console(user, demo)
    (settings_button,) = elements(user, marker="open-settings")
    await queues.join_queue(queue_id, actor=await account("student9"))
    await eventually(lambda: texts(user, "console-waiting") == ["7 waiting"], what="the count")
    assert elements(user, marker="open-settings") == [settings_button]

    await queues.set_state(queue_id, QueueState.PAUSED, actor=await account("teacher"))
    await eventually(lambda: texts(user, "console-state") == ["paused"], what="the pause")
    assert settings_button.is_deleted
    assert texts(user, "console-waiting") == ["7 waiting"]
    await user.should_see(marker="state-open")  # "Resume"


async def test_a_change_of_those_waiting_draws_nothing_on_the_server(
    user: User, demo: DemoWorld
) -> None:
    """The browser draws the waiting (a faculty's consoles drawn by the server held about 280
    elements each for a queue of 30): joins, skips and renames change no element here, and
    the list is given every version."""
    queue_id = await _open_console(user, demo)
    page = user.client
    assert page is not None
    drawn = set(page.elements)
    teacher = await account("teacher")
    await queues.join_queue(queue_id, actor=await account("student9"))
    nikita = next(
        e for e in (await _snapshot(queue_id)).in_line if e.display_name == "Никита Лебедев"
    )
    await queues.skip(nikita.id, actor=teacher)
    elena = await account("student4")
    await accounts.update_profile(actor=elena, first_name="Елена", last_name="Попова-Смирнова")
    await _console_shows_the_latest(queue_id)
    in_line = (await _snapshot(queue_id)).in_line
    await eventually(
        lambda: console_names(user) == [e.display_name for e in in_line], what="the last change"
    )
    assert "Елена Попова-Смирнова" in console_names(user)
    assert console_names(user)[-2:] == ["Иван Волков", "Никита Лебедев"]
    assert set(page.elements) == drawn
    assert console_list(user).snapshot.version == (await _snapshot(queue_id)).version


async def test_a_teacher_taken_off_the_subject_loses_the_open_console_at_once(
    user: User, demo: DemoWorld
) -> None:
    await _open_console(user, demo)
    teacher = await account("teacher")
    await subjects.unassign_teacher(demo.open_subject.id, teacher.id, actor=await account("leader"))
    await user.should_see(marker="refusal", retries=PATIENCE)
    assert elements(user, marker="call-next") == []


async def test_call_next_with_nobody_waiting_says_so(user: User, demo: DemoWorld) -> None:
    queue_id = demo.paused_subject.queue_id
    await queues.clear_queue(queue_id, actor=await account("teacher"))
    await queues.set_state(queue_id, QueueState.OPEN, actor=await account("teacher"))
    await sign_in(user, "teacher", path=f"/queues/{queue_id}/console")
    await user.should_see(marker="console-list")
    assert console_names(user) == []
    user.find(marker="call-next").click()
    await wait_for_notice(user, "Nobody is waiting to be called.")


# --- the keyboard -------------------------------------------------------------------------------


async def test_key_n_calls_next_and_a_accepts_the_student_called_last_but_not_with_ctrl(
    user: User, demo: DemoWorld
) -> None:
    subject = demo.open_subject
    queue_id = await _open_console(user, demo)
    press_key(user, "n", ctrl=True)  # Ctrl+N: a new browser window, not "call next"
    press_key(user, "a", meta=True)
    press_key(user, "n")
    await _desk_becomes(user, ["Алексей Иванов", "Мария Кузнецова"])
    press_key(user, "a")
    await _desk_becomes(user, ["Алексей Иванов"])
    student = await account("student2")
    assert subject.task_ids[0] in await submissions.handed_in_task_ids(subject.id, actor=student)
    # One call and one acceptance: the keys pressed with Ctrl or Meta did nothing.
    snapshot = await _snapshot(queue_id)
    assert [e.display_name for e in snapshot.entries] == ["Алексей Иванов", *WAITING[1:]]
    assert [e.status for e in snapshot.entries].count(EntryStatus.CALLED) == 1


async def test_keys_r_and_s_return_and_skip_the_student_at_the_desk(
    user: User, demo: DemoWorld
) -> None:
    queue_id = await _open_console(user, demo)
    press_key(user, "s")
    await _desk_becomes(user, [])
    assert console_names(user)[-1] == "Алексей Иванов"
    press_key(user, "N")  # with Shift (or Caps Lock) too
    await _desk_becomes(user, ["Мария Кузнецова"])
    press_key(user, "r")
    await _desk_becomes(user, [])
    assert (await _snapshot(queue_id)).entry_of(demo.users["student2"]) is None


async def test_key_a_accepts_the_student_this_teacher_called_not_another_operators(
    user: User, demo: DemoWorld
) -> None:
    subject = demo.open_subject
    await _open_console(user, demo)
    press_key(user, "n")  # the teacher calls student2
    await _desk_becomes(user, ["Алексей Иванов", "Мария Кузнецова"])
    await queues.call_next(subject.queue_id, actor=await account("leader"))  # student4
    await _desk_becomes(user, ["Алексей Иванов", "Мария Кузнецова", "Елена Попова"])
    press_key(user, "a")
    await eventually(lambda: len(desk_names(user)) == 2, what="one student accepted")
    assert desk_names(user) == ["Алексей Иванов", "Елена Попова"]


# --- the queue's state, clearing ----------------------------------------------------------------


async def test_pause_resume_close_and_open(user: User, demo: DemoWorld) -> None:
    queue_id = await _open_console(user, demo)

    async def state_becomes(state: QueueState) -> None:
        await eventually(
            lambda: _state_shown(user) == state.value, what=f"the console to show {state}"
        )
        assert (await _snapshot(queue_id)).state is state

    await user.should_not_see(marker="state-open", retries=1)  # an open queue offers no "open"
    user.find(marker="state-paused").click()
    await state_becomes(QueueState.PAUSED)
    await user.should_not_see(marker="state-paused", retries=1)
    user.find(marker="call-next").click()  # a paused queue calls nobody
    await wait_for_notice(user, "The queue is paused: resume it to call the next student.")
    assert desk_names(user) == ["Алексей Иванов"]
    user.find(marker="state-open").click()  # resume
    await state_becomes(QueueState.OPEN)
    user.find(marker="state-closed").click()
    await state_becomes(QueueState.CLOSED)
    await user.should_not_see(marker="state-paused", retries=1)
    await user.should_not_see(marker="state-closed", retries=1)
    user.find(marker="state-open").click()
    await state_becomes(QueueState.OPEN)


async def test_clearing_asks_first_and_then_removes_everybody(user: User, demo: DemoWorld) -> None:
    queue_id = await _open_console(user, demo)
    user.find(marker="clear").click()
    await user.should_see(marker="confirm-clear", retries=PATIENCE)
    (dialog,) = elements(user, ui.dialog)
    assert dialog.value is True
    assert len((await _snapshot(queue_id)).entries) == 7  # nothing happens before confirming
    user.find(marker="confirm-clear").click()
    await eventually(lambda: console_names(user) == [], what="everybody gone")
    assert desk_names(user) == []
    assert console_names(user) == []
    assert texts(user, "console-waiting") == ["0 waiting"]
    assert (await _snapshot(queue_id)).entries == ()


async def test_cancelling_the_clear_dialog_keeps_everybody(user: User, demo: DemoWorld) -> None:
    queue_id = await _open_console(user, demo)
    user.find(marker="clear").click()
    await user.should_see(marker="confirm-clear", retries=PATIENCE)
    (dialog,) = elements(user, ui.dialog)
    user.find(kind=ui.button, content="Cancel").click()
    await eventually(lambda: dialog.value is False, what="the dialog to close")
    assert len((await _snapshot(queue_id)).entries) == 7
    assert console_names(user) == WAITING


# --- settings -----------------------------------------------------------------------------------


async def test_the_settings_dialog_saves_freezing_size_and_schedule(
    user: User, demo: DemoWorld
) -> None:
    queue_id = await _open_console(user, demo)
    await _open_settings(user)
    user.find(marker="setting-freeze").click()  # on in the demo: now off
    user.find(marker="setting-max-size").clear().type("25")
    user.find(marker="setting-opens").clear().type("2031-09-01T09:00")
    user.find(marker="setting-closes").clear().type("2031-09-01T12:30")
    user.find(marker="save-settings").click()
    await wait_for_notice(user, "Saved.")
    snapshot = await _snapshot(queue_id)
    assert snapshot.members_can_freeze is False
    assert snapshot.max_size == 25
    assert to_input(snapshot.opens_at) == "2031-09-01T09:00"
    assert to_input(snapshot.closes_at) == "2031-09-01T12:30"
    assert snapshot.state is QueueState.OPEN  # a schedule in the future changes nothing yet
    # The console shows the new version; opened again, the dialog shows what was saved.
    await _console_shows_the_latest(queue_id)
    await _open_settings(user)
    assert _value(user, "setting-freeze") is False
    assert _value(user, "setting-max-size") == 25
    assert _value(user, "setting-opens") == "2031-09-01T09:00"
    assert _value(user, "setting-closes") == "2031-09-01T12:30"


async def test_board_names_are_saved_even_when_the_console_redraws_first(
    user: User, demo: DemoWorld, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    subject = demo.open_subject
    await _open_console(user, demo)
    await _open_settings(user)
    real_update = queues.update_settings

    async def update_then_redraw(queue_id: int, **kwargs: Any) -> None:
        await real_update(queue_id, **kwargs)
        # The console receives its new snapshot before the dialog's code goes on.
        await _console_shows_the_latest(queue_id)

    monkeypatch.setattr(queues, "update_settings", update_then_redraw)
    (names,) = elements(user, ui.select, marker="setting-names")
    with user:
        names.set_value("short")
    user.find(marker="save-settings").click()
    try:
        await wait_for_notice(user, "Saved.", patience=30)
    finally:
        errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
        caplog.clear()  # reported by this test (the fixture would report them as an error)
    assert not errors
    info = await boards.board_for_operator(subject.queue_id, actor=await account("teacher"))
    assert (info.subject_setting, info.full_names) == (False, False)


@pytest.mark.parametrize(
    ("opener", "inside"), [("open-settings", "save-settings"), ("clear", "confirm-clear")]
)
async def test_an_open_dialog_survives_a_change_of_the_queue(
    user: User, demo: DemoWorld, opener: str, inside: str
) -> None:
    queue_id = await _open_console(user, demo)
    user.find(marker=opener).click()
    await eventually(lambda: any(d.value for d in elements(user, ui.dialog)), what="the dialog")
    (dialog,) = [d for d in elements(user, ui.dialog) if d.value]
    await queues.join_queue(queue_id, actor=await account("student9"))
    await eventually(lambda: "Иван Волков" in console_names(user), what="the newcomer")
    assert not dialog.is_deleted
    assert dialog.value is True
    await user.should_see(marker=inside, retries=1)


async def test_a_schedule_that_closes_before_it_opens_is_refused_with_a_notice(
    user: User, demo: DemoWorld
) -> None:
    queue_id = await _open_console(user, demo)
    before = await _snapshot(queue_id)
    await _open_settings(user)
    user.find(marker="setting-max-size").clear().type("25")
    user.find(marker="setting-opens").clear().type("2031-09-01T12:00")
    user.find(marker="setting-closes").clear().type("2031-09-01T09:00")
    user.find(marker="save-settings").click()
    await wait_for_notice(user, "The queue must close after it opens.")
    assert not any("Saved." in message for message in user.notify.messages)
    (dialog,) = elements(user, ui.dialog)
    assert dialog.value is True  # still open, so the times can be corrected
    after = await _snapshot(queue_id)
    assert (after.version, after.max_size, after.opens_at, after.closes_at) == (
        before.version,
        None,
        None,
        None,
    )


# --- helpers ------------------------------------------------------------------------------------


def _shortcuts(user: User) -> list[tuple[object, ...]]:
    """Per desk card, the keys its Accept, Return and Skip buttons announce."""
    per_button = [
        [b.props.get("aria-keyshortcuts") for b in elements(user, ui.button, marker=marker)]
        for marker in ("accept", "return", "skip")
    ]
    return list(zip(*per_button, strict=True))


def _state_shown(user: User) -> str:
    """The state the console's badge shows ("" while it is being redrawn)."""
    found = elements(user, ui.badge, marker="console-state")
    return found[0].text if len(found) == 1 else ""


async def _open_settings(user: User) -> None:
    for dialog in elements(user, ui.dialog):  # a dialog left over from before is not this one
        assert dialog.value is False
    user.find(marker="open-settings").click()
    await eventually(
        lambda: any(d.value for d in elements(user, ui.dialog)), what="the settings dialog"
    )


async def _open_dialog(user: User) -> ui.dialog:
    """The one dialog open on the console, once it is open."""
    await eventually(lambda: any(d.value for d in elements(user, ui.dialog)), what="a dialog")
    (dialog,) = [d for d in elements(user, ui.dialog) if d.value]
    return dialog


def _value(user: User, marker: str) -> object:
    (element,) = [
        e
        for e in elements(user, marker=marker)
        if any(isinstance(a, ui.dialog) and a.value for a in e.ancestors())
    ]
    return element.value  # type: ignore[attr-defined]

"""The console and the settings of a fair queue (issue 18): the teacher switches "join only from
the classroom" and the fair start on, sees the code and the pending draw, and lets a student
whose phone is dead in by hand."""

from __future__ import annotations

from nicegui import ui
from nicegui.testing.user import User

from equeue_ui.services import presence, queues
from equeue_ui.services.views import QueueSnapshot, QueueState
from tests.ui.helpers import (
    DemoWorld,
    account,
    console_list,
    elements,
    eventually,
    sign_in,
    texts,
    wait_for_notice,
)


async def _open_console(user: User, queue_id: int) -> None:
    await sign_in(user, "teacher", path=f"/queues/{queue_id}/console")
    await user.should_see(marker="call-next")


async def _snapshot(queue_id: int) -> QueueSnapshot:
    return await queues.get_snapshot(queue_id, actor=await account("leader"))


async def _open_dialog(user: User, marker: str) -> None:
    user.find(marker=marker).click()
    await eventually(lambda: any(d.value for d in elements(user, ui.dialog)), what="the dialog")


async def test_the_settings_switch_the_code_and_the_fair_start_and_the_console_shows_the_code(
    user: User, demo: DemoWorld
) -> None:
    queue_id = demo.open_subject.queue_id
    await _open_console(user, queue_id)
    await _open_dialog(user, "open-settings")
    user.find(marker="setting-presence").click()
    user.find(marker="setting-code-minutes").clear().type("5")
    user.find(marker="setting-fair-start").clear().type("45")
    user.find(marker="save-settings").click()
    await wait_for_notice(user, "Saved.")
    snapshot = await _snapshot(queue_id)
    assert snapshot.presence_required
    assert (snapshot.presence_window_seconds, snapshot.fair_start_seconds) == (300, 45)

    shown = await presence.code_for_operator(queue_id, actor=await account("teacher"))
    assert shown is not None
    await eventually(
        lambda: texts(user, "console-presence-code") == [f"Code to join: {shown.code}"],
        what="the code on the console",
    )


async def test_a_fair_start_out_of_range_is_refused_with_its_reason(
    user: User, demo: DemoWorld
) -> None:
    queue_id = demo.open_subject.queue_id
    await _open_console(user, queue_id)
    await _open_dialog(user, "open-settings")
    user.find(marker="setting-fair-start").clear().type("9999")
    user.find(marker="save-settings").click()
    await wait_for_notice(user, "The fair start lasts 0 to 600 seconds (0: none).")
    assert (await _snapshot(queue_id)).fair_start_seconds == 0


async def test_the_teacher_lets_a_student_in_without_a_code(user: User, demo: DemoWorld) -> None:
    queue_id = demo.closed_subject.queue_id  # asks for the code (the demo)
    leader = await account("leader")
    await queues.set_state(queue_id, QueueState.OPEN, actor=leader)
    await sign_in(user, "leader", path=f"/queues/{queue_id}/console")
    await user.should_see(marker="call-next")
    await _open_dialog(user, "open-let-in")
    (choice,) = elements(user, ui.select, marker="let-in-student")
    with user:
        choice.set_value(demo.users["student5"])
    user.find(marker="let-in").click()

    async def let_in() -> bool:
        return bool((await _snapshot(queue_id)).entries)

    await eventually(let_in, what="the student in the queue")
    snapshot = await _snapshot(queue_id)
    (entry,) = snapshot.entries
    assert entry.user_id == demo.users["student5"] and not entry.joined_with_code


async def test_the_console_says_when_the_fair_start_is_drawn(user: User, demo: DemoWorld) -> None:
    queue_id = demo.closed_subject.queue_id
    leader = await account("leader")
    await queues.update_settings(
        queue_id, actor=leader, members_can_freeze=True, max_size=None, fair_start_seconds=600
    )
    await queues.set_state(queue_id, QueueState.OPEN, actor=leader)
    await sign_in(user, "leader", path=f"/queues/{queue_id}/console")
    await user.should_see(marker="console-draw-note")
    [note] = texts(user, "console-draw-note")
    assert note.startswith("Fair start: the order is drawn at ")
    await queues.let_in(queue_id, actor=leader, user_id=demo.users["student5"])
    # In the draw, so no number until it is made (the browser's list shows "–" for the place).
    await eventually(
        lambda: [e.in_draw for e in console_list(user).snapshot.in_line] == [True],
        what="the student let in, in the draw",
    )
    user.find(marker="call-next").click()
    await wait_for_notice(user, "The fair start's draw has not been made yet: call after it.")

""" "Your turn": the banner on every open page of the called student, the heads-up when next,
and the button that asks for browser notifications."""

from __future__ import annotations

import re
from collections.abc import Callable

from nicegui.testing.user import User

from equeue_ui.services import queues
from tests.ui.helpers import (
    PATIENCE,
    DemoWorld,
    account,
    desk_names,
    entry_names,
    eventually,
    queue_snapshot_when,
    settle,
    sign_in,
    turn_banner_shown,
    wait_for_notice,
)

HEADS_UP = "You are next"


async def _banner_comes(page: User) -> None:
    await eventually(lambda: turn_banner_shown(page), what="the turn banner")


async def test_the_called_student_sees_the_banner_on_every_open_page(
    user: User, another_user: Callable[[], User], demo: DemoWorld
) -> None:
    subject = demo.open_subject
    on_queue, on_workspace, other_student = another_user(), another_user(), another_user()
    await sign_in(on_queue, "student2", path=f"/queues/{subject.queue_id}")
    await sign_in(on_workspace, "student2", path=f"/workspaces/{demo.workspace_id}")
    await sign_in(other_student, "student4", path=f"/queues/{subject.queue_id}")
    await sign_in(user, "teacher", path=f"/queues/{subject.queue_id}/console")
    pages = (on_queue, on_workspace, other_student)
    assert not any(turn_banner_shown(page) for page in pages)
    user.find(marker="call-next").click()
    await eventually(lambda: "Мария Кузнецова" in desk_names(user), what="the call")
    for page in (on_queue, on_workspace):
        await _banner_comes(page)
        await page.should_see(f"It is your turn! Go to the teacher: {subject.name}")
    await on_queue.should_see(marker="your-turn")
    # Sound, title and notification get the words as the player's data, not as script text.
    (player,) = on_queue.find(marker="turn-alerts").elements
    alert = player.props["alert"]
    assert (alert["title"], alert["body"], alert["strong"]) == (
        "It is your turn!",
        f"Go to the teacher: {subject.name}",
        True,
    )
    assert not turn_banner_shown(other_student)
    # A tap on the banner puts it away.
    on_workspace.find(marker="turn-banner").click()
    assert not turn_banner_shown(on_workspace)


async def test_the_student_who_becomes_next_gets_a_heads_up_once(
    user: User, demo: DemoWorld
) -> None:
    queue_id = demo.open_subject.queue_id
    teacher = await account("teacher")
    # student4: student1 is at the desk, student2 waits ahead, student3 froze their place.
    await sign_in(user, "student4", path=f"/queues/{queue_id}")
    await user.should_see(marker="my-position")
    assert not any(HEADS_UP in message for message in user.notify.messages)
    await queues.call_next(queue_id, actor=teacher)  # student2 goes to the desk
    await wait_for_notice(user, f"{HEADS_UP}. Get ready: {demo.open_subject.name}")
    assert not turn_banner_shown(user)  # not called yet
    # Later changes that leave me next do not repeat it.
    await queues.join_queue(queue_id, actor=await account("student9"))
    await queue_snapshot_when(
        user, lambda s: "Иван Волков" in entry_names(s), what="the newcomer on the list"
    )
    seen = len(user.notify.messages)
    await queues.call_next(queue_id, actor=teacher)  # now me: the banner, no heads-up
    await _banner_comes(user)
    await settle(user)
    heads_ups = [m for m in user.notify.messages if HEADS_UP in m]
    assert len(heads_ups) == 1, user.notify.messages
    assert len(user.notify.messages) == seen


async def test_a_student_who_is_next_when_opening_the_queue_is_told_at_once(
    user: User, demo: DemoWorld
) -> None:
    await sign_in(user, "student2", path=f"/queues/{demo.open_subject.queue_id}")
    await wait_for_notice(user, HEADS_UP)


async def test_the_student_turns_on_browser_notifications(user: User, demo: DemoWorld) -> None:
    await sign_in(user, "student5", path=f"/queues/{demo.open_subject.queue_id}")
    answer = "denied"
    user.javascript_rules[re.compile(r'.*runMethod\(\d+, "askNotifications"')] = lambda _: answer
    user.find(marker="enable-notifications").click()
    await wait_for_notice(user, "The browser blocks notifications for this site.")
    await user.should_see(marker="enable-notifications")  # to try again once unblocked
    answer = "granted"
    user.find(marker="enable-notifications").click()
    await wait_for_notice(user, "Notifications are on: you will be told when it is your turn.")
    await user.should_not_see(marker="enable-notifications", retries=PATIENCE)

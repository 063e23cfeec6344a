""" "Your turn": the banner on every open page of the called student until they answer it, raised
again on every page load while unanswered, taken down with words when the teacher decides; the
heads-up when next; the button that asks for browser notifications (issue 14, points 2–4)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from functools import partial

import pytest
from nicegui.testing.user import User

from equeue_ui.services import queues, submissions
from equeue_ui.services.views import UserView
from tests.ui.helpers import (
    PATIENCE,
    DemoWorld,
    account,
    desk_names,
    elements,
    eventually,
    queue_snapshot_when,
    settle,
    sign_in,
    texts,
    turn_banner_shown,
    wait_for_notice,
)

HEADS_UP = "You are next. Get ready: {subject}"


def shown(page: User, marker: str) -> bool:
    """Whether the page shows the part with ``marker`` (it and its holders visible)."""
    return bool(elements(page, marker=marker))


def ringing(page: User) -> bool:
    """Whether the page's alert player keeps the 🔔 title and the notification up."""
    players = elements(page, marker="turn-alerts")
    return bool(players) and players[0].props.get("ringing") is True


async def _banner_comes(page: User) -> None:
    await eventually(lambda: turn_banner_shown(page), what="the turn banner")


async def _banner_goes(page: User) -> None:
    await eventually(lambda: not turn_banner_shown(page), what="no turn banner")


async def test_the_called_student_sees_the_banner_on_every_open_page_until_answering(
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
        assert ringing(page)
    await on_queue.should_see(marker="your-turn")
    # Sound, title and notification get the words as the player's data, not as script text.
    (player,) = on_queue.find(marker="turn-alerts").elements
    alert = player.props["alert"]
    assert (alert["title"], alert["body"], alert["strong"]) == (
        "It is your turn!",
        f"Go to the teacher: {subject.name}",
        True,
    )
    (banner,) = on_queue.find(marker="turn-banner").elements
    assert (banner.props["role"], banner.props["aria-live"]) == ("alert", "assertive")
    assert not turn_banner_shown(other_student)
    # A tap on the banner no longer puts it away without telling anyone.
    on_workspace.find(marker="turn-banner").click()
    await settle(on_workspace)
    assert turn_banner_shown(on_workspace)
    # "OK, I'm going" on one device takes it down on every device, and is kept.
    on_workspace.find(marker="acknowledge-call").click()
    await _banner_goes(on_workspace)
    await _banner_goes(on_queue)
    assert not ringing(on_queue) and not ringing(on_workspace)
    assert await queues.pending_calls(actor=await account("student2")) == ()
    await on_queue.should_see(marker="your-turn")  # still at the desk: the card says so


async def test_a_call_nobody_answered_is_raised_on_every_page_load_until_answered(
    user: User, another_user: Callable[[], User], demo: DemoWorld
) -> None:
    """A phone that was offline or reloaded while its owner was called alerts when it loads."""
    subject = demo.open_subject
    teacher = await account("teacher")
    await queues.call_next(subject.queue_id, actor=teacher)  # student2, no page of theirs open
    await sign_in(user, "student2", path=f"/workspaces/{demo.workspace_id}")
    await _banner_comes(user)
    await user.should_see(f"It is your turn! Go to the teacher: {subject.name}")
    assert ringing(user)
    await user.open(f"/subjects/{subject.id}")  # another page: again
    await _banner_comes(user)
    assert ringing(user)
    second = another_user()
    await sign_in(second, "student2", path="/")  # another device: there too
    await _banner_comes(second)
    second.find(marker="acknowledge-call").click()
    await _banner_goes(user)
    await user.open(f"/workspaces/{demo.workspace_id}")  # answered: loads are quiet again
    await settle(user)
    assert not turn_banner_shown(user)
    assert elements(user, marker="turn-alerts") == []  # no player made at all


OUTCOMES: dict[str, tuple[Callable[[int, UserView], Awaitable[object]], str]] = {
    "accepted": (
        lambda entry, teacher: queues.accept(entry, actor=teacher),
        "Your work was accepted: {task}",
    ),
    "returned": (
        lambda entry, teacher: queues.return_entry(entry, actor=teacher),
        "The teacher returned your work for fixing.",
    ),
    "skipped": (
        lambda entry, teacher: queues.skip(entry, actor=teacher),
        "You were not there: the teacher moved you to the end of the queue.",
    ),
    "removed": (
        lambda entry, teacher: queues.remove_entry(entry, actor=teacher),
        "The teacher took you out of the queue.",
    ),
}


@pytest.mark.parametrize("outcome", list(OUTCOMES))
async def test_the_teachers_decision_takes_the_banner_down_and_says_what_happened(
    user: User, another_user: Callable[[], User], demo: DemoWorld, outcome: str
) -> None:
    subject = demo.open_subject
    teacher = await account("teacher")
    elsewhere = another_user()
    await sign_in(user, "student2", path=f"/queues/{subject.queue_id}")
    await sign_in(elsewhere, "student2", path=f"/workspaces/{demo.workspace_id}")
    entry = await queues.call_next(subject.queue_id, actor=teacher)
    assert entry is not None
    await _banner_comes(user)
    await _banner_comes(elsewhere)
    act, words = OUTCOMES[outcome]
    await act(entry, teacher)
    task = subject.task_names[1]  # student2 hands in the demo's second task
    for page in (user, elsewhere):
        await _banner_goes(page)
        await eventually(partial(shown, page, "turn-outcome"), what="the outcome")
        assert texts(page, "turn-outcome-text") == [words.format(task=task)]
        assert not ringing(page)
    (notice,) = user.find(marker="turn-outcome").elements
    assert (notice.props["role"], notice.props["aria-live"]) == ("status", "polite")
    user.find(marker="turn-outcome-close").click()
    await eventually(lambda: not shown(user, "turn-outcome"), what="the notice closed")


async def test_leaving_oneself_takes_the_banner_down_everywhere_without_a_notice(
    user: User, another_user: Callable[[], User], demo: DemoWorld
) -> None:
    subject = demo.open_subject
    elsewhere = another_user()
    await sign_in(user, "student2", path=f"/queues/{subject.queue_id}")
    await sign_in(elsewhere, "student2", path=f"/workspaces/{demo.workspace_id}")
    await queues.call_next(subject.queue_id, actor=await account("teacher"))
    await _banner_comes(elsewhere)
    user.find(marker="leave").click()
    await _banner_goes(elsewhere)
    await _banner_goes(user)
    assert not shown(elsewhere, "turn-outcome")


async def test_the_student_who_becomes_next_gets_a_heads_up_that_the_call_replaces(
    user: User, demo: DemoWorld
) -> None:
    queue_id = demo.open_subject.queue_id
    teacher = await account("teacher")
    # student4: student1 is at the desk, student2 waits ahead, student3 froze their place.
    await sign_in(user, "student4", path=f"/queues/{queue_id}")
    await user.should_see(marker="my-position")
    assert not shown(user, "heads-up")
    await queues.call_next(queue_id, actor=teacher)  # student2 goes to the desk
    heads_up = HEADS_UP.format(subject=demo.open_subject.name)
    await eventually(lambda: texts(user, "heads-up-text") == [heads_up], what="the heads-up")
    (notice,) = user.find(marker="heads-up").elements
    assert (notice.props["role"], notice.props["aria-live"]) == ("status", "polite")
    assert texts(user, "queue-status") == ["You are next"]  # read out politely too
    assert not turn_banner_shown(user)  # not called yet
    (player,) = user.find(marker="turn-alerts").elements
    assert player.props["alert"]["strong"] is False and not ringing(user)
    # Later changes that leave me next do not repeat it.
    await queues.join_queue(queue_id, actor=await account("student9"))
    await queue_snapshot_when(user, lambda s: len(s.entries) == 8, what="the newcomer")
    played = player.props["alert"]["n"]
    await queues.call_next(queue_id, actor=teacher)  # now me: the banner replaces the heads-up
    await _banner_comes(user)
    assert not shown(user, "heads-up")
    assert player.props["alert"]["n"] == played + 1 and player.props["alert"]["strong"]


async def test_a_student_who_is_next_when_opening_the_queue_is_told_at_once(
    user: User, demo: DemoWorld
) -> None:
    await sign_in(user, "student2", path=f"/queues/{demo.open_subject.queue_id}")
    await eventually(lambda: shown(user, "heads-up"), what="the heads-up")


async def test_the_place_is_read_out_politely_as_it_changes(user: User, demo: DemoWorld) -> None:
    queue_id = demo.open_subject.queue_id
    await sign_in(user, "student5", path=f"/queues/{queue_id}")
    (status,) = user.find(marker="queue-status").elements
    assert (status.props["role"], status.props["aria-live"]) == ("status", "polite")
    await eventually(
        lambda: texts(user, "queue-status") == ["In the queue: place 5, 2 ahead of you."],
        what="the place read out",
    )
    await queues.leave_queue(queue_id, actor=await account("student2"))
    await eventually(
        lambda: texts(user, "queue-status") == ["In the queue: place 4, 1 ahead of you."],
        what="the new place read out",
    )


async def test_the_student_turns_on_browser_notifications(user: User, demo: DemoWorld) -> None:
    await sign_in(user, "student5", path=f"/queues/{demo.open_subject.queue_id}")
    answer = "denied"
    user.javascript_rules[re.compile(r'.*runMethod\(\d+, "askNotifications"')] = lambda _: answer
    # A browser without a push service: the open page still rings (tests/ui/test_push_device.py)
    user.javascript_rules[re.compile(r'.*runMethod\(\d+, "subscribePush"')] = lambda _: None
    user.find(marker="enable-notifications").click()
    await wait_for_notice(user, "The browser blocks notifications for this site.")
    await user.should_see(marker="enable-notifications")  # to try again once unblocked
    answer = "granted"
    user.find(marker="enable-notifications").click()
    await wait_for_notice(user, "Notifications are on: you will be told when it is your turn.")
    await user.should_not_see(marker="enable-notifications", retries=PATIENCE)


async def test_notifications_are_not_offered_to_a_student_already_called(
    user: User, demo: DemoWorld
) -> None:
    queue_id = demo.open_subject.queue_id
    await sign_in(user, "student2", path=f"/queues/{queue_id}")
    await user.should_see(marker="enable-notifications")
    await queues.call_next(queue_id, actor=await account("teacher"))
    await user.should_see(marker="your-turn", retries=PATIENCE)
    await user.should_not_see(marker="enable-notifications")


async def test_the_heads_up_is_not_repeated_when_the_page_redraws_while_still_next(
    user: User, demo: DemoWorld
) -> None:
    subject = demo.open_subject
    student = await account("student2")  # next in the demo
    await sign_in(user, "student2", path=f"/queues/{subject.queue_id}")
    await eventually(lambda: shown(user, "heads-up"), what="the heads-up")
    (player,) = user.find(marker="turn-alerts").elements
    played = player.props["alert"]["n"]
    # A hand-in marked elsewhere redraws my part; then the queue changes, and I am still next.
    await submissions.mark_handed_in(subject.task_ids[4], actor=student)
    await settle(user)
    await queues.join_queue(subject.queue_id, actor=await account("student9"))
    await queue_snapshot_when(user, lambda s: len(s.entries) == 8, what="the newcomer")
    await settle(user)
    assert player.props["alert"]["n"] == played

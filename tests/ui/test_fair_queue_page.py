"""The queue page of a fair queue (issue 18): the board's QR link brings the presence code, one
tap on "Join" joins with it; a join during the fair start says when the order is drawn."""

from __future__ import annotations

from nicegui import ui
from nicegui.testing.user import User

from equeue_ui.services import presence, queues
from equeue_ui.services.views import QueueState
from tests.ui.helpers import (
    PATIENCE,
    DemoWorld,
    account,
    elements,
    join_offered,
    press_join,
    queue_snapshot_when,
    sign_in,
    texts,
    turn_banner_shown,
    wait_for_notice,
)


async def classroom_code(queue_id: int) -> str:
    leader = await account("leader")
    await queues.update_settings(
        queue_id, actor=leader, members_can_freeze=True, max_size=None, presence_required=True
    )
    shown = await presence.code_for_operator(queue_id, actor=leader)
    assert shown is not None
    return shown.code


async def test_the_boards_qr_link_fills_in_the_code_and_join_uses_it(
    user: User, demo: DemoWorld
) -> None:
    queue_id = demo.open_subject.queue_id
    code = await classroom_code(queue_id)
    await sign_in(user, "student8", path=f"/queues/{queue_id}?code={code}")
    await user.should_see(marker="presence-code")
    (field,) = elements(user, ui.input, marker="presence-code")
    assert field.value == code
    await join_offered(user)
    press_join(user)
    await user.should_see(marker="my-position", retries=PATIENCE)
    snapshot = await queues.get_snapshot(queue_id, actor=await account("student8"))
    mine = snapshot.entry_of(demo.users["student8"])
    assert mine is not None and mine.joined_with_code


async def test_joining_without_the_code_says_what_is_missing(user: User, demo: DemoWorld) -> None:
    queue_id = demo.open_subject.queue_id
    await classroom_code(queue_id)
    await sign_in(user, "student8", path=f"/queues/{queue_id}")
    await join_offered(user)
    press_join(user)
    await wait_for_notice(user, "This queue is joined with the code shown in the classroom.")
    await user.should_not_see(marker="my-position")


async def test_a_join_in_the_fair_start_says_when_the_order_is_drawn(
    user: User, demo: DemoWorld
) -> None:
    queue_id = demo.closed_subject.queue_id
    leader = await account("leader")
    await queues.update_settings(
        queue_id, actor=leader, members_can_freeze=True, max_size=None, fair_start_seconds=600
    )
    await queues.set_state(queue_id, QueueState.OPEN, actor=leader)
    code = await classroom_code(queue_id)  # the demo's closed queue asks for the code
    await sign_in(user, "student5", path=f"/queues/{queue_id}?code={code}")
    await join_offered(user)
    press_join(user)
    await user.should_see(marker="order-drawn-at", retries=PATIENCE)
    [text] = texts(user, "order-drawn-at")
    assert "the order is drawn at" in text or "порядок" in text
    await queue_snapshot_when(
        user, lambda s: bool(s.entries) and s.entries[0].in_draw, what="in draw"
    )


async def test_a_place_in_the_draw_is_not_told_it_is_next(user: User, demo: DemoWorld) -> None:
    queue_id = demo.closed_subject.queue_id
    leader = await account("leader")
    await queues.update_settings(
        queue_id, actor=leader, members_can_freeze=True, max_size=None, fair_start_seconds=600
    )
    await queues.set_state(queue_id, QueueState.OPEN, actor=leader)
    code = await classroom_code(queue_id)
    await sign_in(user, "student5", path=f"/queues/{queue_id}?code={code}")
    await join_offered(user)
    press_join(user)
    await user.should_see(marker="order-drawn-at", retries=PATIENCE)
    assert not turn_banner_shown(user)
    assert texts(user, "queue-status") == [texts(user, "order-drawn-at")[0]]
    await user.should_not_see("You are next", retries=1)

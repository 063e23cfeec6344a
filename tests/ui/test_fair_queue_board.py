"""The board of a queue joined only from the classroom (issue 18): it shows the presence code,
its QR code's link carries it (scanning joins with it), and a new code comes as the window
turns, from the server."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from nicegui.testing.user import User

from db.types import utcnow
from equeue_ui.services import boards, presence, queues
from tests.ui.helpers import (
    PATIENCE,
    DemoWorld,
    account,
    board_view,
    eventually,
    join_offered,
    press_join,
    sign_in,
)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


async def classroom(queue_id: int) -> None:
    await queues.update_settings(
        queue_id,
        actor=await account("leader"),
        members_can_freeze=True,
        max_size=None,
        presence_required=True,
        presence_window_seconds=60,
    )


async def test_the_board_shows_the_code_and_its_qr_link_joins_with_it(
    user: User, demo: DemoWorld
) -> None:
    queue_id = demo.open_subject.queue_id
    await classroom(queue_id)
    made = await boards.create_display_link(queue_id, actor=await account("teacher"))
    await user.open(f"/board/{made.token}")  # the classroom's projector: nobody signed in
    await user.should_see(marker="board")
    view = board_view(user)
    shown = await presence.code_for_operator(queue_id, actor=await account("teacher"))
    assert shown is not None and view.props["code"] == shown.code
    link = urlsplit(view.props["join-link"])
    assert link.path == f"/q/{queue_id}" and parse_qs(link.query) == {"code": [shown.code]}
    assert "code" not in view.props["initial"]  # the snapshot every reader gets carries none

    await sign_in(user, "student8", path=f"{link.path}?{link.query}")
    await join_offered(user)
    press_join(user)
    await user.should_see(marker="my-position", retries=PATIENCE)
    snapshot = await queues.get_snapshot(queue_id, actor=await account("student8"))
    mine = snapshot.entry_of(demo.users["student8"])
    assert mine is not None and mine.joined_with_code


async def test_the_boards_code_changes_when_its_window_turns(
    user: User, demo: DemoWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    queue_id = demo.open_subject.queue_id
    await classroom(queue_id)
    # The code's time runs behind, so the board finds each code due for renewal at once.
    clock = Clock(utcnow() - timedelta(hours=1))
    monkeypatch.setattr(presence, "utcnow", clock)
    await sign_in(user, "teacher")
    await user.open(f"/queues/{queue_id}/board")
    await user.should_see(marker="board")
    first = board_view(user).props["code"]
    clock.now += timedelta(seconds=60)
    expected = presence.current(
        await _secret(queue_id), 60, clock.now
    ).code  # what the server makes now
    await eventually(lambda: board_view(user).props["code"] == expected, what="the next code")
    assert expected != first
    assert expected in board_view(user).props["join-link"]


async def test_a_board_without_the_setting_shows_no_code(user: User, demo: DemoWorld) -> None:
    await sign_in(user, "teacher")
    await user.open(f"/queues/{demo.open_subject.queue_id}/board")
    await user.should_see(marker="board")
    assert board_view(user).props["code"] is None
    assert "code" not in board_view(user).props["join-link"]


async def _secret(queue_id: int) -> str:
    # The secret is never handed out by a service: the test reads the stored row.
    from sqlalchemy import select

    from db.models import Queue
    from equeue_ui import runtime

    async with runtime.current().db.read_session() as session:
        secret = await session.scalar(select(Queue.presence_secret).where(Queue.id == queue_id))
    assert secret is not None
    return secret

"""The presence code (issue 18, point 1): a queue joined only from the classroom takes the code
the board shows; it changes every window, the last one still holds for a grace period, wrong
codes are rate-limited per user, and a teacher can let a student in without one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from db.types import utcnow
from equeue_ui.errors import ForbiddenError, InvalidError, NotFoundError, RateLimitedError
from equeue_ui.runtime import Runtime
from equeue_ui.services import boards, exports, presence, queues
from tests.services import queue_world
from tests.services.queue_world import QueueWorld, snapshot

SECRET = "ab" * 32
WINDOW = 180
# The start of a window: window_of(START) * WINDOW seconds since the epoch.
START = datetime.fromtimestamp(9_000_000 * WINDOW, tz=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fixed = Clock()
    monkeypatch.setattr(presence, "utcnow", fixed)
    return fixed


async def classroom_queue(rt: Runtime) -> QueueWorld:
    qw = await queue_world.make_queue_world(rt, students=3)
    await queues.update_settings(
        qw.queue_id,
        actor=qw.teacher,
        members_can_freeze=True,
        max_size=None,
        presence_required=True,
        presence_window_seconds=WINDOW,
    )
    return qw


async def code_now(qw: QueueWorld) -> str:
    shown = await presence.code_for_operator(qw.queue_id, actor=qw.teacher)
    assert shown is not None
    return shown.code


def test_the_code_is_six_digits_and_changes_with_the_window() -> None:
    codes = [presence.code_for(SECRET, presence.window_of(START, WINDOW) + n) for n in range(5)]
    assert all(len(code) == 6 and code.isdigit() for code in codes)
    assert len(set(codes)) == 5
    assert presence.code_for("cd" * 32, 1) != presence.code_for(SECRET, 1)
    shown = presence.current(SECRET, WINDOW, START + timedelta(seconds=10))
    assert shown.code == codes[0] and shown.changes_at == START + timedelta(seconds=WINDOW)


def test_the_last_windows_code_holds_for_the_grace_period_only() -> None:
    old = presence.current(SECRET, WINDOW, START - timedelta(seconds=1)).code
    new = presence.current(SECRET, WINDOW, START).code
    just_after = START + presence.GRACE - timedelta(seconds=1)
    assert presence.accepts(SECRET, WINDOW, old, just_after)
    assert presence.accepts(SECRET, WINDOW, new, just_after)
    assert not presence.accepts(SECRET, WINDOW, old, START + presence.GRACE)
    two_ago = presence.current(SECRET, WINDOW, START - timedelta(seconds=WINDOW + 1)).code
    assert not presence.accepts(SECRET, WINDOW, two_ago, START)
    # What phones add while typing does not matter; a code never shown does.
    assert presence.accepts(SECRET, WINDOW, f" {new[:3]}-{new[3:]} ", START)
    assert not presence.accepts(SECRET, WINDOW, new + "1", START)


async def test_joining_takes_the_current_code_and_the_entry_says_so(rt: Runtime) -> None:
    qw = await classroom_queue(rt)
    a, b, _ = qw.students
    with pytest.raises(InvalidError) as missing:
        await queues.join_queue(qw.queue_id, actor=a)
    assert missing.value.message == presence.CODE_NEEDED
    with pytest.raises(InvalidError) as wrong:
        await queues.join_queue(
            qw.queue_id, actor=a, code="000000" if (await code_now(qw)) != "000000" else "111111"
        )
    assert wrong.value.message == presence.WRONG_CODE

    await queues.join_queue(qw.queue_id, actor=a, code=await code_now(qw))
    await queues.let_in(qw.queue_id, actor=qw.teacher, user_id=b.id)
    entries = (await snapshot(qw)).entries
    assert [(e.user_id, e.joined_with_code) for e in entries] == [(a.id, True), (b.id, False)]
    assert (await snapshot(qw)).presence_required


async def test_the_code_changes_with_the_clock_and_the_old_one_holds_in_the_grace(
    rt: Runtime, clock: Clock
) -> None:
    qw = await classroom_queue(rt)
    a, b, _ = qw.students
    clock.now = START + timedelta(seconds=WINDOW - 5)
    old = await code_now(qw)
    clock.advance(timedelta(seconds=10))
    assert await code_now(qw) != old
    await queues.join_queue(qw.queue_id, actor=a, code=old)  # 5 s into the next window
    clock.advance(presence.GRACE)
    with pytest.raises(InvalidError):
        await queues.join_queue(qw.queue_id, actor=b, code=old)


async def test_wrong_codes_are_limited_per_user(rt: Runtime, clock: Clock) -> None:
    qw = await classroom_queue(rt)
    a, b, _ = qw.students
    right = await code_now(qw)
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(presence.FREE_WRONG_CODES):
        with pytest.raises(InvalidError):
            await queues.join_queue(qw.queue_id, actor=a, code=wrong)
    with pytest.raises(RateLimitedError) as limited:
        await queues.join_queue(qw.queue_id, actor=a, code=right)
    assert limited.value.render("en") == "Too many wrong codes. Try again in 5 minutes."

    await queues.join_queue(qw.queue_id, actor=b, code=right)  # others are not held up
    clock.advance(presence.WRONG_CODE_WINDOW)
    await queues.join_queue(qw.queue_id, actor=a, code=await code_now(qw))
    assert len((await snapshot(qw)).entries) == 2


async def test_the_board_shows_the_code_and_the_snapshot_never_carries_it(rt: Runtime) -> None:
    qw = await classroom_queue(rt)
    made = await boards.create_display_link(qw.queue_id, actor=qw.teacher)
    shown = await boards.presence_code(made.token)
    assert shown is not None and shown.code == await code_now(qw)
    assert shown.code not in repr(await snapshot(qw))

    await boards.revoke_display_link(made.link.id, actor=qw.teacher)
    with pytest.raises(NotFoundError):
        await boards.presence_code(made.token)
    with pytest.raises(ForbiddenError):
        await presence.code_for_operator(qw.queue_id, actor=qw.students[0])


async def test_only_the_queues_operators_let_students_in(rt: Runtime) -> None:
    qw = await classroom_queue(rt)
    a, b, _ = qw.students
    offered = await queues.members_to_let_in(qw.queue_id, actor=qw.teacher)
    assert {a.id, b.id} <= {user.id for user in offered}
    with pytest.raises(ForbiddenError):
        await queues.let_in(qw.queue_id, actor=a, user_id=b.id)
    with pytest.raises(NotFoundError):
        await queues.let_in(qw.queue_id, actor=qw.teacher, user_id=qw.stranger.id)
    await queues.let_in(qw.queue_id, actor=qw.teacher, user_id=b.id)
    assert b.id not in {u.id for u in await queues.members_to_let_in(qw.queue_id, actor=qw.teacher)}


@pytest.mark.parametrize("seconds", [30, 3601])
async def test_a_code_window_out_of_range_is_refused(rt: Runtime, seconds: int) -> None:
    qw = await queue_world.make_queue_world(rt, students=0)
    with pytest.raises(InvalidError):
        await queues.update_settings(
            qw.queue_id,
            actor=qw.teacher,
            members_can_freeze=True,
            max_size=None,
            presence_required=True,
            presence_window_seconds=seconds,
        )


async def test_the_history_export_says_who_joined_with_the_code(rt: Runtime) -> None:
    qw = await classroom_queue(rt)
    a, b, _ = qw.students
    await queues.join_queue(qw.queue_id, actor=a, code=await code_now(qw))
    await queues.let_in(qw.queue_id, actor=qw.teacher, user_id=b.id)
    file = await exports.queue_history_csv(qw.queue_id, actor=qw.teacher, language="en")
    joined = [(row[2], row[-1]) for row in exports.read_csv(file.data) if row[1] == "joined"]
    assert joined == [(a.username, "with the presence code"), (b.username, "")]

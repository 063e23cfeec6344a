"""The per-process live hub: one snapshot read per change, whatever the number of viewers."""

from __future__ import annotations

import asyncio

from db.models import QueueState
from equeue_ui.runtime import Runtime
from equeue_ui.services import queues, subjects
from equeue_ui.services.views import QueueSnapshot
from tests.services.factories import add_member, make_group, make_user, make_workspace
from tests.services.waiting import eventually


async def _open_queue(rt: Runtime) -> tuple[int, list]:
    group = await make_group(rt)
    admin = await make_user(rt, "admin", group=group)
    workspace_id = await make_workspace(rt, group, admin)
    students = []
    for n in range(3):
        student = await make_user(rt, f"student{n}", group=group)
        await add_member(rt, workspace_id, student)
        students.append(student)
    subject = await subjects.create_subject(workspace_id, actor=admin, name="Algorithms")
    assert subject.queue_id is not None
    await queues.set_state(subject.queue_id, QueueState.OPEN, actor=admin)
    return subject.queue_id, students


async def _settle(rt: Runtime, queue_id: int, version: int) -> None:
    """Wait until the hub holds ``version`` of the queue (or a newer one)."""

    async def holds() -> bool:
        latest = await rt.hub.current(queue_id)
        return latest is not None and latest.version >= version

    await eventually(holds)


async def test_one_change_costs_one_snapshot_read_for_a_hundred_viewers(rt: Runtime) -> None:
    queue_id, students = await _open_queue(rt)
    seen: list[list[QueueSnapshot]] = [[] for _ in range(100)]
    for box in seen:
        rt.hub.watch(queue_id, box.append)
    await rt.hub.current(queue_id)
    loads_before = rt.hub.snapshot_loads

    await queues.join_queue(queue_id, actor=students[0])
    await eventually(lambda: all(box and len(box[-1].entries) == 1 for box in seen))

    assert rt.hub.snapshot_loads - loads_before == 1


async def test_viewers_never_receive_an_older_version_after_a_newer_one(rt: Runtime) -> None:
    queue_id, students = await _open_queue(rt)
    received: list[int] = []
    rt.hub.watch(queue_id, lambda snapshot: received.append(snapshot.version))
    await asyncio.gather(*(queues.join_queue(queue_id, actor=s) for s in students))
    final = await queues.load_snapshot(queue_id)
    assert final is not None
    await _settle(rt, queue_id, final.version)
    assert received == sorted(set(received))
    assert received[-1] == final.version


async def test_a_burst_of_changes_is_coalesced_into_fewer_reads(rt: Runtime) -> None:
    queue_id, students = await _open_queue(rt)
    rt.hub.watch(queue_id, lambda _snapshot: None)
    await rt.hub.current(queue_id)
    before = rt.hub.snapshot_loads
    await asyncio.gather(*(queues.join_queue(queue_id, actor=s) for s in students))
    final = await queues.load_snapshot(queue_id)
    assert final is not None
    await _settle(rt, queue_id, final.version)
    assert rt.hub.snapshot_loads - before <= len(students) + 1


async def test_a_viewer_that_stops_watching_receives_nothing_more(rt: Runtime) -> None:
    queue_id, students = await _open_queue(rt)
    received: list[QueueSnapshot] = []
    stop = rt.hub.watch(queue_id, received.append)
    stop()
    assert rt.hub.viewer_count(queue_id) == 0
    still: list[QueueSnapshot] = []  # a viewer that keeps watching: once it has the change,
    rt.hub.watch(queue_id, still.append)  # the one that stopped would have had it too
    await queues.join_queue(queue_id, actor=students[0])
    await eventually(lambda: bool(still))
    assert received == []


async def test_a_failing_viewer_does_not_stop_the_others(rt: Runtime) -> None:
    queue_id, students = await _open_queue(rt)

    def broken(_snapshot: QueueSnapshot) -> None:
        raise RuntimeError("boom")

    received: list[QueueSnapshot] = []
    rt.hub.watch(queue_id, broken)
    rt.hub.watch(queue_id, received.append)
    await queues.join_queue(queue_id, actor=students[0])
    await eventually(lambda: len(received) == 1)

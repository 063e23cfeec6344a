"""The per-process live hub: one snapshot read per change, whatever the number of viewers."""

from __future__ import annotations

import asyncio

import pytest

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


async def test_a_follower_of_each_change_gets_the_viewers_read_of_it(rt: Runtime) -> None:
    """The push sender asks for the snapshot of each change too: with viewers it shares their
    read (the one in flight, or the one they were shown), not a read of its own."""
    queue_id, students = await _open_queue(rt)
    received: list[QueueSnapshot] = []
    rt.hub.watch(queue_id, received.append)
    await rt.hub.current(queue_id)
    before = rt.hub.snapshot_loads

    await queues.join_queue(queue_id, actor=students[0])
    version = await queues.version_of(queue_id)
    assert version is not None
    first = await rt.hub.snapshot_at(queue_id, version)  # the viewers' read may be in flight
    again = await rt.hub.snapshot_at(queue_id, version)  # it is done

    assert first is not None and first.version == version
    assert again is first and received[-1] is first
    assert [e.user_id for e in first.entries] == [students[0].id]
    assert rt.hub.snapshot_loads - before == 1


async def test_a_follower_reads_a_change_nobody_here_watches(rt: Runtime) -> None:
    queue_id, students = await _open_queue(rt)
    await queues.join_queue(queue_id, actor=students[0])
    version = await queues.version_of(queue_id)
    before = rt.hub.snapshot_loads

    snapshot = await rt.hub.snapshot_at(queue_id, version or 0)

    assert snapshot is not None and snapshot.version == version
    assert rt.hub.snapshot_loads - before == 1
    assert await queues.version_of(queue_id + 1000) is None
    assert await rt.hub.snapshot_at(queue_id + 1000, 1) is None


async def test_a_follower_reads_for_itself_when_the_viewers_read_fails(
    rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    queue_id, students = await _open_queue(rt)
    rt.hub.watch(queue_id, lambda _snapshot: None)
    await rt.hub.current(queue_id)
    failing = asyncio.Event()
    real_load = queues.load_snapshot

    async def fails_once(wanted: int) -> QueueSnapshot | None:
        if not failing.is_set():
            failing.set()
            raise OSError("the database went away for a moment")
        return await real_load(wanted)

    monkeypatch.setattr(rt.hub, "_loader", fails_once)
    await queues.join_queue(queue_id, actor=students[0])
    version = await queues.version_of(queue_id)
    assert version is not None

    snapshot = await rt.hub.snapshot_at(queue_id, version)

    assert failing.is_set()  # the viewers' read failed, and this one read again
    assert snapshot is not None and snapshot.version == version

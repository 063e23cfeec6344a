"""Merging two accounts of one person (issue 15, point 2), on SQLite and PostgreSQL: everything
moves, conflicts are settled in the person's favour, history stays, one transaction."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from db.models import (
    AuditLog,
    MemberRole,
    MemberStatus,
    QueueEvent,
    Session,
    SubjectTeacher,
    SubmissionKind,
    User,
    WorkspaceMember,
)
from db.types import utcnow
from equeue_ui.errors import ConflictError, ForbiddenError, NotFoundError
from equeue_ui.events import QueueChanged, SessionsRevoked
from equeue_ui.runtime import Runtime
from equeue_ui.services import account_merge, queues
from equeue_ui.services.views import UserView
from tests.services import factories
from tests.services.queue_world import QueueWorld, line, make_queue_world, snapshot, submissions_of


@pytest.fixture
async def qw(rt: Runtime) -> QueueWorld:
    return await make_queue_world(rt, students=3)


async def ecourses_twin(rt: Runtime, qw: QueueWorld, *, ecourses_id: int = 3002) -> UserView:
    """The account eCourses sign-in made for the workspace's member earlier."""
    twin = await factories.make_user(
        rt, "m.member@ecourses", first_name="Мия", last_name="Мемберова", teacher=True
    )
    async with rt.db.write_session() as session:
        await session.execute(
            update(User)
            .where(User.id == twin.id)
            .values(ecourses_user_id=ecourses_id, ecourses_token_encrypted="sealed")
        )
        await session.commit()
    return twin


async def merge(qw: QueueWorld, source: UserView, target: UserView) -> UserView:
    return await account_merge.merge_accounts(source.id, target.id, actor=qw.world.site_admin)


async def user_row(rt: Runtime, user_id: int) -> User | None:
    async with rt.db.read_session() as session:
        return await session.get(User, user_id)


async def memberships(rt: Runtime, user: UserView) -> dict[int, tuple[MemberRole, MemberStatus]]:
    async with rt.db.read_session() as session:
        rows = await session.scalars(
            select(WorkspaceMember).where(WorkspaceMember.user_id == user.id)
        )
        return {row.workspace_id: (row.role, row.status) for row in rows}


async def test_everything_moves_into_the_target_and_the_source_goes(
    rt: Runtime, qw: QueueWorld
) -> None:
    member, twin = qw.world.member, await ecourses_twin(rt, qw)
    other_group = await factories.make_group(rt, "КИ23-02Б")
    other_workspace = await factories.make_workspace(rt, other_group, twin, name="Twin's own")
    await factories.add_member(rt, qw.world.workspace_id, twin)
    await factories.assign_teacher(rt, qw.subject_id, twin)
    await factories.add_submission(rt, twin, qw.task_ids[1])
    await queues.join_queue(qw.queue_id, actor=twin)

    merged = await merge(qw, twin, member)

    assert merged.id == member.id
    assert (merged.first_name, merged.last_name) == ("Mia", "Member")  # names stay
    assert merged.is_teacher and merged.from_ecourses  # roles add up; the link moves
    assert await user_row(rt, twin.id) is None
    assert (await memberships(rt, member))[other_workspace] == (
        MemberRole.ADMIN,
        MemberStatus.APPROVED,
    )
    assert [s.task_id for s in await submissions_of(rt, member)] == [qw.task_ids[1]]
    assert line(await snapshot(qw)) == [member.id]
    async with rt.db.read_session() as session:
        teaches = await session.scalar(
            select(func.count()).where(
                SubjectTeacher.user_id == member.id, SubjectTeacher.subject_id == qw.subject_id
            )
        )
        joined = await session.scalar(
            select(func.count()).where(QueueEvent.user_id == member.id, QueueEvent.kind == "joined")
        )
        stored = await session.get(User, member.id)
    assert teaches == 1 and joined == 1  # the queue's history now names the target
    assert stored is not None and stored.ecourses_token_encrypted == "sealed"


async def test_in_a_shared_workspace_the_stronger_membership_wins(
    rt: Runtime, qw: QueueWorld
) -> None:
    pending, twin = qw.world.pending, await ecourses_twin(rt, qw)
    await factories.add_member(rt, qw.world.workspace_id, twin, role="admin", status="approved")

    await merge(qw, twin, pending)

    assert (await memberships(rt, pending)) == {
        qw.world.workspace_id: (MemberRole.ADMIN, MemberStatus.APPROVED)
    }


async def test_an_accepted_hand_in_beats_a_self_reported_one_of_the_same_task(
    rt: Runtime, qw: QueueWorld
) -> None:
    member, twin = qw.world.member, await ecourses_twin(rt, qw)
    await factories.add_submission(rt, member, qw.task_ids[0])
    await factories.add_submission(
        rt, twin, qw.task_ids[0], kind="accepted", accepted_by=qw.teacher
    )
    await factories.add_submission(rt, twin, qw.task_ids[2])

    await merge(qw, twin, member)

    kept = {s.task_id: s for s in await submissions_of(rt, member)}
    assert set(kept) == {qw.task_ids[0], qw.task_ids[2]}
    assert kept[qw.task_ids[0]].kind is SubmissionKind.ACCEPTED
    assert kept[qw.task_ids[0]].accepted_by_id == qw.teacher.id


async def test_of_two_places_in_one_queue_the_earlier_stays_and_positions_run_1_to_n(
    rt: Runtime, qw: QueueWorld
) -> None:
    member, twin = qw.world.member, await ecourses_twin(rt, qw)
    await factories.add_member(rt, qw.world.workspace_id, twin)
    first, second = qw.students[0], qw.students[1]
    for user in (first, twin, second, member):
        await queues.join_queue(qw.queue_id, actor=user)
    seen: list[QueueChanged] = []
    rt.bus.subscribe(QueueChanged, seen.append)  # type: ignore[arg-type]

    await merge(qw, twin, member)

    assert line(await snapshot(qw)) == [first.id, member.id, second.id]
    assert seen and seen[-1].version == (await snapshot(qw)).version


async def test_the_sources_sessions_end_and_open_pages_are_told(
    rt: Runtime, qw: QueueWorld
) -> None:
    member, twin = qw.world.member, await ecourses_twin(rt, qw)
    async with rt.db.write_session() as session:
        session.add(
            Session(
                token_hash="x" * 64,
                user_id=twin.id,
                expires_at=utcnow() + timedelta(days=1),
            )
        )
        await session.commit()
    revoked: list[SessionsRevoked] = []
    rt.bus.subscribe(SessionsRevoked, revoked.append)  # type: ignore[arg-type]

    await merge(qw, twin, member)

    assert SessionsRevoked(twin.id) in revoked
    async with rt.db.read_session() as session:
        assert await session.scalar(select(func.count()).select_from(Session)) == 0


async def test_a_merge_is_audited_with_what_moved(rt: Runtime, qw: QueueWorld) -> None:
    member, twin = qw.world.member, await ecourses_twin(rt, qw)
    await factories.add_submission(rt, twin, qw.task_ids[0])

    await merge(qw, twin, member)

    async with rt.db.read_session() as session:
        entry = await session.scalar(select(AuditLog).where(AuditLog.action == "user.merge"))
    assert entry is not None and entry.actor_id == qw.world.site_admin.id
    assert entry.target == member.username
    assert '"from": "m.member@ecourses"' in entry.details and '"hand_ins": "1"' in entry.details


async def test_only_site_admins_merge_and_never_their_own_account_away(
    rt: Runtime, qw: QueueWorld
) -> None:
    member, twin = qw.world.member, await ecourses_twin(rt, qw)
    with pytest.raises(ForbiddenError):
        await account_merge.merge_accounts(twin.id, member.id, actor=qw.world.admin)
    with pytest.raises(ConflictError):
        await account_merge.merge_accounts(
            qw.world.site_admin.id, member.id, actor=qw.world.site_admin
        )
    with pytest.raises(ConflictError):
        await merge(qw, member, member)
    with pytest.raises(NotFoundError):
        await account_merge.merge_accounts(99_999, member.id, actor=qw.world.site_admin)
    assert await user_row(rt, twin.id) is not None  # nothing happened


async def test_two_accounts_linked_to_different_ecourses_accounts_are_not_merged(
    rt: Runtime, qw: QueueWorld
) -> None:
    first = await ecourses_twin(rt, qw, ecourses_id=1)
    async with rt.db.write_session() as session:
        await session.execute(
            update(User).where(User.id == qw.world.member.id).values(ecourses_user_id=2)
        )
        await session.commit()

    with pytest.raises(ConflictError):
        await merge(qw, first, qw.world.member)

    assert await user_row(rt, first.id) is not None


async def test_the_summary_says_what_would_move(rt: Runtime, qw: QueueWorld) -> None:
    member, twin = qw.world.member, await ecourses_twin(rt, qw)
    await factories.add_member(rt, qw.world.workspace_id, twin)
    await factories.add_submission(rt, twin, qw.task_ids[0])
    await queues.join_queue(qw.queue_id, actor=twin)

    summary = await account_merge.merge_summary(twin.id, member.id, actor=qw.world.site_admin)

    assert (summary.workspaces, summary.hand_ins, summary.queue_places) == (1, 1, 1)
    assert (summary.source.username, summary.target.username) == (twin.username, member.username)

"""Teacher invite links (SPEC §2, §7): a workspace admin makes a link for a subject, and a user
with the teacher role who opens it becomes that subject's teacher. Links expire and can be
revoked; only a hash of the secret is kept."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from db.models import SubjectTeacher, TeacherInvite, User
from db.types import utcnow
from equeue_ui.errors import ForbiddenError, InvalidError, NotFoundError
from equeue_ui.events import SubjectChanged
from equeue_ui.runtime import Runtime
from equeue_ui.services import permissions, queues, teaching
from equeue_ui.services.teaching import NewInvite
from equeue_ui.services.views import GroupView, UserView
from tests.services import factories, queue_world
from tests.services.queue_world import QueueWorld

# Users who run the workspace's invitations: its admins and the site admins.
INVITERS = ["admin", "site_admin"]
# Everybody else, including the subject's own teacher (who is not a workspace admin).
NOT_INVITERS = ["member", "pending", "outsider", "stranger", "teacher", "unassigned_teacher"]
# Users without the teacher role, whatever else they may do.
NOT_TEACHERS = ["member", "admin", "site_admin", "outsider", "stranger"]


@pytest.fixture
async def qw(rt: Runtime) -> QueueWorld:
    return await queue_world.make_queue_world(rt)


async def invite(qw: QueueWorld, **kwargs: Any) -> NewInvite:
    """An invite to the queue world's subject, made by the workspace's admin."""
    return await teaching.create_invite(qw.subject_id, actor=qw.world.admin, **kwargs)


async def stored_invites(rt: Runtime) -> list[TeacherInvite]:
    async with rt.db.read_session() as session:
        return list(await session.scalars(select(TeacherInvite).order_by(TeacherInvite.id)))


async def teacher_rows(rt: Runtime) -> int:
    async with rt.db.read_session() as session:
        return await session.scalar(select(func.count()).select_from(SubjectTeacher)) or 0


async def is_teacher_of(rt: Runtime, user: UserView, subject_id: int) -> bool:
    async with rt.db.read_session() as session:
        stored = await session.get(User, user.id)
        assert stored is not None
        return await permissions.is_subject_teacher(session, stored, subject_id)


async def expire(rt: Runtime, invite_id: int) -> None:
    """Move the invite's expiry into the past, behind the services' back."""
    async with rt.db.write_session() as session:
        await session.execute(
            update(TeacherInvite)
            .where(TeacherInvite.id == invite_id)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
        await session.commit()


def record_subject_changes(rt: Runtime) -> list[SubjectChanged]:
    seen: list[SubjectChanged] = []
    rt.bus.subscribe(SubjectChanged, seen.append)
    return seen


# --- who manages invites ----------------------------------------------------------------------


@pytest.mark.parametrize("role", INVITERS)
async def test_workspace_and_site_admins_create_list_and_revoke_invites(
    qw: QueueWorld, role: str
) -> None:
    actor = qw.by_role(role)
    made = await teaching.create_invite(qw.subject_id, actor=actor)
    assert made.invite.subject_id == qw.subject_id
    assert made.invite.active and not made.invite.revoked

    assert await teaching.list_invites(qw.subject_id, actor=actor) == [made.invite]

    await teaching.revoke_invite(made.invite.id, actor=actor)
    [listed] = await teaching.list_invites(qw.subject_id, actor=actor)
    assert listed.revoked and not listed.active


@pytest.mark.parametrize("role", NOT_INVITERS)
async def test_nobody_else_creates_lists_or_revokes_invites(
    rt: Runtime, qw: QueueWorld, role: str
) -> None:
    actor = qw.by_role(role)
    made = await invite(qw)

    with pytest.raises(ForbiddenError):
        await teaching.create_invite(qw.subject_id, actor=actor)
    with pytest.raises(ForbiddenError):
        await teaching.list_invites(qw.subject_id, actor=actor)
    with pytest.raises(ForbiddenError):
        await teaching.revoke_invite(made.invite.id, actor=actor)

    [stored] = await stored_invites(rt)
    assert stored.revoked_at is None
    assert await teaching.invite_subject(made.token)  # still works


async def test_an_admin_of_another_workspace_cannot_manage_this_ones_invites(
    rt: Runtime, qw: QueueWorld
) -> None:
    outsider = qw.world.outsider
    assert outsider.group_id is not None
    await factories.make_workspace(rt, GroupView(id=outsider.group_id, name=""), outsider, "Other")
    made = await invite(qw)

    with pytest.raises(ForbiddenError):
        await teaching.create_invite(qw.subject_id, actor=outsider)
    with pytest.raises(ForbiddenError):
        await teaching.list_invites(qw.subject_id, actor=outsider)
    with pytest.raises(ForbiddenError):
        await teaching.revoke_invite(made.invite.id, actor=outsider)


async def test_invites_are_listed_newest_first_with_their_state(
    rt: Runtime, qw: QueueWorld
) -> None:
    first, second, third = [await invite(qw) for _ in range(3)]
    await teaching.revoke_invite(second.invite.id, actor=qw.world.admin)
    await expire(rt, third.invite.id)

    listed = await teaching.list_invites(qw.subject_id, actor=qw.world.admin)
    assert [(view.id, view.revoked, view.active) for view in listed] == [
        (third.invite.id, False, False),
        (second.invite.id, True, False),
        (first.invite.id, False, True),
    ]


async def test_revoking_an_unknown_invite_is_refused(qw: QueueWorld) -> None:
    with pytest.raises(NotFoundError):
        await teaching.revoke_invite(999_999, actor=qw.world.admin)


# --- the secret -------------------------------------------------------------------------------


async def test_the_token_is_returned_once_and_only_its_hash_is_stored(
    rt: Runtime, qw: QueueWorld
) -> None:
    made = await invite(qw)
    other = await invite(qw)
    assert len(made.token) >= 32 and made.token != other.token

    stored = (await stored_invites(rt))[0]
    assert stored.token_hash == hashlib.sha256(made.token.encode()).hexdigest()
    assert made.token not in {str(value) for value in vars(stored).values()}
    listed = await teaching.list_invites(qw.subject_id, actor=qw.world.admin)
    assert all(not hasattr(view, "token") for view in listed)


async def test_invite_subject_shows_the_subject_for_a_valid_token_and_refuses_others(
    qw: QueueWorld,
) -> None:
    made = await invite(qw)
    shown = await teaching.invite_subject(made.token)
    assert (shown.id, shown.name, shown.workspace_id) == (
        qw.subject_id,
        "Algebra",
        qw.world.workspace_id,
    )
    for token in ["", "not-a-token", made.token + "x", made.token.upper()]:
        with pytest.raises(NotFoundError):
            await teaching.invite_subject(token)


# --- accepting --------------------------------------------------------------------------------


async def test_a_teacher_accepting_becomes_the_subjects_teacher_and_runs_its_queue(
    rt: Runtime, qw: QueueWorld
) -> None:
    newcomer = qw.unassigned_teacher
    [student, *_] = qw.students
    entry_id = await queues.join_queue(qw.queue_id, actor=student)
    with pytest.raises(ForbiddenError):
        await queues.call_next(qw.queue_id, actor=newcomer)

    made = await invite(qw)
    accepted = await teaching.accept_invite(made.token, actor=newcomer)

    assert (accepted.id, accepted.name) == (qw.subject_id, "Algebra")
    assert await is_teacher_of(rt, newcomer, qw.subject_id)
    assert await queues.call_next(qw.queue_id, actor=newcomer) == entry_id


async def test_an_invite_makes_a_teacher_of_its_own_subject_only(
    rt: Runtime, qw: QueueWorld
) -> None:
    physics = await queue_world.make_subject_queue(rt, qw.world.workspace_id, "Chemistry")
    await teaching.accept_invite((await invite(qw)).token, actor=qw.unassigned_teacher)
    assert not await is_teacher_of(rt, qw.unassigned_teacher, physics.subject_id)
    with pytest.raises(ForbiddenError):
        await queues.call_next(physics.queue_id, actor=qw.unassigned_teacher)


async def test_accepting_publishes_subject_changed_once_committed(
    rt: Runtime, qw: QueueWorld
) -> None:
    visible: list[bool] = []

    async def look_from_a_fresh_session(event: SubjectChanged) -> None:
        visible.append(await is_teacher_of(rt, qw.unassigned_teacher, event.subject_id))

    seen = record_subject_changes(rt)
    rt.bus.subscribe(SubjectChanged, look_from_a_fresh_session)
    await teaching.accept_invite((await invite(qw)).token, actor=qw.unassigned_teacher)

    assert seen == [SubjectChanged(qw.world.workspace_id, qw.subject_id)]
    assert visible == [True]


async def test_accepting_twice_is_harmless(rt: Runtime, qw: QueueWorld) -> None:
    made = await invite(qw)
    before = await teacher_rows(rt)
    first = await teaching.accept_invite(made.token, actor=qw.unassigned_teacher)
    seen = record_subject_changes(rt)

    again = await teaching.accept_invite(made.token, actor=qw.unassigned_teacher)

    assert again == first
    assert await teacher_rows(rt) == before + 1
    assert seen == []  # nothing changed the second time


async def test_the_subjects_own_teacher_accepting_changes_nothing(
    rt: Runtime, qw: QueueWorld
) -> None:
    made = await invite(qw)
    before = await teacher_rows(rt)
    seen = record_subject_changes(rt)
    await teaching.accept_invite(made.token, actor=qw.teacher)
    assert await teacher_rows(rt) == before
    assert seen == []


async def test_one_invite_serves_several_teachers(rt: Runtime, qw: QueueWorld) -> None:
    made = await invite(qw)
    for teacher in [qw.unassigned_teacher, qw.other_teacher]:
        await teaching.accept_invite(made.token, actor=teacher)
        assert await is_teacher_of(rt, teacher, qw.subject_id)


@pytest.mark.parametrize("role", NOT_TEACHERS)
async def test_a_user_without_the_teacher_role_is_refused_and_nothing_is_written(
    rt: Runtime, qw: QueueWorld, role: str
) -> None:
    made = await invite(qw)
    before = await teacher_rows(rt)
    seen = record_subject_changes(rt)

    with pytest.raises(ForbiddenError):
        await teaching.accept_invite(made.token, actor=qw.by_role(role))

    assert await teacher_rows(rt) == before
    assert seen == []
    [stored] = await stored_invites(rt)
    assert stored.revoked_at is None  # the link still works for a real teacher


async def test_a_blocked_teacher_is_refused(rt: Runtime, qw: QueueWorld) -> None:
    made = await invite(qw)
    await queue_world.block(rt, qw.unassigned_teacher)
    with pytest.raises(ForbiddenError):
        await teaching.accept_invite(made.token, actor=qw.unassigned_teacher)
    assert not await is_teacher_of(rt, qw.unassigned_teacher, qw.subject_id)


# --- links that stop working ------------------------------------------------------------------


async def test_a_revoked_invite_stops_working_at_once(rt: Runtime, qw: QueueWorld) -> None:
    made = await invite(qw)
    await teaching.revoke_invite(made.invite.id, actor=qw.world.admin)

    with pytest.raises(NotFoundError):
        await teaching.invite_subject(made.token)
    with pytest.raises(NotFoundError):
        await teaching.accept_invite(made.token, actor=qw.unassigned_teacher)
    assert not await is_teacher_of(rt, qw.unassigned_teacher, qw.subject_id)


async def test_revoking_twice_keeps_the_first_revocation_time(rt: Runtime, qw: QueueWorld) -> None:
    made = await invite(qw)
    await teaching.revoke_invite(made.invite.id, actor=qw.world.admin)
    [first] = await stored_invites(rt)
    await teaching.revoke_invite(made.invite.id, actor=qw.world.site_admin)
    [second] = await stored_invites(rt)
    assert second.revoked_at == first.revoked_at is not None


async def test_an_expired_invite_stops_working(rt: Runtime, qw: QueueWorld) -> None:
    made = await invite(qw)
    await expire(rt, made.invite.id)

    with pytest.raises(NotFoundError):
        await teaching.invite_subject(made.token)
    with pytest.raises(NotFoundError):
        await teaching.accept_invite(made.token, actor=qw.unassigned_teacher)
    assert not await is_teacher_of(rt, qw.unassigned_teacher, qw.subject_id)


async def test_revoking_one_invite_leaves_the_others_working(qw: QueueWorld) -> None:
    kept, revoked = await invite(qw), await invite(qw)
    await teaching.revoke_invite(revoked.invite.id, actor=qw.world.admin)
    assert (await teaching.invite_subject(kept.token)).id == qw.subject_id


# --- lifetime ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lifetime",
    [
        timedelta(0),
        timedelta(hours=-1),
        timedelta(minutes=59, seconds=59),
        timedelta(days=180, seconds=1),
        timedelta(days=365),
    ],
)
async def test_an_invite_lives_from_one_hour_to_180_days(
    rt: Runtime, qw: QueueWorld, lifetime: timedelta
) -> None:
    with pytest.raises(InvalidError):
        await invite(qw, lifetime=lifetime)
    assert await stored_invites(rt) == []


@pytest.mark.parametrize(
    "lifetime", [timedelta(hours=1), teaching.DEFAULT_LIFETIME, timedelta(days=180)]
)
async def test_an_invite_expires_after_its_lifetime(qw: QueueWorld, lifetime: timedelta) -> None:
    before = utcnow()
    made = await invite(qw, lifetime=lifetime)
    after = utcnow()
    assert before + lifetime <= made.invite.expires_at <= after + lifetime
    assert made.invite.active

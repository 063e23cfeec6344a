"""An id no database column can hold is "not found", never a database error (issue 13, point 10).

Ids come from addresses (`/queues/9223372036854775808`) and forms, so they may be any integer.
PostgreSQL refused a whole statement for an int4 beyond 2**31 and SQLite for anything beyond
2**63: a 500 and a traceback per request. Every service that takes an id is called here with
ids beyond both ranges; each must answer with one of the app's own errors (or plainly nothing).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from db.models import EntryStatus, QueueState
from db.types import utcnow
from equeue_ui.errors import DomainError, NotFoundError
from equeue_ui.runtime import Runtime
from equeue_ui.services import (
    account_merge,
    account_sessions,
    accounts,
    api_tokens,
    avatars,
    boards,
    ecourses_accounts,
    ecourses_import,
    ecourses_sync,
    ecourses_tasks,
    exports,
    groups,
    password_resets,
    presence,
    progress,
    push,
    queues,
    statistics,
    student_invites,
    subjects,
    submissions,
    tasks,
    teaching,
    workspace_stats,
    workspaces,
)
from tests.services import hostile_world
from tests.services.hostile_world import HostileWorld
from tests.services.service_catalog import services

# Beyond PostgreSQL's int4, beyond 64 bits (SQLite, int8), far beyond, and below both.
OUT_OF_RANGE = (2**31, 2**63, 99_999_999_999_999_999_999, -(2**31) - 1, -(2**63) - 1)
BINDING = "b" * 43

Call = Callable[[HostileWorld, int], Awaitable[object]]

# One row per id parameter: the service called with that id out of range, the rest valid.
ID_SERVICES: dict[str, Call] = {
    "account_merge.merge_accounts(source_id)": lambda w, i: account_merge.merge_accounts(
        i, w.member.id, actor=w.admin
    ),
    "account_merge.merge_accounts(target_id)": lambda w, i: account_merge.merge_accounts(
        w.member.id, i, actor=w.admin
    ),
    "account_merge.merge_summary(source_id)": lambda w, i: account_merge.merge_summary(
        i, w.member.id, actor=w.admin
    ),
    "account_merge.merge_summary(target_id)": lambda w, i: account_merge.merge_summary(
        w.member.id, i, actor=w.admin
    ),
    "push.remove_device(device_id)": lambda w, i: push.remove_device(i, actor=w.member),
    "workspaces.pending_request_counts(workspace_ids)": lambda w, i: (
        workspaces.pending_request_counts(actor=w.admin, workspace_ids=[i])
    ),
    "account_sessions.end_session(session_id)": lambda w, i: account_sessions.end_session(
        i, actor=w.member
    ),
    "password_resets.create_link(user_id)": lambda w, i: password_resets.create_link(
        i, actor=w.admin
    ),
    "accounts.issue_ticket(user_id)": lambda w, i: accounts.issue_ticket(i, binding=BINDING),
    "accounts.get_user(user_id)": lambda w, i: accounts.get_user(i),
    "api_tokens.revoke_token(token_id)": lambda w, i: api_tokens.revoke_token(i, actor=w.member),
    "accounts.set_group(group_id)": lambda w, i: accounts.set_group(i, actor=w.member),
    "accounts.set_roles(user_id)": lambda w, i: accounts.set_roles(i, actor=w.admin, teacher=True),
    "accounts.set_blocked(user_id)": lambda w, i: accounts.set_blocked(i, True, actor=w.admin),
    "boards.create_display_link(queue_id)": lambda w, i: boards.create_display_link(
        i, actor=w.admin
    ),
    "boards.list_display_links(queue_id)": lambda w, i: boards.list_display_links(i, actor=w.admin),
    "boards.revoke_display_link(link_id)": lambda w, i: boards.revoke_display_link(
        i, actor=w.admin
    ),
    "boards.board_for_operator(queue_id)": lambda w, i: boards.board_for_operator(i, actor=w.admin),
    "boards.set_board_names(subject_id)": lambda w, i: boards.set_board_names(
        i, True, actor=w.admin
    ),
    "boards.set_board_pictures(subject_id)": lambda w, i: boards.set_board_pictures(
        i, True, actor=w.admin
    ),
    "avatars.picture(user_id)": lambda w, i: avatars.picture(i, "0" * 32),
    "avatars.refresh_ecourses_picture(user_id)": lambda w, i: avatars.refresh_ecourses_picture(i),
    "ecourses_accounts.forget_token(user_id)": lambda w, i: ecourses_accounts.forget_token(i),
    "ecourses_import.propose_subjects(workspace_id)": lambda w, i: ecourses_import.propose_subjects(
        i, actor=w.admin
    ),
    "ecourses_import.import_subjects(workspace_id)": lambda w, i: ecourses_import.import_subjects(
        i, [1], actor=w.admin
    ),
    "ecourses_import.import_subjects(course_ids)": lambda w, i: ecourses_import.import_subjects(
        w.workspace_id, [i], actor=w.admin
    ),
    "ecourses_import.my_courses(workspace_id)": lambda w, i: ecourses_import.my_courses(i, w.admin),
    "ecourses_tasks.preview_tasks(subject_id)": lambda w, i: ecourses_tasks.preview_tasks(
        i, actor=w.admin
    ),
    "ecourses_tasks.import_tasks(subject_id)": lambda w, i: ecourses_tasks.import_tasks(
        i, actor=w.admin
    ),
    "ecourses_tasks.subject_course(subject_id)": lambda w, i: ecourses_tasks.subject_course(
        i, w.admin
    ),
    "ecourses_sync.preview_sync(subject_id)": lambda w, i: ecourses_sync.preview_sync(
        i, actor=w.admin
    ),
    "ecourses_sync.apply_sync(subject_id)": lambda w, i: ecourses_sync.apply_sync(
        i, ["due_date:1"], actor=w.admin
    ),
    "ecourses_tasks.link_course(subject_id)": lambda w, i: ecourses_tasks.link_course(
        i, 1, actor=w.admin
    ),
    "ecourses_tasks.link_course(course_id)": lambda w, i: ecourses_tasks.link_course(
        w.subject_id, i, actor=w.admin
    ),
    "exports.submissions_csv(subject_id)": lambda w, i: exports.submissions_csv(
        i, actor=w.admin, language="en"
    ),
    "exports.workspace_submissions_csv(workspace_id)": lambda w, i: (
        exports.workspace_submissions_csv(i, actor=w.admin, language="en")
    ),
    "exports.queue_history_csv(queue_id)": lambda w, i: exports.queue_history_csv(
        i, actor=w.admin, language="en"
    ),
    "groups.get_group(group_id)": lambda w, i: groups.get_group(i),
    "groups.group_impact(group_id)": lambda w, i: groups.group_impact(i, actor=w.admin),
    "groups.rename_group(group_id)": lambda w, i: groups.rename_group(i, "X-1", actor=w.admin),
    "groups.delete_group(group_id)": lambda w, i: groups.delete_group(i, actor=w.admin),
    "progress.subject_stats(subject_id)": lambda w, i: progress.subject_stats(i, actor=w.admin),
    "queues.get_snapshot(queue_id)": lambda w, i: queues.get_snapshot(i, actor=w.member),
    "queues.page(queue_id)": lambda w, i: queues.page(i, actor=w.member),
    "queues.load_snapshot(queue_id)": lambda w, i: queues.load_snapshot(i),
    "queues.queue_id_of_subject(subject_id)": lambda w, i: queues.queue_id_of_subject(i),
    "queues.version_of(queue_id)": lambda w, i: queues.version_of(i),
    "queues.join_queue(queue_id)": lambda w, i: queues.join_queue(i, actor=w.admin),
    "queues.join_queue(task_id)": lambda w, i: queues.join_queue(
        w.queue_id, actor=w.admin, task_id=i
    ),
    "queues.change_task(queue_id)": lambda w, i: queues.change_task(
        i, actor=w.member, task_id=w.task_id
    ),
    "queues.change_task(task_id)": lambda w, i: queues.change_task(
        w.queue_id, actor=w.member, task_id=i
    ),
    "queues.freeze(queue_id)": lambda w, i: queues.freeze(i, actor=w.member),
    "queues.unfreeze(queue_id)": lambda w, i: queues.unfreeze(i, actor=w.member),
    "queues.leave_queue(queue_id)": lambda w, i: queues.leave_queue(i, actor=w.member),
    "queues.undo_leave(queue_id)": lambda w, i: queues.undo_leave(
        i, actor=w.member, place=_left_place(i, w.member.id)
    ),
    "queues.acknowledge_call(queue_id)": lambda w, i: queues.acknowledge_call(i, actor=w.member),
    "queues.set_state(queue_id)": lambda w, i: queues.set_state(i, QueueState.OPEN, actor=w.admin),
    "queues.update_settings(queue_id)": lambda w, i: queues.update_settings(
        i, actor=w.admin, members_can_freeze=True, max_size=None
    ),
    "queues.call_next(queue_id)": lambda w, i: queues.call_next(i, actor=w.admin),
    "queues.let_in(queue_id)": lambda w, i: queues.let_in(i, actor=w.admin, user_id=w.member.id),
    "queues.let_in(user_id)": lambda w, i: queues.let_in(w.queue_id, actor=w.admin, user_id=i),
    "queues.let_in(task_id)": lambda w, i: queues.let_in(
        w.queue_id, actor=w.admin, user_id=w.admin.id, task_id=i
    ),
    "queues.members_to_let_in(queue_id)": lambda w, i: queues.members_to_let_in(i, actor=w.admin),
    "queues.draw_if_due(queue_id)": lambda w, i: queues.draw_if_due(i),
    "presence.check_code(queue_id)": lambda w, i: presence.check_code(i, w.member.id, "123456"),
    "presence.check_code(user_id)": lambda w, i: presence.check_code(w.queue_id, i, "123456"),
    "presence.code_for_operator(queue_id)": lambda w, i: presence.code_for_operator(
        i, actor=w.admin
    ),
    "queues.accept(entry_id)": lambda w, i: queues.accept(i, actor=w.admin),
    "queues.return_entry(entry_id)": lambda w, i: queues.return_entry(i, actor=w.admin),
    "queues.skip(entry_id)": lambda w, i: queues.skip(i, actor=w.admin),
    "queues.remove_entry(entry_id)": lambda w, i: queues.remove_entry(i, actor=w.admin),
    "queues.clear_queue(queue_id)": lambda w, i: queues.clear_queue(i, actor=w.admin),
    "statistics.queue_stats(queue_id)": lambda w, i: statistics.queue_stats(i, actor=w.admin),
    "student_invites.create_invite(workspace_id)": lambda w, i: student_invites.create_invite(
        i, actor=w.admin
    ),
    "student_invites.list_invites(workspace_id)": lambda w, i: student_invites.list_invites(
        i, actor=w.admin
    ),
    "student_invites.revoke_invite(invite_id)": lambda w, i: student_invites.revoke_invite(
        i, actor=w.admin
    ),
    "subjects.create_subject(workspace_id)": lambda w, i: subjects.create_subject(
        i, actor=w.admin, name="Chemistry"
    ),
    "subjects.create_subject(ecourses_course_id)": lambda w, i: subjects.create_subject(
        w.workspace_id, actor=w.admin, name=f"Chemistry {i}", ecourses_course_id=i
    ),
    "subjects.update_subject(subject_id)": lambda w, i: subjects.update_subject(
        i, actor=w.admin, name="Physics", teacher_name="", teacher_contact="", requirements=""
    ),
    "subjects.delete_subject(subject_id)": lambda w, i: subjects.delete_subject(i, actor=w.admin),
    "subjects.list_subjects(workspace_id)": lambda w, i: subjects.list_subjects(i, actor=w.admin),
    "subjects.get_subject(subject_id)": lambda w, i: subjects.get_subject(i, actor=w.admin),
    "subjects.assign_teacher(subject_id)": lambda w, i: subjects.assign_teacher(
        i, w.admin.id, actor=w.admin
    ),
    "subjects.assign_teacher(user_id)": lambda w, i: subjects.assign_teacher(
        w.subject_id, i, actor=w.admin
    ),
    "subjects.unassign_teacher(subject_id)": lambda w, i: subjects.unassign_teacher(
        i, w.admin.id, actor=w.admin
    ),
    "subjects.unassign_teacher(user_id)": lambda w, i: subjects.unassign_teacher(
        w.subject_id, i, actor=w.admin
    ),
    "subjects.list_teachers(subject_id)": lambda w, i: subjects.list_teachers(i, actor=w.admin),
    "submissions.mark_handed_in(task_id)": lambda w, i: submissions.mark_handed_in(
        i, actor=w.member
    ),
    "submissions.unmark_handed_in(task_id)": lambda w, i: submissions.unmark_handed_in(
        i, actor=w.member
    ),
    "submissions.handed_in_task_ids(subject_id)": lambda w, i: submissions.handed_in_task_ids(
        i, actor=w.member
    ),
    "submissions.progress(workspace_id)": lambda w, i: submissions.progress(i, actor=w.member),
    "submissions.leaderboard(workspace_id)": lambda w, i: submissions.leaderboard(
        i, actor=w.member
    ),
    "submissions.next_due(workspace_id)": lambda w, i: submissions.next_due(i, actor=w.member),
    "submissions.subjects_with_due_dates(workspace_id)": lambda w, i: (
        submissions.subjects_with_due_dates(i, actor=w.member)
    ),
    "tasks.create_task(subject_id)": lambda w, i: tasks.create_task(i, actor=w.admin, name="L2"),
    "tasks.update_task(task_id)": lambda w, i: tasks.update_task(
        i, actor=w.admin, name="L2", url=None, due_at=None
    ),
    "tasks.delete_task(task_id)": lambda w, i: tasks.delete_task(i, actor=w.admin),
    "tasks.reorder_tasks(subject_id)": lambda w, i: tasks.reorder_tasks(
        i, [w.task_id], actor=w.admin
    ),
    "tasks.reorder_tasks(ordered_task_ids)": lambda w, i: tasks.reorder_tasks(
        w.subject_id, [i, w.task_id], actor=w.admin
    ),
    "tasks.move_task(task_id)": lambda w, i: tasks.move_task(i, actor=w.admin, delta=1),
    "tasks.list_tasks(subject_id)": lambda w, i: tasks.list_tasks(i, actor=w.admin),
    "teaching.create_invite(subject_id)": lambda w, i: teaching.create_invite(i, actor=w.admin),
    "teaching.list_invites(subject_id)": lambda w, i: teaching.list_invites(i, actor=w.admin),
    "teaching.revoke_invite(invite_id)": lambda w, i: teaching.revoke_invite(i, actor=w.admin),
    "workspace_stats.workspace_stats(workspace_id)": lambda w, i: workspace_stats.workspace_stats(
        i, actor=w.admin
    ),
    "workspaces.get_workspace(workspace_id)": lambda w, i: workspaces.get_workspace(
        i, actor=w.member
    ),
    "workspaces.my_membership(workspace_id)": lambda w, i: workspaces.my_membership(
        i, actor=w.member
    ),
    "workspaces.request_to_join(workspace_id)": lambda w, i: workspaces.request_to_join(
        i, actor=w.member
    ),
    "workspaces.list_members(workspace_id)": lambda w, i: workspaces.list_members(
        i, actor=w.member
    ),
    "workspaces.approve(workspace_id)": lambda w, i: workspaces.approve(
        i, w.member.id, actor=w.admin
    ),
    "workspaces.approve(user_id)": lambda w, i: workspaces.approve(
        w.workspace_id, i, actor=w.admin
    ),
    "workspaces.reject(workspace_id)": lambda w, i: workspaces.reject(
        i, w.member.id, actor=w.admin
    ),
    "workspaces.reject(user_id)": lambda w, i: workspaces.reject(w.workspace_id, i, actor=w.admin),
    "workspaces.promote(workspace_id)": lambda w, i: workspaces.promote(
        i, w.member.id, actor=w.admin
    ),
    "workspaces.promote(user_id)": lambda w, i: workspaces.promote(
        w.workspace_id, i, actor=w.admin
    ),
    "workspaces.demote(workspace_id)": lambda w, i: workspaces.demote(
        i, w.member.id, actor=w.admin
    ),
    "workspaces.demote(user_id)": lambda w, i: workspaces.demote(w.workspace_id, i, actor=w.admin),
    "workspaces.remove_member(workspace_id)": lambda w, i: workspaces.remove_member(
        i, w.member.id, actor=w.admin
    ),
    "workspaces.remove_member(user_id)": lambda w, i: workspaces.remove_member(
        w.workspace_id, i, actor=w.admin
    ),
    "workspaces.leave(workspace_id)": lambda w, i: workspaces.leave(i, actor=w.member),
    "workspaces.rename_workspace(workspace_id)": lambda w, i: workspaces.rename_workspace(
        i, "Renamed", actor=w.admin
    ),
    "workspaces.delete_workspace(workspace_id)": lambda w, i: workspaces.delete_workspace(
        i, actor=w.admin
    ),
}


@pytest.fixture
async def world(rt: Runtime, monkeypatch: pytest.MonkeyPatch) -> HostileWorld:
    hostile_world.quick_passwords(monkeypatch)
    return await hostile_world.build(rt)


async def test_every_service_answers_an_id_out_of_range_with_its_own_error(
    world: HostileWorld,
) -> None:
    failures = []
    for name, call in ID_SERVICES.items():
        for bad in OUT_OF_RANGE:
            try:
                await call(world, bad)
            except DomainError:
                pass
            except Exception as error:  # the bug this test is about: report every one
                failures.append(f"{name} with {bad}: {type(error).__name__}: {error!s:.150}")
    assert not failures, "\n".join(failures)
    # Refused before anything was written: the world is as it was.
    snapshot = await queues.get_snapshot(world.queue_id, actor=world.member)
    assert [entry.user_id for entry in snapshot.entries] == [world.member.id]
    listed = await tasks.list_tasks(world.subject_id, actor=world.admin)
    assert [task.id for task in listed] == [world.task_id]


@pytest.mark.parametrize("bad", [2**31, 2**63, 99_999_999_999_999_999_999])
async def test_a_queue_subject_or_workspace_id_out_of_range_is_not_found(
    world: HostileWorld, bad: int
) -> None:
    with pytest.raises(NotFoundError):
        await queues.page(bad, actor=world.member)
    with pytest.raises(NotFoundError):
        await subjects.get_subject(bad, actor=world.member)
    with pytest.raises(NotFoundError):
        await workspaces.get_workspace(bad, actor=world.member)


# Functions that take an id but are no entry point for one from outside.
NOT_ID_ENTRY_POINTS = {
    "estimates.estimate_wait": "reads a snapshot already loaded; the id is compared, not looked up",
    "avatars.address": "writes the id into a picture's address; reads nothing",
    "avatars.refresh_in_background": "starts avatars.refresh_ecourses_picture (listed) in a task",
}


def test_every_service_that_takes_an_id_is_in_the_table() -> None:
    listed = {name.split("(")[0] for name in ID_SERVICES}
    missing = [
        f"{service.name}({', '.join(service.id_parameters())})"
        for service in services()
        if service.id_parameters()
        and service.name not in listed
        and service.name not in NOT_ID_ENTRY_POINTS
    ]
    assert not missing, f"add these to ID_SERVICES: {missing}"


def test_every_id_parameter_has_a_row() -> None:
    rows = set(ID_SERVICES)
    missing = [
        f"{service.name}({parameter})"
        for service in services()
        if service.name not in NOT_ID_ENTRY_POINTS
        for parameter in service.id_parameters()
        if f"{service.name}({parameter})" not in rows
    ]
    assert not missing, f"add these to ID_SERVICES: {missing}"


def _left_place(queue_id: int, user_id: int) -> queues.LeftPlace:
    """A place as leaving ``queue_id`` would have returned it."""
    return queues.LeftPlace(
        queue_id=queue_id,
        user_id=user_id,
        event_version=1,
        seq=1,
        status=EntryStatus.WAITING,
        task_id=None,
        joined_at=utcnow(),
        called_at=None,
        called_by_id=None,
        call_acknowledged_at=None,
        marked_task_id=None,
    )

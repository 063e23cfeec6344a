"""Who may do each admin action (SPEC §2), checked in the service layer on both databases.

Every case builds a world of its own, straight through SQLAlchemy as tests/services/factories.py
does: a group's workspace W with its admin, a second admin, approved students, a pending
applicant, a teacher of W's subject "Algebra" (its queue open, a student waiting) and one of its
other subject "Physics", an admin of another workspace W2 of the same group, a site admin, and a
site admin blocked after signing in (their view still says "site admin"; the stored account
decides). Anonymous visitors never reach a service: the pages send them to sign in
(tests/ui/test_admin_page_matrix.py).

A refused action raises ``ForbiddenError`` and changes nothing in the database (every table is
compared, the audit log among them). An allowed write changes it; an allowed read answers. The
eCourses actions need the actor's own eCourses sign-in, which nobody here has: for them,
"allowed" means the permission check passed and the service asks for that sign-in.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from db.models import (
    Base,
    DisplayLink,
    EntryStatus,
    Group,
    MemberRole,
    MemberStatus,
    Queue,
    QueueEntry,
    QueueState,
    StudentInvite,
    Subject,
    SubjectTeacher,
    Task,
    TeacherInvite,
    User,
    Workspace,
    WorkspaceMember,
)
from db.types import utcnow
from equeue_ui.errors import ForbiddenError
from equeue_ui.runtime import Runtime
from equeue_ui.services import (
    accounts,
    audit_log,
    boards,
    ecourses_import,
    ecourses_tasks,
    exports,
    group_import,
    groups,
    password_resets,
    progress,
    queues,
    site,
    statistics,
    status,
    student_invites,
    subjects,
    tasks,
    teaching,
    workspace_stats,
    workspaces,
)
from equeue_ui.services.accounts import hash_token
from equeue_ui.services.ecourses_accounts import EcoursesSignInNeeded
from equeue_ui.services.views import UserView
from tests.services import factories

# --- the matrix -----------------------------------------------------------------------------------
# A: allowed, -: refused. Columns:
#   admin       approved admin of W
#   member      approved student of W
#   pending     asked to join W, not approved
#   other       admin of W2, another workspace of the same group
#   teacher     teacher role, assigned to W's subject "Algebra"
#   elsewhere   teacher role, assigned only to W's other subject "Physics"
#   site        site admin
#   blocked     a site admin blocked meanwhile (their UserView still says site admin)
ROLES = ("admin", "member", "pending", "other", "teacher", "elsewhere", "site", "blocked")

MATRIX = """
action                          admin  member  pending  other  teacher  elsewhere  site  blocked
workspace.rename                  A       -       -       -       -         -        A      -
workspace.delete                  A       -       -       -       -         -        A      -
workspace.approve                 A       -       -       -       -         -        A      -
workspace.reject                  A       -       -       -       -         -        A      -
workspace.promote                 A       -       -       -       -         -        A      -
workspace.demote                  A       -       -       -       -         -        A      -
workspace.remove_member           A       -       -       -       -         -        A      -
workspace.list_join_requests      A       -       -       -       -         -        A      -
student_invite.create             A       -       -       -       -         -        A      -
student_invite.list               A       -       -       -       -         -        A      -
student_invite.revoke             A       -       -       -       -         -        A      -
subject.create                    A       -       -       -       -         -        A      -
subject.update                    A       -       -       -       -         -        A      -
subject.update_requirements       A       -       -       -       A         -        A      -
subject.delete                    A       -       -       -       -         -        A      -
subject.assign_teacher            -       -       -       -       -         -        A      -
subject.unassign_teacher          A       -       -       -       -         -        A      -
task.create                       A       -       -       -       -         -        A      -
task.update                       A       -       -       -       -         -        A      -
task.delete                       A       -       -       -       -         -        A      -
task.reorder                      A       -       -       -       -         -        A      -
task.move                         A       -       -       -       -         -        A      -
queue.update_settings             A       -       -       -       A         -        A      -
queue.set_state                   A       -       -       -       A         -        A      -
queue.call_next                   A       -       -       -       A         -        A      -
queue.let_in                      A       -       -       -       A         -        A      -
queue.members_to_let_in           A       -       -       -       A         -        A      -
queue.accept                      A       -       -       -       A         -        A      -
queue.return_entry                A       -       -       -       A         -        A      -
queue.skip                        A       -       -       -       A         -        A      -
queue.remove_entry                A       -       -       -       A         -        A      -
queue.clear                       A       -       -       -       A         -        A      -
board.open_as_operator            A       -       -       -       A         -        A      -
board.set_names                   A       -       -       -       A         -        A      -
board.set_pictures                A       -       -       -       A         -        A      -
display_link.create               A       -       -       -       A         -        A      -
display_link.list                 A       -       -       -       A         -        A      -
display_link.revoke               A       -       -       -       A         -        A      -
teacher_invite.create             A       -       -       -       -         -        A      -
teacher_invite.list               A       -       -       -       -         -        A      -
teacher_invite.revoke             A       -       -       -       -         -        A      -
stats.queue                       A       -       -       -       A         -        A      -
stats.subject                     A       -       -       -       A         -        A      -
stats.workspace                   A       -       -       -       -         -        A      -
export.subject_submissions        A       -       -       -       A         -        A      -
export.queue_history              A       -       -       -       A         -        A      -
export.workspace_submissions      A       -       -       -       -         -        A      -
ecourses.propose_subjects         A       -       -       -       -         -        A      -
ecourses.import_subjects          A       -       -       -       -         -        A      -
ecourses.preview_tasks            A       -       -       -       -         -        A      -
ecourses.import_tasks             A       -       -       -       -         -        A      -
ecourses.link_course              A       -       -       -       -         -        A      -
site.get_settings                 -       -       -       -       -         -        A      -
site.update_settings              -       -       -       -       -         -        A      -
site.status                       -       -       -       -       -         -        A      -
group.create                      -       -       -       -       -         -        A      -
group.list                        -       -       -       -       -         -        A      -
group.impact                      -       -       -       -       -         -        A      -
group.rename                      -       -       -       -       -         -        A      -
group.delete                      -       -       -       -       -         -        A      -
group.preview_import              -       -       -       -       -         -        A      -
group.import                      -       -       -       -       -         -        A      -
user.search                       -       -       -       -       -         -        A      -
user.set_roles                    -       -       -       -       -         -        A      -
user.set_blocked                  -       -       -       -       -         -        A      -
user.password_reset_link          -       -       -       -       -         -        A      -
audit.list_entries                -       -       -       -       -         -        A      -
audit.list_actions                -       -       -       -       -         -        A      -
"""

# Cases where a service does not do what SPEC §2 says: (action, role) -> why. None is known;
# a service outside the matrix that checks nothing has a test of its own at the end.
KNOWN_BUGS: dict[tuple[str, str], str] = {}


def _parse(table: str) -> dict[str, dict[str, bool]]:
    header, *rows = [line.split() for line in table.strip().splitlines()]
    assert tuple(header[1:]) == ROLES, header
    parsed = {}
    for action, *marks in rows:
        assert len(marks) == len(ROLES) and set(marks) <= {"A", "-"}, action
        parsed[action] = {role: mark == "A" for role, mark in zip(ROLES, marks, strict=True)}
    return parsed


EXPECTED = _parse(MATRIX)


# --- the world ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ctx:
    """The world of one case: ids to act on, and an actor per role."""

    actors: dict[str, UserView]
    workspace_id: int
    subject_id: int
    queue_id: int
    task_ids: tuple[int, ...]
    entry_id: int  # a student waiting in the open queue
    pending_id: int
    member_id: int
    second_admin_id: int  # another admin of W, so demoting is not refused as "the last admin"
    bystander_id: int  # an approved member of W acted on by removals and the user admin
    unassigned_teacher_id: int
    co_teacher_id: int  # a second teacher of "Algebra"
    display_link_id: int
    student_invite_id: int
    teacher_invite_id: int
    spare_group_id: int  # a group with nobody in it


ECOURSES_COURSE = 4242


async def _build(rt: Runtime) -> Ctx:
    """The world, written in one transaction (a thousand cases build one each)."""
    async with rt.db.write_session() as session:
        group, spare = Group(name="КИ21-16/2Б"), Group(name="ФИ23-05Б")
        session.add_all([group, spare])
        await session.flush()

        def person(username: str, **roles: bool) -> User:
            in_group = not (roles.get("is_teacher") or roles.get("is_site_admin"))
            return User(
                username=username,
                first_name=username.capitalize(),
                group_id=group.id if in_group else None,
                **roles,
            )

        users = {
            "admin": person("ada"),
            "second_admin": person("sam"),
            "member": person("mia"),
            "bystander": person("bob"),
            "waiting": person("wes"),
            "pending": person("pat"),
            "other": person("otto"),
            "teacher": person("tom", is_teacher=True),
            "co_teacher": person("cora", is_teacher=True),
            "elsewhere": person("elsa", is_teacher=True),
            "unassigned_teacher": person("uma", is_teacher=True),
            "site": person("root", is_site_admin=True),
            # Blocked after signing in: the view taken below still says "site admin".
            "blocked": person("ex_root", is_site_admin=True),
        }
        # A local password (never checked here): only such accounts get reset links.
        users["bystander"].password_hash = "$argon2id$v=19$m=8,t=1,p=1$not-checked"
        session.add_all(users.values())
        workspace, other_workspace = (
            Workspace(group_id=group.id, name="W"),
            Workspace(group_id=group.id, name="W2"),
        )
        session.add_all([workspace, other_workspace])
        await session.flush()
        views = {role: UserView.of(user) for role, user in users.items()}
        users["blocked"].blocked = True

        def member(user: str, role: MemberRole, status: MemberStatus, to: Workspace) -> None:
            session.add(
                WorkspaceMember(
                    workspace_id=to.id, user_id=users[user].id, role=role, status=status
                )
            )

        admin, plain, approved = MemberRole.ADMIN, MemberRole.MEMBER, MemberStatus.APPROVED
        for name, role in [("admin", admin), ("second_admin", admin), ("member", plain)]:
            member(name, role, approved, workspace)
        for name in ("bystander", "waiting"):
            member(name, plain, approved, workspace)
        member("pending", plain, MemberStatus.PENDING, workspace)
        member("other", admin, approved, other_workspace)

        algebra = Subject(
            workspace_id=workspace.id, name="Algebra", ecourses_course_id=ECOURSES_COURSE
        )
        physics = Subject(workspace_id=workspace.id, name="Physics")
        session.add_all([algebra, physics])
        await session.flush()
        queue, physics_queue = (
            Queue(
                subject_id=subject.id,
                state=state,
                members_can_freeze=True,
                version=0,
                next_seq=2,
            )
            for subject, state in [(algebra, QueueState.OPEN), (physics, QueueState.CLOSED)]
        )
        labs = [Task(subject_id=algebra.id, name=f"Lab {n}", order_index=n) for n in range(3)]
        session.add_all([queue, physics_queue, *labs])
        for subject, teacher in [
            (algebra, "teacher"),
            (algebra, "co_teacher"),
            (physics, "elsewhere"),
        ]:
            session.add(SubjectTeacher(subject_id=subject.id, user_id=users[teacher].id))
        await session.flush()
        entry = QueueEntry(
            queue_id=queue.id,
            user_id=users["waiting"].id,
            task_id=labs[0].id,
            status=EntryStatus.WAITING,
            seq=1,
        )
        later = utcnow() + timedelta(days=7)
        made_by = users["admin"].id
        link = DisplayLink(queue_id=queue.id, token_hash=_token(), created_by_id=made_by)
        student_invite = StudentInvite(
            workspace_id=workspace.id, token_hash=_token(), created_by_id=made_by, expires_at=later
        )
        teacher_invite = TeacherInvite(
            subject_id=algebra.id, token_hash=_token(), created_by_id=made_by, expires_at=later
        )
        session.add_all([entry, link, student_invite, teacher_invite])
        # eCourses switched on, at an address nobody listens on (no case gets as far as calling).
        await site.put_setting(session, "ecourses_url", "http://127.0.0.1:9")
        await session.commit()
        return Ctx(
            actors={role: views[role] for role in ROLES},
            workspace_id=workspace.id,
            subject_id=algebra.id,
            queue_id=queue.id,
            task_ids=tuple(lab.id for lab in labs),
            entry_id=entry.id,
            pending_id=users["pending"].id,
            member_id=users["member"].id,
            second_admin_id=users["second_admin"].id,
            bystander_id=users["bystander"].id,
            unassigned_teacher_id=users["unassigned_teacher"].id,
            co_teacher_id=users["co_teacher"].id,
            display_link_id=link.id,
            student_invite_id=student_invite.id,
            teacher_invite_id=teacher_invite.id,
            spare_group_id=spare.id,
        )


def _token() -> str:
    return hash_token(secrets.token_urlsafe(24))


async def _dump(rt: Runtime) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order."""
    async with rt.db.read_session() as session:
        return {
            table.name: [
                tuple(row)
                for row in await session.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in Base.metadata.sorted_tables
        }


# --- the actions ----------------------------------------------------------------------------------

Action = Callable[[Ctx, UserView], Awaitable[Any]]
WRITE, READ, ECOURSES = "write", "read", "ecourses"


def _actions() -> dict[str, tuple[str, Action]]:
    """Each action of the matrix: whether it writes, and the call made with ``actor``."""
    # fmt: off
    return {
        "workspace.rename": (WRITE, lambda c, a: workspaces.rename_workspace(c.workspace_id, "Renamed", actor=a)),  # noqa: E501
        "workspace.delete": (WRITE, lambda c, a: workspaces.delete_workspace(c.workspace_id, actor=a)),  # noqa: E501
        "workspace.approve": (WRITE, lambda c, a: workspaces.approve(c.workspace_id, c.pending_id, actor=a)),  # noqa: E501
        "workspace.reject": (WRITE, lambda c, a: workspaces.reject(c.workspace_id, c.pending_id, actor=a)),  # noqa: E501
        "workspace.promote": (WRITE, lambda c, a: workspaces.promote(c.workspace_id, c.member_id, actor=a)),  # noqa: E501
        "workspace.demote": (WRITE, lambda c, a: workspaces.demote(c.workspace_id, c.second_admin_id, actor=a)),  # noqa: E501
        "workspace.remove_member": (WRITE, lambda c, a: workspaces.remove_member(c.workspace_id, c.bystander_id, actor=a)),  # noqa: E501
        "workspace.list_join_requests": (READ, lambda c, a: workspaces.list_members(c.workspace_id, actor=a, statuses=(MemberStatus.PENDING,))),  # noqa: E501
        "student_invite.create": (WRITE, lambda c, a: student_invites.create_invite(c.workspace_id, actor=a)),  # noqa: E501
        "student_invite.list": (READ, lambda c, a: student_invites.list_invites(c.workspace_id, actor=a)),  # noqa: E501
        "student_invite.revoke": (WRITE, lambda c, a: student_invites.revoke_invite(c.student_invite_id, actor=a)),  # noqa: E501
        "subject.create": (WRITE, lambda c, a: subjects.create_subject(c.workspace_id, actor=a, name="Chemistry")),  # noqa: E501
        "subject.update": (WRITE, lambda c, a: subjects.update_subject(c.subject_id, actor=a, name="Algebra II", teacher_name="Dr Who", teacher_contact="room 1", requirements="")),  # noqa: E501
        "subject.update_requirements": (WRITE, lambda c, a: subjects.update_subject(c.subject_id, actor=a, name="Algebra", teacher_name="", teacher_contact="", requirements="Bring a laptop.")),  # noqa: E501
        "subject.delete": (WRITE, lambda c, a: subjects.delete_subject(c.subject_id, actor=a)),
        "subject.assign_teacher": (WRITE, lambda c, a: subjects.assign_teacher(c.subject_id, c.unassigned_teacher_id, actor=a)),  # noqa: E501
        "subject.unassign_teacher": (WRITE, lambda c, a: subjects.unassign_teacher(c.subject_id, c.co_teacher_id, actor=a)),  # noqa: E501
        "task.create": (WRITE, lambda c, a: tasks.create_task(c.subject_id, actor=a, name="Lab 4")),
        "task.update": (WRITE, lambda c, a: tasks.update_task(c.task_ids[0], actor=a, name="Lab 1a", url=None, due_at=None)),  # noqa: E501
        "task.delete": (WRITE, lambda c, a: tasks.delete_task(c.task_ids[0], actor=a)),
        "task.reorder": (WRITE, lambda c, a: tasks.reorder_tasks(c.subject_id, list(reversed(c.task_ids)), actor=a)),  # noqa: E501
        "task.move": (WRITE, lambda c, a: tasks.move_task(c.task_ids[0], actor=a, delta=1)),
        "queue.update_settings": (WRITE, lambda c, a: queues.update_settings(c.queue_id, actor=a, members_can_freeze=False, max_size=20)),  # noqa: E501
        "queue.set_state": (WRITE, lambda c, a: queues.set_state(c.queue_id, QueueState.PAUSED, actor=a)),  # noqa: E501
        "queue.call_next": (WRITE, lambda c, a: queues.call_next(c.queue_id, actor=a)),
        "queue.let_in": (WRITE, lambda c, a: queues.let_in(c.queue_id, actor=a, user_id=c.bystander_id)),  # noqa: E501
        "queue.members_to_let_in": (READ, lambda c, a: queues.members_to_let_in(c.queue_id, actor=a)),  # noqa: E501
        "queue.accept": (WRITE, lambda c, a: queues.accept(c.entry_id, actor=a)),
        "queue.return_entry": (WRITE, lambda c, a: queues.return_entry(c.entry_id, actor=a)),
        "queue.skip": (WRITE, lambda c, a: queues.skip(c.entry_id, actor=a)),
        "queue.remove_entry": (WRITE, lambda c, a: queues.remove_entry(c.entry_id, actor=a)),
        "queue.clear": (WRITE, lambda c, a: queues.clear_queue(c.queue_id, actor=a)),
        "board.open_as_operator": (READ, lambda c, a: boards.board_for_operator(c.queue_id, actor=a)),  # noqa: E501
        "board.set_names": (WRITE, lambda c, a: boards.set_board_names(c.subject_id, True, actor=a)),  # noqa: E501
        "board.set_pictures": (WRITE, lambda c, a: boards.set_board_pictures(c.subject_id, True, actor=a)),  # noqa: E501
        "display_link.create": (WRITE, lambda c, a: boards.create_display_link(c.queue_id, actor=a)),  # noqa: E501
        "display_link.list": (READ, lambda c, a: boards.list_display_links(c.queue_id, actor=a)),
        "display_link.revoke": (WRITE, lambda c, a: boards.revoke_display_link(c.display_link_id, actor=a)),  # noqa: E501
        "teacher_invite.create": (WRITE, lambda c, a: teaching.create_invite(c.subject_id, actor=a)),  # noqa: E501
        "teacher_invite.list": (READ, lambda c, a: teaching.list_invites(c.subject_id, actor=a)),
        "teacher_invite.revoke": (WRITE, lambda c, a: teaching.revoke_invite(c.teacher_invite_id, actor=a)),  # noqa: E501
        "stats.queue": (READ, lambda c, a: statistics.queue_stats(c.queue_id, actor=a)),
        "stats.subject": (READ, lambda c, a: progress.subject_stats(c.subject_id, actor=a)),
        "stats.workspace": (READ, lambda c, a: workspace_stats.workspace_stats(c.workspace_id, actor=a)),  # noqa: E501
        "export.subject_submissions": (READ, lambda c, a: exports.submissions_csv(c.subject_id, actor=a, language="en")),  # noqa: E501
        "export.queue_history": (READ, lambda c, a: exports.queue_history_csv(c.queue_id, actor=a, language="en")),  # noqa: E501
        "export.workspace_submissions": (READ, lambda c, a: exports.workspace_submissions_csv(c.workspace_id, actor=a, language="en")),  # noqa: E501
        "ecourses.propose_subjects": (ECOURSES, lambda c, a: ecourses_import.propose_subjects(c.workspace_id, actor=a)),  # noqa: E501
        "ecourses.import_subjects": (ECOURSES, lambda c, a: ecourses_import.import_subjects(c.workspace_id, [ECOURSES_COURSE + 1], actor=a)),  # noqa: E501
        "ecourses.preview_tasks": (ECOURSES, lambda c, a: ecourses_tasks.preview_tasks(c.subject_id, actor=a)),  # noqa: E501
        "ecourses.import_tasks": (ECOURSES, lambda c, a: ecourses_tasks.import_tasks(c.subject_id, actor=a)),  # noqa: E501
        "ecourses.link_course": (ECOURSES, lambda c, a: ecourses_tasks.link_course(c.subject_id, ECOURSES_COURSE + 1, actor=a)),  # noqa: E501
        "site.get_settings": (READ, lambda c, a: site.get_site_settings(actor=a)),
        "site.update_settings": (WRITE, lambda c, a: site.update_site_settings(actor=a, registration_enabled=False)),  # noqa: E501
        "site.status": (READ, lambda c, a: status.site_status(actor=a)),
        "group.create": (WRITE, lambda c, a: groups.create_group("ФИ24-01Б", actor=a)),
        "group.list": (READ, lambda c, a: groups.list_groups("", actor=a)),
        "group.impact": (READ, lambda c, a: groups.group_impact(c.spare_group_id, actor=a)),
        "group.rename": (WRITE, lambda c, a: groups.rename_group(c.spare_group_id, "ФИ23-06Б", actor=a)),  # noqa: E501
        "group.delete": (WRITE, lambda c, a: groups.delete_group(c.spare_group_id, actor=a)),
        "group.preview_import": (READ, lambda c, a: group_import.preview_import(["ФИ24-02Б", "ФИ23-05Б"], actor=a)),  # noqa: E501
        "group.import": (WRITE, lambda c, a: group_import.import_groups(["ФИ24-02Б"], actor=a, source="list.txt")),  # noqa: E501
        "user.search": (READ, lambda c, a: accounts.search_users("", actor=a)),
        "user.set_roles": (WRITE, lambda c, a: accounts.set_roles(c.bystander_id, actor=a, teacher=True)),  # noqa: E501
        "user.set_blocked": (WRITE, lambda c, a: accounts.set_blocked(c.bystander_id, True, actor=a)),  # noqa: E501
        "user.password_reset_link": (WRITE, lambda c, a: password_resets.create_link(c.bystander_id, actor=a)),  # noqa: E501
        "audit.list_entries": (READ, lambda c, a: audit_log.list_entries(actor=a)),
        "audit.list_actions": (READ, lambda c, a: audit_log.list_actions(actor=a)),
    }
    # fmt: on


ACTIONS = _actions()
assert set(ACTIONS) == set(EXPECTED), set(ACTIONS) ^ set(EXPECTED)
assert all(action in EXPECTED and role in ROLES for action, role in KNOWN_BUGS)


def _cases() -> list[Any]:
    cases = []
    for action, allowed in EXPECTED.items():
        for role in ROLES:
            bug = KNOWN_BUGS.get((action, role))
            marks = [pytest.mark.xfail(strict=True, reason=bug)] if bug else []
            cases.append(
                pytest.param(action, role, allowed[role], id=f"{action}-{role}", marks=marks)
            )
    return cases


# --- the test -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("action", "role", "allowed"), _cases())
async def test_permission_matrix(rt: Runtime, action: str, role: str, allowed: bool) -> None:
    ctx = await _build(rt)
    kind, call = ACTIONS[action]
    actor = ctx.actors[role]
    before = await _dump(rt)
    if not allowed:
        with pytest.raises(ForbiddenError):
            await call(ctx, actor)
        assert await _dump(rt) == before, "a refused action wrote to the database"
    elif kind == ECOURSES:
        # The permission check passed; the service now needs the actor's eCourses sign-in.
        with pytest.raises(EcoursesSignInNeeded):
            await call(ctx, actor)
        assert await _dump(rt) == before
    elif kind == READ:
        assert await call(ctx, actor) is not None
        assert await _dump(rt) == before, "a read wrote to the database"
    else:
        await call(ctx, actor)
        assert await _dump(rt) != before, "an allowed action changed nothing"


async def test_fetching_a_timetable_address_is_refused_to_anyone_but_site_admins(
    rt: Runtime,
) -> None:
    student = await factories.make_user(rt, "student")
    with pytest.raises(ForbiddenError):
        await group_import.fetch_group_list("http://127.0.0.1:9/groups.json", actor=student)

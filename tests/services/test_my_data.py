"""Your data (issue 20, point 5): the export holds everything stored about the person and no
secrets; deleting the account keeps statistics anonymous and is refused to a workspace's last
admin."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from db.models import AuditLog, Session, Submission, User, WorkspaceMember
from equeue_ui.errors import ConflictError, ForbiddenError, InvalidError
from equeue_ui.events import MembershipChanged, QueueChanged, SessionsRevoked, TurnEnded
from equeue_ui.runtime import Runtime
from equeue_ui.services import accounts, my_data, queues
from tests.services import factories
from tests.services.queue_world import QueueWorld, make_queue_world

PASSWORD = "correct horse battery"


async def student_with_history(rt: Runtime) -> tuple[QueueWorld, str]:
    """A student (with a password and a session) who handed in Lab 1 and stands in line."""
    qw = await make_queue_world(rt, students=1)
    student = qw.students[0]
    await factories.add_submission(
        rt, student, qw.task_ids[0], kind="accepted", accepted_by=qw.teacher
    )
    await queues.join_queue(qw.queue_id, actor=student)
    async with rt.db.write_session() as session:
        user = await session.get(User, student.id)
        assert user is not None
        user.password_hash = "$argon2id$v=19$not-a-real-hash"
        user.status_text = "Учусь 🥲"
        await session.commit()
    ticket = await accounts.issue_ticket(student.id, binding="b")
    signed = await accounts.redeem_ticket(
        ticket, binding="b", user_agent="Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0"
    )
    return qw, signed.token


async def test_the_export_holds_everything_about_the_person_and_no_secret(rt: Runtime) -> None:
    qw, token = await student_with_history(rt)
    student = qw.students[0]

    raw = await my_data.export_data(actor=student)

    data = json.loads(raw)
    assert data["format"] == my_data.FORMAT
    assert data["profile"]["username"] == student.username
    assert data["profile"]["status"] == "Учусь 🥲"
    assert data["profile"]["has_local_password"] is True
    assert data["memberships"] == [
        {
            "workspace": "Workspace",
            "role": "member",
            "status": "approved",
            "since": data["memberships"][0]["since"],
        }
    ]
    assert [(h["subject"], h["task"], h["kind"], h["accepted_by"]) for h in data["hand_ins"]] == [
        ("Algebra", "Lab 1", "accepted", "teacher")
    ]
    assert [(p["subject"], p["status"]) for p in data["queue_places"]] == [("Algebra", "waiting")]
    assert [(e["subject"], e["event"], e["by_you"]) for e in data["queue_history"]] == [
        ("Algebra", "joined", True)
    ]
    assert [(s["browser"], s["system"]) for s in data["sessions"]] == [("Firefox 133", "Linux")]
    text = raw.decode("utf-8")
    assert accounts.hash_token(token) not in text and token not in text
    assert "argon2" not in text  # the password hash is not the person's to carry around


async def test_deleting_takes_the_person_out_and_keeps_statistics_anonymous(
    rt: Runtime,
) -> None:
    qw, token = await student_with_history(rt)
    student = qw.students[0]
    seen: list[object] = []
    for kind in (QueueChanged, TurnEnded, MembershipChanged, SessionsRevoked):
        rt.bus.subscribe(kind, seen.append)

    await my_data.delete_account(
        f" {student.username.upper()} ", actor=student, session_token=token
    )

    snapshot = await queues.load_snapshot(qw.queue_id)
    assert snapshot is not None and snapshot.entries == ()
    assert QueueChanged(qw.queue_id, snapshot.version) in seen
    assert TurnEnded(qw.queue_id, student.id, "left") in seen
    assert MembershipChanged(qw.world.workspace_id, student.id) in seen
    # Every browser's pages end but the deleting one's, which says so itself.
    assert SessionsRevoked(student.id, kept_session=accounts.hash_token(token)) in seen
    assert await accounts.user_for_session(token) is None
    async with rt.db.read_session() as session:
        row = await session.get(User, student.id)
        assert row is not None and row.deleted_at is not None
        assert (row.username, row.first_name, row.last_name, row.status_text) == (
            f"deleted:{student.id}",
            "",
            "",
            "",
        )
        assert row.password_hash is None and row.group_id is None
        handed_in = await session.scalar(
            select(func.count()).select_from(Submission).where(Submission.user_id == student.id)
        )
        assert handed_in == 1
        for table in (Session, WorkspaceMember):
            left = await session.scalar(
                select(func.count()).select_from(table).where(table.user_id == student.id)
            )
            assert left == 0
        actions = (await session.scalars(select(AuditLog.action))).all()
    assert "user.delete" in actions
    with pytest.raises(ForbiddenError):
        await accounts.update_profile(actor=student, first_name="Back", last_name="")


async def test_deleting_needs_the_username_typed(rt: Runtime) -> None:
    qw, _token = await student_with_history(rt)
    with pytest.raises(InvalidError):
        await my_data.delete_account("someone else", actor=qw.students[0])
    assert (await accounts.get_user(qw.students[0].id)).username == qw.students[0].username


async def test_the_last_admin_of_a_workspace_is_told_which_and_keeps_the_account(
    rt: Runtime,
) -> None:
    world = await factories.make_world(rt)
    group = await factories.make_group(rt, "Другая группа")
    await factories.make_workspace(rt, group, world.admin, name="Семинар «Б»")
    with pytest.raises(ConflictError) as refused:
        await my_data.delete_account("admin", actor=world.admin)
    assert "«Workspace», «Семинар «Б»»" in refused.value.render("en")

    helper = await factories.make_user(rt, "helper")
    await factories.add_member(rt, world.workspace_id, helper, role="admin")
    with pytest.raises(ConflictError) as still:
        await my_data.delete_account("admin", actor=world.admin)
    assert "Workspace»," not in still.value.render("en")
    assert "Семинар" in still.value.render("en")

"""Your data: everything stored about a person, as a JSON file for them, and deleting one's
account — the person goes, the statistics stay, anonymous."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from db.models import (
    AuditLog,
    Group,
    LoginTicket,
    MemberRole,
    MemberStatus,
    PasswordResetToken,
    Queue,
    QueueEntry,
    QueueEvent,
    Session,
    Subject,
    SubjectTeacher,
    Submission,
    Task,
    User,
    UserPicture,
    Workspace,
    WorkspaceMember,
)
from db.types import utcnow
from equeue_ui.errors import ConflictError, InvalidError
from equeue_ui.events import MembershipChanged, SessionsRevoked, UserChanged
from equeue_ui.i18n import msg
from equeue_ui.services import accounts, audit, permissions, queues, user_agents
from equeue_ui.services.uow import read_only, unit_of_work
from equeue_ui.services.validation import clean_credential
from equeue_ui.services.views import UserView

MEDIA_TYPE = "application/json"
FORMAT = "equeue-my-data/1"


async def export_data(*, actor: UserView) -> bytes:
    """A JSON file of everything stored about the actor: profile, memberships, subjects taught,
    hand-ins, queue places and history, sessions (never their secrets) and the audit entries
    by or about them."""
    async with read_only() as session:
        user = await permissions.load_actor(session, actor)
        group = await session.get(Group, user.group_id) if user.group_id else None
        picture = await session.get(UserPicture, user.id)
        data: dict[str, Any] = {
            "format": FORMAT,
            "exported_at": utcnow(),
            "profile": {
                "username": user.username,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "status": user.status_text,
                "group": group.name if group else None,
                "language": user.language,
                "dark_mode": user.dark_mode,
                "teacher": user.is_teacher,
                "site_admin": user.is_site_admin,
                "has_local_password": user.password_hash is not None,
                "ecourses_user_id": user.ecourses_user_id,
                "ecourses_picture_address": user.avatar_url,
                "picture": None if picture is None else picture.source,
                "created_at": user.created_at,
            },
        }
        memberships = await session.execute(
            select(Workspace.name, WorkspaceMember.role, WorkspaceMember.status)
            .add_columns(WorkspaceMember.joined_at)
            .join(Workspace, Workspace.id == WorkspaceMember.workspace_id)
            .where(WorkspaceMember.user_id == user.id)
            .order_by(WorkspaceMember.joined_at)
        )
        data["memberships"] = [
            {"workspace": name, "role": role, "status": status, "since": since}
            for name, role, status, since in memberships.all()
        ]
        taught = await session.execute(
            select(Subject.name, SubjectTeacher.assigned_at)
            .join(SubjectTeacher, SubjectTeacher.subject_id == Subject.id)
            .where(SubjectTeacher.user_id == user.id)
            .order_by(Subject.name)
        )
        data["subjects_taught"] = [{"subject": n, "since": at} for n, at in taught.all()]
        accepter = aliased(User)
        hand_ins = await session.execute(
            select(Subject.name, Task.name, Submission.kind, Submission.submitted_at)
            .add_columns(accepter.username)
            .join(Task, Task.id == Submission.task_id)
            .join(Subject, Subject.id == Task.subject_id)
            .outerjoin(accepter, accepter.id == Submission.accepted_by_id)
            .where(Submission.user_id == user.id)
            .order_by(Submission.submitted_at)
        )
        data["hand_ins"] = [
            {"subject": s, "task": t, "kind": kind, "at": at, "accepted_by": by}
            for s, t, kind, at, by in hand_ins.all()
        ]
        places = await session.execute(
            select(Subject.name, QueueEntry.status, QueueEntry.joined_at, QueueEntry.called_at)
            .join(Queue, Queue.id == QueueEntry.queue_id)
            .join(Subject, Subject.id == Queue.subject_id)
            .where(QueueEntry.user_id == user.id)
            .order_by(QueueEntry.joined_at)
        )
        data["queue_places"] = [
            {"subject": s, "status": status, "joined_at": joined, "called_at": called}
            for s, status, joined, called in places.all()
        ]
        history = await session.execute(
            select(Subject.name, QueueEvent.kind, QueueEvent.at, QueueEvent.actor_id)
            .join(Queue, Queue.id == QueueEvent.queue_id)
            .join(Subject, Subject.id == Queue.subject_id)
            .where(QueueEvent.user_id == user.id)
            .order_by(QueueEvent.at, QueueEvent.id)
        )
        data["queue_history"] = [
            {"subject": s, "event": kind, "at": at, "by_you": actor_id == user.id}
            for s, kind, at, actor_id in history.all()
        ]
        sessions = (
            await session.scalars(
                select(Session).where(Session.user_id == user.id).order_by(Session.created_at)
            )
        ).all()
        devices = await user_agents.describe_all([row.user_agent for row in sessions])
        data["sessions"] = [
            _session_entry(row, device) for row, device in zip(sessions, devices, strict=True)
        ]
        entries = await session.scalars(
            select(AuditLog)
            .where(or_(AuditLog.actor_id == user.id, AuditLog.target == user.username))
            .order_by(AuditLog.at, AuditLog.id)
        )
        data["audit_log"] = [
            {
                "action": entry.action,
                "target": entry.target,
                "by_you": entry.actor_id == user.id,
                "at": entry.at,
                "details": entry.details,
            }
            for entry in entries.all()
        ]
    return json.dumps(data, ensure_ascii=False, indent=2, default=_plain).encode("utf-8")


def _session_entry(row: Session, device: user_agents.Device) -> dict[str, Any]:
    return {
        "browser": device.browser,
        "system": device.system,
        "user_agent": row.user_agent,
        "address": row.address,
        "created_at": row.created_at,
        "last_seen_at": row.last_seen_at,
        "expires_at": row.expires_at,
    }


def _plain(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


async def delete_account(
    confirmation: str, *, actor: UserView, session_token: str | None = None
) -> None:
    """Delete one's account after typing one's username. Refused while the person is the last
    admin of a workspace (named). Their queue places end (the queues' pages show it), their
    sessions, picture, links and memberships go; the row stays without a name, so what they
    handed in still counts in statistics, anonymously. Audited; emits SessionsRevoked, which
    spares the pages of ``session_token``'s browser: that page says what happened itself."""
    typed = clean_credential(confirmation).strip().casefold()
    async with unit_of_work() as uow:
        user = await permissions.load_actor(uow.session, actor)
        if typed != user.username.casefold():
            raise InvalidError(msg("Type your username exactly to confirm."))
        last_admin_of = await _sole_admin_workspaces(uow.session, user.id)
        if last_admin_of:
            raise ConflictError(
                msg(
                    "You are the only admin of {workspaces}. Make someone else an admin there "
                    "first (or delete the workspace).",
                    workspaces=", ".join(f"«{name}»" for name in last_admin_of),
                )
            )
        await queues.remove_user_entries(uow, user.id, None, actor_id=user.id)
        workspace_ids = await uow.session.scalars(
            delete(WorkspaceMember)
            .where(WorkspaceMember.user_id == user.id)
            .returning(WorkspaceMember.workspace_id)
        )
        for workspace_id in workspace_ids.all():
            uow.emit(MembershipChanged(workspace_id, user.id))
        for table in (Session, LoginTicket, PasswordResetToken, UserPicture, SubjectTeacher):
            await uow.session.execute(delete(table).where(table.user_id == user.id))
        _anonymise(user)
        # Under the anonymous name: the log keeps that an account was deleted, not whose.
        audit.record(uow.session, user, "user.delete", user.username)
        kept = accounts.hash_token(session_token) if session_token else None
        uow.emit(SessionsRevoked(user.id, kept_session=kept))
        uow.emit(UserChanged(user.id))


async def _sole_admin_workspaces(session: AsyncSession, user_id: int) -> list[str]:
    """Names of the workspaces whose only approved admin is the user."""
    other = aliased(WorkspaceMember)
    others_admin = (
        select(other.id)
        .where(
            other.workspace_id == WorkspaceMember.workspace_id,
            other.user_id != user_id,
            other.role == MemberRole.ADMIN,
            other.status == MemberStatus.APPROVED,
        )
        .exists()
    )
    names = await session.scalars(
        select(Workspace.name)
        .join(WorkspaceMember, WorkspaceMember.workspace_id == Workspace.id)
        .where(
            WorkspaceMember.user_id == user_id,
            WorkspaceMember.role == MemberRole.ADMIN,
            WorkspaceMember.status == MemberStatus.APPROVED,
            ~others_admin,
        )
        .order_by(Workspace.name)
    )
    return list(names.all())


def _anonymise(user: User) -> None:
    # A colon is no username's character (accounts.USERNAME_PATTERN): nobody can register it,
    # and the row is nobody's to sign in to.
    user.username = f"deleted:{user.id}"
    user.first_name = user.last_name = user.status_text = ""
    user.password_hash = user.avatar_url = user.picture_key = None
    user.ecourses_user_id = None
    user.ecourses_token_encrypted = None
    user.group_id = None
    user.language = user.dark_mode = None
    user.is_teacher = user.is_site_admin = False
    user.blocked = True  # refused by every service's actor check
    user.deleted_at = utcnow()

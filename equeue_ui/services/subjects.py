"""Subjects of a workspace, each with its own queue, and the teacher accounts assigned to them.

Workspace admins manage subjects; a subject's teachers may edit only its requirements; site
admins assign teachers. Every change emits ``SubjectChanged`` after commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import EllipsisType

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import NAME_LENGTH, Queue, QueueState, Subject, SubjectTeacher, User
from equeue_ui.errors import ConflictError, ForbiddenError, InvalidError, NotFoundError
from equeue_ui.events import QueueChanged, SubjectChanged
from equeue_ui.i18n import msg
from equeue_ui.services import audit, permissions
from equeue_ui.services.uow import read_only, unit_of_work
from equeue_ui.services.validation import clean_name, clean_text, clean_url
from equeue_ui.services.views import SubjectView, UserView

REQUIREMENTS_LENGTH = 20_000

SUBJECT_NAME_TAKEN = msg("A subject with this name already exists in this workspace.")
TEACHER_ASSIGNED = msg("This teacher is already assigned to the subject.")
COURSE_TAKEN = msg("This eCourses course is already linked to a subject of this workspace.")


@dataclass(frozen=True)
class _Details:
    """A subject's editable fields, checked."""

    name: str
    teacher_name: str
    teacher_contact: str
    requirements: str

    @classmethod
    def clean(
        cls, name: str, teacher_name: str, teacher_contact: str, requirements: str
    ) -> _Details:
        # Requirements are stored as typed; Markdown is sanitised when it is rendered.
        return cls(
            name=clean_name(name),
            teacher_name=clean_text(teacher_name, max_length=NAME_LENGTH),
            teacher_contact=clean_text(teacher_contact, max_length=NAME_LENGTH),
            requirements=clean_text(requirements, max_length=REQUIREMENTS_LENGTH),
        )

    def only_requirements_differ(self, subject: Subject) -> bool:
        """True when these details change nothing of ``subject`` but its requirements."""
        return (self.name, self.teacher_name, self.teacher_contact) == (
            subject.name,
            subject.teacher_name,
            subject.teacher_contact,
        )


# --- subjects ---------------------------------------------------------------------------------


async def create_subject(
    workspace_id: int,
    *,
    actor: UserView,
    name: str,
    teacher_name: str = "",
    teacher_contact: str = "",
    requirements: str = "",
    ecourses_course_id: int | None = None,
    ecourses_url: str | None = None,
) -> SubjectView:
    """Create a subject and its (closed) queue; workspace admins only. Refused when the name
    or the eCourses course is already used in the workspace. Emits ``SubjectChanged``."""
    async with unit_of_work(conflict=SUBJECT_NAME_TAKEN) as uow:
        session = uow.session
        user = await permissions.load_actor(session, actor)
        await permissions.ensure_workspace_admin(session, user, workspace_id)
        details = _Details.clean(name, teacher_name, teacher_contact, requirements)
        url = clean_url(ecourses_url)
        await _ensure_name_free(session, workspace_id, details.name)
        if ecourses_course_id is not None and await session.scalar(
            select(Subject.id).where(
                Subject.workspace_id == workspace_id,
                Subject.ecourses_course_id == ecourses_course_id,
            )
        ):
            raise ConflictError(COURSE_TAKEN)
        subject = Subject(
            workspace_id=workspace_id,
            name=details.name,
            teacher_name=details.teacher_name,
            teacher_contact=details.teacher_contact,
            requirements=details.requirements,
            ecourses_course_id=ecourses_course_id,
            ecourses_url=url,
        )
        session.add(subject)
        await session.flush()
        queue = Queue(
            subject_id=subject.id,
            state=QueueState.CLOSED,
            members_can_freeze=True,
            version=0,
            next_seq=1,
        )
        session.add(queue)
        await session.flush()
        audit.record(session, user, "subject.create", details.name, workspace_id=workspace_id)
        uow.emit(SubjectChanged(workspace_id, subject.id))
        return SubjectView.of(subject, queue.id)


async def update_subject(
    subject_id: int,
    *,
    actor: UserView,
    name: str,
    teacher_name: str,
    teacher_contact: str,
    requirements: str,
    ecourses_url: str | EllipsisType | None = ...,
) -> SubjectView:
    """Edit a subject (``ecourses_url`` left out: kept). Workspace admins change everything; the
    subject's teachers only its requirements. Refused when the new name is taken. Audited;
    emits ``SubjectChanged``."""
    async with unit_of_work(conflict=SUBJECT_NAME_TAKEN) as uow:
        session = uow.session
        user = await permissions.load_actor(session, actor)
        subject = await permissions.get_subject(session, subject_id)
        await permissions.ensure_subject_editor(session, user, subject)
        is_admin = user.is_site_admin or await permissions.is_workspace_admin(
            session, user, subject.workspace_id
        )
        details = _Details.clean(name, teacher_name, teacher_contact, requirements)
        url = subject.ecourses_url if ecourses_url is ... else clean_url(ecourses_url)
        if not is_admin and (
            not details.only_requirements_differ(subject) or url != subject.ecourses_url
        ):
            raise ForbiddenError(msg("A subject's teachers may change only its requirements."))
        if details.name != subject.name:
            await _ensure_name_free(session, subject.workspace_id, details.name)
        subject.name = details.name
        subject.teacher_name = details.teacher_name
        subject.teacher_contact = details.teacher_contact
        subject.requirements = details.requirements
        subject.ecourses_url = url
        await session.flush()
        audit.record(session, user, "subject.update", subject.name, id=subject.id)
        uow.emit(SubjectChanged(subject.workspace_id, subject.id))
        return SubjectView.of(subject, await _queue_id(session, subject.id))


async def delete_subject(subject_id: int, *, actor: UserView) -> None:
    """Delete a subject with its tasks, submissions and queue; workspace admins only.
    Emits ``SubjectChanged``, and ``QueueChanged`` so anyone watching the queue sees it go."""
    async with unit_of_work() as uow:
        session = uow.session
        user = await permissions.load_actor(session, actor)
        subject = await permissions.get_subject(session, subject_id)
        await permissions.ensure_workspace_admin(session, user, subject.workspace_id)
        queue = await session.scalar(select(Queue).where(Queue.subject_id == subject.id))
        audit.record(session, user, "subject.delete", subject.name, id=subject.id)
        await session.delete(subject)  # the database cascades to tasks, queue and teachers
        uow.emit(SubjectChanged(subject.workspace_id, subject.id))
        if queue is not None:
            uow.emit(QueueChanged(queue.id, queue.version + 1))


async def list_subjects(workspace_id: int, *, actor: UserView) -> list[SubjectView]:
    """The workspace's subjects by name; approved members and site admins only."""
    async with read_only() as session:
        user = await permissions.load_actor(session, actor)
        await permissions.ensure_workspace_member(session, user, workspace_id)
        return await _views(session, Subject.workspace_id == workspace_id)


async def get_subject(subject_id: int, *, actor: UserView) -> SubjectView:
    """One subject, for its workspace's approved members and its teachers."""
    async with read_only() as session:
        user = await permissions.load_actor(session, actor)
        subject = await permissions.ensure_subject_visible(session, user, subject_id)
        return SubjectView.of(subject, await _queue_id(session, subject.id))


# --- teachers ---------------------------------------------------------------------------------


async def assign_teacher(subject_id: int, user_id: int, *, actor: UserView) -> None:
    """Assign a teacher account to a subject; site admins only. Refused for users without the
    teacher role; assigning twice changes nothing. Emits ``SubjectChanged``."""
    async with unit_of_work(conflict=TEACHER_ASSIGNED) as uow:
        session = uow.session
        user = await permissions.load_actor(session, actor)
        permissions.ensure_site_admin(user)
        subject = await permissions.get_subject(session, subject_id)
        teacher = await session.get(User, user_id)
        if teacher is None:
            raise NotFoundError(msg("This user does not exist."))
        if not teacher.is_teacher:
            raise InvalidError(
                msg("Only users with the teacher role can be assigned to a subject.")
            )
        if await session.get(SubjectTeacher, (subject.id, teacher.id)) is not None:
            return
        session.add(SubjectTeacher(subject_id=subject.id, user_id=teacher.id))
        audit.record(session, user, "subject.teacher.assign", subject.name, user_id=teacher.id)
        uow.emit(SubjectChanged(subject.workspace_id, subject.id))


async def unassign_teacher(subject_id: int, user_id: int, *, actor: UserView) -> None:
    """Take a teacher off a subject; site admins and the workspace's admins (who manage its
    teachers). Unassigning someone not assigned changes nothing. Emits ``SubjectChanged``."""
    async with unit_of_work() as uow:
        session = uow.session
        user = await permissions.load_actor(session, actor)
        subject = await permissions.get_subject(session, subject_id)
        await permissions.ensure_workspace_admin(session, user, subject.workspace_id)
        row = await session.get(SubjectTeacher, (subject.id, user_id))
        if row is None:
            return
        audit.record(session, user, "subject.teacher.unassign", subject.name, user_id=user_id)
        await session.delete(row)
        uow.emit(SubjectChanged(subject.workspace_id, subject.id))


async def list_teachers(subject_id: int, *, actor: UserView) -> list[UserView]:
    """The teacher accounts assigned to a subject, by name; for whoever may see the subject."""
    async with read_only() as session:
        user = await permissions.load_actor(session, actor)
        subject = await permissions.ensure_subject_visible(session, user, subject_id)
        teachers = await session.scalars(
            select(User)
            .join(SubjectTeacher, SubjectTeacher.user_id == User.id)
            .where(SubjectTeacher.subject_id == subject.id)
        )
        views = [UserView.of(teacher) for teacher in teachers]
        return sorted(views, key=lambda view: (view.display_name.casefold(), view.id))


async def list_teacher_subjects(*, actor: UserView) -> list[SubjectView]:
    """The subjects the actor teaches, by name; empty for users without the teacher role."""
    async with read_only() as session:
        user = await permissions.load_actor(session, actor)
        if not user.is_teacher:
            return []
        taught = select(SubjectTeacher.subject_id).where(SubjectTeacher.user_id == user.id)
        return await _views(session, Subject.id.in_(taught))


# --- helpers ----------------------------------------------------------------------------------


async def _ensure_name_free(session: AsyncSession, workspace_id: int, name: str) -> None:
    taken = await session.scalar(
        select(Subject.id).where(Subject.workspace_id == workspace_id, Subject.name == name)
    )
    if taken is not None:
        raise ConflictError(SUBJECT_NAME_TAKEN)


async def _queue_id(session: AsyncSession, subject_id: int) -> int | None:
    return await session.scalar(select(Queue.id).where(Queue.subject_id == subject_id))


async def _views(session: AsyncSession, where: ColumnElement[bool]) -> list[SubjectView]:
    rows = await session.execute(
        select(Subject, Queue.id).outerjoin(Queue, Queue.subject_id == Subject.id).where(where)
    )
    views = [SubjectView.of(subject, queue_id) for subject, queue_id in rows]
    # Sorted here, not in SQL, so the order is the same on SQLite and PostgreSQL collations.
    return sorted(views, key=lambda view: (view.name.casefold(), view.id))

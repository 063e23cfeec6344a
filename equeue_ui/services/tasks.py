"""Tasks of a subject, in an explicit order that workspace admins manage.

Changes to the order lock the subject row (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite has a
single writer), so ``order_index`` stays 0..n-1 under concurrent edits. Every change emits
``TaskChanged`` after commit.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Subject, Task, User
from equeue_ui.errors import ConflictError, InvalidError, NotFoundError
from equeue_ui.events import TaskChanged
from equeue_ui.i18n import msg
from equeue_ui.services import audit, permissions
from equeue_ui.services.uow import read_only, unit_of_work
from equeue_ui.services.validation import clean_name, clean_url
from equeue_ui.services.views import TaskView, UserView

TASK_NAME_TAKEN = msg("A task with this name already exists in this subject.")


async def create_task(
    subject_id: int,
    *,
    actor: UserView,
    name: str,
    url: str | None = None,
    due_at: datetime | None = None,
) -> TaskView:
    """Append a task to a subject; workspace admins only. Refused when the name is taken.
    Emits ``TaskChanged``."""
    async with unit_of_work(conflict=TASK_NAME_TAKEN) as uow:
        session = uow.session
        subject = await _lock_subject_for_admin(session, subject_id, actor)
        clean, link, due = clean_name(name), clean_url(url), _clean_due(due_at)
        await _ensure_name_free(session, subject.id, clean)
        last = await session.scalar(
            select(func.max(Task.order_index)).where(Task.subject_id == subject.id)
        )
        task = Task(
            subject_id=subject.id,
            name=clean,
            url=link,
            due_at=due,
            order_index=0 if last is None else last + 1,
        )
        session.add(task)
        await session.flush()
        audit.record(
            session, await _user(session, actor), "task.create", f"{subject.name}: {clean}"
        )
        uow.emit(TaskChanged(subject.id, task.id))
        return TaskView.of(task)


async def update_task(
    task_id: int, *, actor: UserView, name: str, url: str | None, due_at: datetime | None
) -> TaskView:
    """Rename a task or change its link and due date; workspace admins only. Refused when the
    new name is taken. Emits ``TaskChanged``."""
    async with unit_of_work(conflict=TASK_NAME_TAKEN) as uow:
        session = uow.session
        task, subject = await _task_for_admin(session, task_id, actor)
        clean, link, due = clean_name(name), clean_url(url), _clean_due(due_at)
        if clean != task.name:
            await _ensure_name_free(session, subject.id, clean)
        task.name, task.url, task.due_at = clean, link, due
        await session.flush()
        audit.record(
            session, await _user(session, actor), "task.update", f"{subject.name}: {clean}"
        )
        uow.emit(TaskChanged(subject.id, task.id))
        return TaskView.of(task)


async def delete_task(task_id: int, *, actor: UserView) -> None:
    """Delete a task with its submissions; the others close the gap. Workspace admins only.
    Emits ``TaskChanged``."""
    async with unit_of_work() as uow:
        session = uow.session
        task, subject = await _task_for_admin(session, task_id, actor)
        audit.record(
            session, await _user(session, actor), "task.delete", f"{subject.name}: {task.name}"
        )
        await session.delete(task)
        await session.flush()
        _renumber(await _ordered(session, subject.id))
        uow.emit(TaskChanged(subject.id, task.id))


async def reorder_tasks(subject_id: int, ordered_task_ids: list[int], *, actor: UserView) -> None:
    """Put a subject's tasks in the given order, which must list each of them exactly once.
    Workspace admins only. Emits ``TaskChanged``."""
    async with unit_of_work() as uow:
        session = uow.session
        subject = await _lock_subject_for_admin(session, subject_id, actor)
        by_id = {task.id: task for task in await _ordered(session, subject.id)}
        if len(ordered_task_ids) != len(by_id) or set(ordered_task_ids) != set(by_id):
            raise InvalidError(
                msg("The task list has changed meanwhile. Reload the page and try again.")
            )
        if _renumber([by_id[task_id] for task_id in ordered_task_ids]):
            audit.record(session, await _user(session, actor), "task.reorder", subject.name)
        uow.emit(TaskChanged(subject.id, None))


async def move_task(task_id: int, *, actor: UserView, delta: int) -> None:
    """Move a task ``delta`` places down (negative: up), stopping at either end.
    Workspace admins only. Emits ``TaskChanged`` when the order changed."""
    async with unit_of_work() as uow:
        session = uow.session
        task, subject = await _task_for_admin(session, task_id, actor)
        tasks = await _ordered(session, subject.id)
        old = tasks.index(task)
        new = max(0, min(len(tasks) - 1, old + delta))
        tasks.insert(new, tasks.pop(old))
        if _renumber(tasks):
            audit.record(
                session, await _user(session, actor), "task.move", f"{subject.name}: {task.name}"
            )
            uow.emit(TaskChanged(subject.id, None))


async def list_tasks(subject_id: int, *, actor: UserView) -> list[TaskView]:
    """A subject's tasks in order, for whoever may see the subject."""
    async with read_only() as session:
        user = await permissions.load_actor(session, actor)
        subject = await permissions.ensure_subject_visible(session, user, subject_id)
        return [TaskView.of(task) for task in await _ordered(session, subject.id)]


# --- helpers ----------------------------------------------------------------------------------


def _clean_due(due_at: datetime | None) -> datetime | None:
    if due_at is not None and due_at.utcoffset() is None:
        raise InvalidError(msg("The due date must include a time zone."))
    return due_at


async def _user(session: AsyncSession, actor: UserView) -> User:
    return await permissions.load_actor(session, actor)  # already in the identity map


async def _ensure_admin(session: AsyncSession, actor: UserView, subject: Subject) -> User:
    """Tasks are the workspace admins' business; a subject's teachers do not manage them."""
    user = await permissions.load_actor(session, actor)
    await permissions.ensure_workspace_admin(session, user, subject.workspace_id)
    return user


async def _lock_subject_for_admin(
    session: AsyncSession, subject_id: int, actor: UserView
) -> Subject:
    subject = await session.scalar(
        select(Subject).where(Subject.id == subject_id).with_for_update()
    )
    if subject is None:
        raise NotFoundError(msg("This subject does not exist."))
    await _ensure_admin(session, actor, subject)
    return subject


async def _task_for_admin(
    session: AsyncSession, task_id: int, actor: UserView
) -> tuple[Task, Subject]:
    subject_id = await session.scalar(select(Task.subject_id).where(Task.id == task_id))
    if subject_id is None:
        raise NotFoundError(msg("This task does not exist."))
    subject = await _lock_subject_for_admin(session, subject_id, actor)
    # Read again under the subject lock: another admin may have deleted it meanwhile.
    task = await session.get(Task, task_id, populate_existing=True)
    if task is None:
        raise NotFoundError(msg("This task does not exist."))
    return task, subject


async def _ensure_name_free(session: AsyncSession, subject_id: int, name: str) -> None:
    taken = await session.scalar(
        select(Task.id).where(Task.subject_id == subject_id, Task.name == name)
    )
    if taken is not None:
        raise ConflictError(TASK_NAME_TAKEN)


async def _ordered(session: AsyncSession, subject_id: int) -> list[Task]:
    tasks = await session.scalars(
        select(Task).where(Task.subject_id == subject_id).order_by(Task.order_index, Task.id)
    )
    return list(tasks)


def _renumber(tasks: list[Task]) -> bool:
    """Number the tasks 0..n-1 in list order; True when anything moved."""
    moved = False
    for index, task in enumerate(tasks):
        if task.order_index != index:
            task.order_index = index
            moved = True
    return moved

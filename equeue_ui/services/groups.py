"""Study groups: search for the group picker; creation, renaming and deletion by site admins."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Group, Queue, Subject, User, Workspace, WorkspaceMember
from equeue_ui.errors import ConflictError, NotFoundError
from equeue_ui.events import GroupsChanged, WorkspaceChanged
from equeue_ui.i18n import msg
from equeue_ui.services import audit, permissions
from equeue_ui.services.uow import read_only, unit_of_work
from equeue_ui.services.validation import clean_name, clean_search
from equeue_ui.services.views import GroupView, UserView

GROUP_EXISTS = msg("A group with this name already exists.")
GROUP_MISSING = msg("This group does not exist.")
_YEAR = re.compile(r"\d+")
# Large IN lists are split: SQLite and asyncpg both cap the parameters of one statement.
_CHUNK = 1000


@dataclass(frozen=True)
class ImportResult:
    created: int
    existing: int


async def search_groups(query: str, *, limit: int = 20) -> list[GroupView]:
    """Groups whose name contains the query (case-insensitive), shortest names first."""
    text = clean_search(query).lower()
    async with read_only() as session:
        statement = select(Group).order_by(func.length(Group.name), Group.name).limit(limit)
        if text:
            statement = statement.where(func.lower(Group.name).contains(text, autoescape=True))
        return [GroupView.of(group) for group in await session.scalars(statement)]


async def get_group(group_id: int) -> GroupView | None:
    async with read_only() as session:
        group = await session.get(Group, group_id)
        return None if group is None else GroupView.of(group)


def clean_group_name(name: str | None) -> str:
    """Trimmed, not empty, not too long, no control characters (see validation.clean_name)."""
    return clean_name(name)


async def create_group(name: str, *, actor: UserView) -> GroupView:
    """Site admins add a group by hand; audited, emits GroupsChanged."""
    clean = clean_group_name(name)
    async with unit_of_work(conflict=GROUP_EXISTS) as uow:
        user = await permissions.load_actor(uow.session, actor)
        permissions.ensure_site_admin(user)
        if await uow.session.scalar(select(Group.id).where(Group.name == clean)):
            raise ConflictError(GROUP_EXISTS)
        group = Group(name=clean)
        uow.session.add(group)
        await uow.session.flush()
        audit.record(uow.session, user, "group.create", clean)
        uow.emit(GroupsChanged(group.id))
        return GroupView.of(group)


async def import_group_names(names: list[str]) -> ImportResult:
    """From the command line: add the groups that do not exist yet."""
    cleaned = list(dict.fromkeys(clean_group_name(name) for name in names))
    async with unit_of_work(conflict=GROUP_EXISTS) as uow:
        existing = await existing_names(uow.session, cleaned)
        new = [name for name in cleaned if name not in existing]
        await insert_groups(uow.session, new)
        if new:
            uow.emit(GroupsChanged(None))
        return ImportResult(created=len(new), existing=len(existing))


async def existing_names(session: AsyncSession, names: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(names), _CHUNK):
        chunk = names[start : start + _CHUNK]
        found.update(await session.scalars(select(Group.name).where(Group.name.in_(chunk))))
    return found


async def insert_groups(session: AsyncSession, names: Iterable[str]) -> None:
    """One multi-row INSERT per thousand names: 10,000 groups in well under a second."""
    rows = [{"name": name} for name in names]
    for start in range(0, len(rows), _CHUNK):
        await session.execute(insert(Group), rows[start : start + _CHUNK])


# --- site administration ------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupRow:
    id: int
    name: str
    users: int
    workspaces: int


@dataclass(frozen=True)
class GroupPage:
    rows: tuple[GroupRow, ...]
    total: int


@dataclass(frozen=True)
class GroupImpact:
    """What deleting a group touches: its users lose their group, its workspaces go."""

    name: str
    users: int
    workspaces: int
    members: int
    subjects: int
    queues: int


async def list_groups(
    query: str, *, actor: UserView, offset: int = 0, limit: int = 50
) -> GroupPage:
    """Groups matching the query, by name, with how many users and workspaces each has."""
    text = clean_search(query).lower()
    async with read_only() as session:
        permissions.ensure_site_admin(await permissions.load_actor(session, actor))
        where: list[ColumnElement[bool]] = []
        if text:
            where.append(func.lower(Group.name).contains(text, autoescape=True))
        total = await session.scalar(select(func.count(Group.id)).where(*where)) or 0
        users = select(func.count(User.id)).where(User.group_id == Group.id).scalar_subquery()
        spaces = (
            select(func.count(Workspace.id)).where(Workspace.group_id == Group.id).scalar_subquery()
        )
        statement = (
            select(Group.id, Group.name, users, spaces)
            .where(*where)
            .order_by(Group.name)
            .offset(max(offset, 0))
            .limit(limit)
        )
        rows = tuple(GroupRow(*row) for row in await session.execute(statement))
        return GroupPage(rows=rows, total=total)


async def group_impact(group_id: int, *, actor: UserView) -> GroupImpact:
    """What deleting the group would touch, for the confirmation; site admins only."""
    async with read_only() as session:
        permissions.ensure_site_admin(await permissions.load_actor(session, actor))
        return await _impact(session, await _group(session, group_id))


async def rename_group(group_id: int, name: str, *, actor: UserView) -> GroupView:
    """Site admins rename a group; audited, emits GroupsChanged."""
    clean = clean_group_name(name)
    async with unit_of_work(conflict=GROUP_EXISTS) as uow:
        admin = await permissions.load_actor(uow.session, actor)
        permissions.ensure_site_admin(admin)
        group = await _group(uow.session, group_id)
        if group.name == clean:
            return GroupView.of(group)
        if await uow.session.scalar(select(Group.id).where(Group.name == clean)):
            raise ConflictError(GROUP_EXISTS)
        audit.record(uow.session, admin, "group.rename", clean, old=group.name)
        group.name = clean
        uow.emit(GroupsChanged(group.id))
        return GroupView.of(group)


async def delete_group(group_id: int, *, actor: UserView) -> GroupImpact:
    """Site admins delete a group with its workspaces (their members, subjects and queues);
    its users keep their accounts without a group. Audited; emits GroupsChanged and
    WorkspaceChanged for every workspace that went, so open pages notice at once."""
    async with unit_of_work() as uow:
        admin = await permissions.load_actor(uow.session, actor)
        permissions.ensure_site_admin(admin)
        group = await _group(uow.session, group_id)
        impact = await _impact(uow.session, group)
        spaces = list(
            await uow.session.scalars(select(Workspace.id).where(Workspace.group_id == group.id))
        )
        # The database cascades to workspaces and everything in them, and unsets users' group.
        await uow.session.execute(delete(Group).where(Group.id == group.id))
        audit.record(
            uow.session,
            admin,
            "group.delete",
            impact.name,
            users=impact.users,
            workspaces=impact.workspaces,
            members=impact.members,
            subjects=impact.subjects,
            queues=impact.queues,
        )
        uow.emit(GroupsChanged(group_id))
        for workspace_id in spaces:
            uow.emit(WorkspaceChanged(workspace_id))
        return impact


async def _group(session: AsyncSession, group_id: int) -> Group:
    group = await session.get(Group, group_id)
    if group is None:
        raise NotFoundError(GROUP_MISSING)
    return group


async def _impact(session: AsyncSession, group: Group) -> GroupImpact:
    in_group = select(Workspace.id).where(Workspace.group_id == group.id).scalar_subquery()
    subjects = select(Subject.id).where(Subject.workspace_id.in_(in_group)).scalar_subquery()

    async def count(statement: Select[Any]) -> int:
        return int(await session.scalar(statement) or 0)

    return GroupImpact(
        name=group.name,
        users=await count(select(func.count(User.id)).where(User.group_id == group.id)),
        workspaces=await count(
            select(func.count(Workspace.id)).where(Workspace.group_id == group.id)
        ),
        members=await count(
            select(func.count(WorkspaceMember.id)).where(WorkspaceMember.workspace_id.in_(in_group))
        ),
        subjects=await count(
            select(func.count(Subject.id)).where(Subject.workspace_id.in_(in_group))
        ),
        queues=await count(select(func.count(Queue.id)).where(Queue.subject_id.in_(subjects))),
    )


def semester_of(group_name: str, today: date) -> int | None:
    """The group's current semester from its two-digit admission year (SPEC §1)."""
    match = _YEAR.search(group_name)
    if match is None or len(match.group()) < 2:
        return None
    year = 2000 + int(match.group()[:2])
    full_years = today.year - year - (1 if today.month < 9 else 0)
    if full_years < 0:
        return None
    odd = today.month >= 9 or today.month <= 2
    return 2 * full_years + (1 if odd else 2)

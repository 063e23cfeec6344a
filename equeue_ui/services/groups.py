"""Study groups: search for the group picker, creation by site admins and the CLI."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from db.models import Group
from equeue_ui.errors import ConflictError
from equeue_ui.i18n import msg
from equeue_ui.services import permissions
from equeue_ui.services.uow import read_only, unit_of_work
from equeue_ui.services.validation import clean_name
from equeue_ui.services.views import GroupView, UserView

GROUP_EXISTS = msg("A group with this name already exists.")
_YEAR = re.compile(r"\d+")


@dataclass(frozen=True)
class ImportResult:
    created: int
    existing: int


async def search_groups(query: str, *, limit: int = 20) -> list[GroupView]:
    """Groups whose name contains the query (case-insensitive), shortest names first."""
    text = " ".join(query.split()).lower()
    async with read_only() as session:
        statement = select(Group).order_by(func.length(Group.name), Group.name).limit(limit)
        if text:
            statement = statement.where(func.lower(Group.name).contains(text, autoescape=True))
        return [GroupView.of(group) for group in await session.scalars(statement)]


async def get_group(group_id: int) -> GroupView | None:
    async with read_only() as session:
        group = await session.get(Group, group_id)
        return None if group is None else GroupView.of(group)


async def create_group(name: str, *, actor: UserView) -> GroupView:
    """Site admins add a group by hand."""
    clean = clean_name(name)
    async with unit_of_work(conflict=GROUP_EXISTS) as uow:
        user = await permissions.load_actor(uow.session, actor)
        permissions.ensure_site_admin(user)
        if await uow.session.scalar(select(Group.id).where(Group.name == clean)):
            raise ConflictError(GROUP_EXISTS)
        group = Group(name=clean)
        uow.session.add(group)
        await uow.session.flush()
        return GroupView.of(group)


async def import_group_names(names: list[str]) -> ImportResult:
    """From the command line: add the groups that do not exist yet."""
    cleaned = list(dict.fromkeys(clean_name(name) for name in names))
    async with unit_of_work(conflict=GROUP_EXISTS) as uow:
        existing = set(await uow.session.scalars(select(Group.name).where(Group.name.in_(cleaned))))
        new = [name for name in cleaned if name not in existing]
        uow.session.add_all(Group(name=name) for name in new)
        return ImportResult(created=len(new), existing=len(existing))


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

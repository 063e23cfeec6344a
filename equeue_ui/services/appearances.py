"""Where a person appears to others: after their name, status or picture changed, every open
page showing them reads them again."""

from __future__ import annotations

from sqlalchemy import select

from db.models import WorkspaceMember
from equeue_ui.events import MembershipChanged
from equeue_ui.services import queues
from equeue_ui.services.uow import UnitOfWork


async def show_changed_person(uow: UnitOfWork, user_id: int) -> None:
    """Within the unit of work that changed the person: their queues get a new version (queue
    pages load the snapshot anew) and their workspaces' member lists redraw."""
    await queues.show_renamed(uow, user_id)
    workspace_ids = await uow.session.scalars(
        select(WorkspaceMember.workspace_id).where(WorkspaceMember.user_id == user_id)
    )
    for workspace_id in workspace_ids.all():
        uow.emit(MembershipChanged(workspace_id, user_id))

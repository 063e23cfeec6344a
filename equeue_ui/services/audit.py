"""The audit log of admin actions: written in the same transaction as the action itself."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AuditLog, User
from db.types import utcnow


def record(session: AsyncSession, actor: User, action: str, target: str, **details: Any) -> None:
    session.add(
        AuditLog(
            actor_id=actor.id,
            action=action,
            target=target[:255],
            at=utcnow(),
            details=json.dumps(details, ensure_ascii=False, default=str) if details else "",
        )
    )

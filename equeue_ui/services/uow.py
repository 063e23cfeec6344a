"""Units of work: one transaction per service call, events published only after commit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.ext.asyncio import AsyncSession

from db.types import KeyOutOfRange
from equeue_ui import runtime
from equeue_ui.errors import ConflictError, NotFoundError
from equeue_ui.i18n import Msg
from equeue_ui.pg_events import notify_in_transaction


@dataclass
class UnitOfWork:
    session: AsyncSession
    events: list[Any] = field(default_factory=list)
    is_sqlite: bool = False

    def emit(self, event: Any) -> None:
        self.events.append(event)


@asynccontextmanager
async def unit_of_work(*, conflict: Msg | None = None) -> AsyncIterator[UnitOfWork]:
    """A write transaction; ``conflict`` is the message for a unique-constraint violation."""
    rt = runtime.current()
    async with rt.db.write_session() as session:
        uow = UnitOfWork(session, is_sqlite=rt.db.is_sqlite)
        try:
            yield uow
            if uow.events and rt.db.dialect == "postgresql":
                # Other processes hear of the change only if and when this transaction commits.
                await notify_in_transaction(session, uow.events, origin=rt.origin)
            await session.commit()
        except IntegrityError as error:
            await session.rollback()
            raise ConflictError(conflict) from error
        except StatementError as error:
            if not _names_no_row(error):
                raise
            raise NotFoundError() from error
    if uow.events:
        # Own events first: their handlers only start background work (a push to a phone),
        # which should not wait for every open page's handler on the bus.
        await rt.own_events.publish(uow.events)
        await rt.bus.publish(uow.events)


@asynccontextmanager
async def read_only() -> AsyncIterator[AsyncSession]:
    async with runtime.current().db.read_session() as session:
        try:
            yield session
        except StatementError as error:
            if not _names_no_row(error):
                raise
            raise NotFoundError() from error


def _names_no_row(error: StatementError) -> bool:
    """An id no key column can hold (db.types.Key): every service answers it "not found", as
    it answers any other id that names no row."""
    return isinstance(error.orig, KeyOutOfRange)

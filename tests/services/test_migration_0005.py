"""Migration 0005 on a database in use: calls made before it count as answered, nobody else's
place changes, and a queue's history can hold the new "restored" events (both databases)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from sqlalchemy import Connection, MetaData, Table, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.pool import NullPool
from sqlalchemy.sql.schema import ColumnDefault

from db.models import Base, Group, Queue, QueueEntry, QueueEvent, Subject, User, Workspace
from equeue_ui.migrate import upgrade

CALLED_AT = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


@asynccontextmanager
async def connect(url: str) -> AsyncIterator[AsyncConnection]:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            yield connection
    finally:
        await engine.dispose()


async def _queue_with_two_students(connection: AsyncConnection) -> int:
    """A queue (as revision 0004 stores it) with one student at the desk and one waiting."""

    async def add(model: type[Base], **values: object) -> int:
        # The tables as revision 0004 made them, not as the models are now: a column added
        # later has a default the models would insert into a table that lacks it.
        def reflect(sync: Connection) -> Table:
            return Table(model.__tablename__, MetaData(), autoload_with=sync)

        table = await connection.run_sync(reflect)
        defaults = {
            column.name: default.arg(None) if default.is_callable else default.arg
            for column in model.__table__.columns
            if column.name in table.columns and isinstance(default := column.default, ColumnDefault)
        }
        result = await connection.execute(insert(table).values(**{**defaults, **values}))
        return int(result.inserted_primary_key[0])  # type: ignore[index]

    group = await add(Group, name="KI21-16/2B")
    workspace = await add(Workspace, group_id=group, name="Autumn")
    subject = await add(Subject, workspace_id=workspace, name="Algebra")
    queue = await add(Queue, subject_id=subject, state="open", next_seq=3)
    for seq, (username, status) in enumerate((("ann", "called"), ("bob", "waiting")), 1):
        user = await add(User, username=username, group_id=group)
        await add(
            QueueEntry,
            queue_id=queue,
            user_id=user,
            status=status,
            seq=seq,
            called_at=CALLED_AT if status == "called" else None,
        )
    return queue


async def test_calls_made_before_the_upgrade_count_as_answered(empty_database_url: str) -> None:
    await upgrade(empty_database_url, "0004")
    async with connect(empty_database_url) as connection:
        queue = await _queue_with_two_students(connection)
    await upgrade(empty_database_url)
    async with connect(empty_database_url) as connection:
        rows = await connection.execute(
            select(QueueEntry.status, QueueEntry.call_acknowledged_at, QueueEntry.seq)
            .where(QueueEntry.queue_id == queue)
            .order_by(QueueEntry.seq)
        )
        assert [tuple(row) for row in rows] == [("called", CALLED_AT, 1), ("waiting", None, 2)]
        # The history takes the new kind.
        await connection.execute(
            insert(QueueEvent).values(queue_id=queue, kind="restored", version=1, at=CALLED_AT)
        )

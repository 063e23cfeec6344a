"""PostgreSQL's connection pool hands out live connections without a round trip each time.

A ping at every checkout was three round trips (BEGIN, a query, ROLLBACK) and, on a busy
machine, most of a page load's time; a closed connection is now found without one, and only a
connection idle long enough to have been dropped on the way is pinged.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from sqlalchemy import text

import db.engine as db_engine
from db.engine import Database
from tests import databases

pytestmark = pytest.mark.postgres


@pytest.fixture
async def pg(pg_template: str) -> AsyncIterator[Database]:
    database = Database(databases.pg_url(pg_template), pool_size=1)
    yield database
    await database.dispose()


@pytest.fixture
def pings(pg: Database, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every ping the pool sends, by connection."""
    sent: list[Any] = []
    dialect = pg.engine.dialect
    ping = dialect.do_ping

    def counting(dbapi_connection: Any) -> bool:
        sent.append(dbapi_connection)
        return ping(dbapi_connection)

    monkeypatch.setattr(dialect, "do_ping", counting)
    return sent


async def backend_pid(database: Database) -> int:
    async with database.read_session() as session:
        return int((await session.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def terminate(pid: int) -> None:
    """End a backend as an administrator (or a restart) would, and return once it has exited:
    without the wait (PostgreSQL 14's timeout argument) the signal may still be on its way when
    the pool hands the connection out, and on a busy machine it was (CI, session 14)."""
    connection = await asyncpg.connect(databases.ADMIN_DSN)
    try:
        assert await connection.fetchval("SELECT pg_terminate_backend($1, $2)", pid, 10_000)
    finally:
        await connection.close()


async def test_a_connection_in_use_again_soon_is_handed_out_without_a_ping(
    pg: Database, pings: list[Any]
) -> None:
    first = await backend_pid(pg)
    for _ in range(5):
        assert await backend_pid(pg) == first  # the pool's one connection, again and again
    assert pings == []


async def test_a_connection_that_sat_idle_is_pinged_first(
    pg: Database, pings: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await backend_pid(pg)
    monkeypatch.setattr(db_engine, "PING_AFTER_IDLE_S", 0.0)
    assert await backend_pid(pg) == first
    assert len(pings) == 1


async def test_a_connection_the_server_closed_is_replaced_before_anyone_uses_it(
    pg: Database, pings: list[Any]
) -> None:
    first = await backend_pid(pg)
    await terminate(first)
    second = await backend_pid(pg)  # no error reaches the reader
    assert second != first
    assert pings == []  # found closed without a round trip


async def test_a_connection_that_fails_its_ping_is_replaced(
    pg: Database, pings: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await backend_pid(pg)
    failing: list[Any] = []

    def dropped_on_the_way(dbapi_connection: Any) -> bool:
        failing.append(dbapi_connection)
        raise ConnectionResetError("dropped by a firewall")

    monkeypatch.setattr(pg.engine.dialect, "do_ping", dropped_on_the_way)
    monkeypatch.setattr(db_engine, "PING_AFTER_IDLE_S", 0.0)
    second = await backend_pid(pg)  # a fresh connection, not pinged: it never sat idle
    assert second != first
    assert len(failing) == 1

"""Making the test database fail on purpose, for the paths that handle database errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text

from equeue_ui.runtime import Runtime


@asynccontextmanager
async def users_refused(rt: Runtime) -> AsyncIterator[None]:
    """The database fails every new account with an error that is not a constraint violation
    (as a full disk or a lost connection would), so the failure travels up as itself."""
    if rt.db.is_sqlite:
        create = [
            "CREATE TRIGGER refuse_users BEFORE INSERT ON users "
            "BEGIN INSERT INTO no_such_table VALUES (1); END"
        ]
        drop = ["DROP TRIGGER refuse_users"]
    else:
        create = [
            "CREATE FUNCTION refuse_users() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'disk full' USING ERRCODE = 'disk_full'; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER refuse_users BEFORE INSERT ON users "
            "FOR EACH ROW EXECUTE FUNCTION refuse_users()",
        ]
        drop = ["DROP TRIGGER refuse_users ON users", "DROP FUNCTION refuse_users()"]
    await _execute(rt, create)
    try:
        yield
    finally:
        await _execute(rt, drop)


async def _execute(rt: Runtime, statements: list[str]) -> None:
    async with rt.db.write_session() as session:
        for statement in statements:
            await session.execute(text(statement))
        await session.commit()

"""Alembic environment: async engines for SQLite (aiosqlite) and PostgreSQL (asyncpg).

Configured in code by ``equeue_ui.migrate.alembic_config``; there is no alembic.ini and no
logging configuration here (so pytest's caplog and the app's logging stay untouched).
"""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import event, pool
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import create_async_engine

from db.engine import private_sqlite_file
from db.models import Base
from db.types import UTCDateTime

config = context.config
target_metadata = Base.metadata


def render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Render our own column types as plain SQLAlchemy types: revisions never import db."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False  # the default rendering


def run_migrations_offline() -> None:
    """Write the SQL to stdout (``alembic upgrade --sql``) instead of running it."""
    url = config.get_main_option("sqlalchemy.url")
    context.configure(
        url=url,
        target_metadata=target_metadata,
        compare_type=True,
        render_item=render_item,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def do_run_migrations(connection: Connection, sqlite_transactional_ddl: bool = False) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        render_item=render_item,
        # SQLite cannot ALTER most things: let autogenerate write batch operations.
        render_as_batch=connection.dialect.name == "sqlite",
        # Set when our own SQLite engine runs DDL in real transactions (_sqlite_transactions).
        transactional_ddl=True if sqlite_transactional_ddl else None,
    )
    with context.begin_transaction():
        context.run_migrations()


def _sqlite_transactions(sync_engine: Any) -> None:
    """Let SQLite DDL run in one transaction, so a failed migration leaves nothing behind.

    pysqlite only opens transactions before DML; taking over BEGIN ourselves (as db.engine
    does) makes CREATE/ALTER/DROP transactional too.
    """

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN")


async def run_async_migrations() -> None:
    url = make_url(config.get_main_option("sqlalchemy.url") or "")
    is_sqlite = url.get_backend_name() == "sqlite"
    if is_sqlite:
        private_sqlite_file(url)  # a new database is created here, by the first migration
    # hide_parameters: a failed statement's text would carry its values into logs.
    engine = create_async_engine(url, poolclass=pool.NullPool, hide_parameters=True)
    if is_sqlite:
        _sqlite_transactions(engine.sync_engine)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(do_run_migrations, is_sqlite)
    finally:
        await engine.dispose()


def run_migrations_online() -> None:
    # A caller may hand over an open (sync-facing) connection, e.g. from AsyncConnection.run_sync.
    connection = config.attributes.get("connection")
    if connection is not None:
        do_run_migrations(connection)
    else:
        asyncio.run(run_async_migrations())


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

"""The schema comes only from the migrations: on an empty database they build exactly db.models."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Enum, inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.pool import NullPool

import migrations
from db.models import Base
from equeue_ui.migrate import alembic_config, upgrade


@asynccontextmanager
async def connect(url: str) -> AsyncIterator[AsyncConnection]:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            yield connection
    finally:
        await engine.dispose()


def schema_diff(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, Base.metadata)


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def table_names(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


def enum_checks(connection: Connection) -> dict[str, dict[str, str]]:
    """CHECK constraints per table as the database reports them: name -> SQL text."""
    inspector = inspect(connection)
    return {
        table: {str(ck["name"]): ck["sqltext"] for ck in inspector.get_check_constraints(table)}
        for table in inspector.get_table_names()
    }


def head_revision() -> str:
    heads = ScriptDirectory.from_config(alembic_config("sqlite+aiosqlite://")).get_heads()
    assert len(heads) == 1, f"the migrations must have one head, found {heads}"
    return heads[0]


async def downgrade(url: str, revision: str) -> None:
    await asyncio.to_thread(command.downgrade, alembic_config(url), revision)


async def assert_schema_is_models(url: str) -> None:
    async with connect(url) as connection:
        assert await connection.run_sync(schema_diff) == []
        assert await connection.run_sync(current_revision) == head_revision()
        checks = await connection.run_sync(enum_checks)
    # Autogenerate does not compare CHECK constraints: check the enum ones by hand.
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, Enum) and column.type.create_constraint:
                name = f"ck_{table.name}_{column.type.name}"
                assert name in checks[table.name], f"{table.name}: missing CHECK {name}"
                sqltext = checks[table.name][name]
                assert column.name in sqltext
                for value in column.type.enums:
                    assert f"'{value}'" in sqltext, f"{name} does not allow {value!r}"


def test_one_head_and_revisions_do_not_import_the_models() -> None:
    head_revision()
    for path in (Path(migrations.__file__).parent / "versions").glob("*.py"):
        source = path.read_text()
        # A revision is frozen history: it must not change when db/ changes.
        assert not re.search(r"^\s*(from|import)\s+db\b", source, re.MULTILINE), path.name


async def test_upgrade_builds_exactly_the_models(empty_database_url: str) -> None:
    await upgrade(empty_database_url)
    await assert_schema_is_models(empty_database_url)
    # Running it again is a no-op.
    await upgrade(empty_database_url)
    await assert_schema_is_models(empty_database_url)


async def test_downgrade_to_base_and_upgrade_again(empty_database_url: str) -> None:
    await upgrade(empty_database_url)
    await downgrade(empty_database_url, "base")
    async with connect(empty_database_url) as connection:
        assert await connection.run_sync(table_names) <= {"alembic_version"}
        assert await connection.run_sync(current_revision) is None
    await upgrade(empty_database_url)
    await assert_schema_is_models(empty_database_url)

"""Throw-away test databases: a migrated template per run, a fresh copy per test."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import asyncpg

from equeue_ui.migrate import upgrade_sync

ADMIN_DSN = os.environ.get("EQUEUE_TEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")


def _run(coro_factory):  # type: ignore[no-untyped-def]
    # Fixtures may be set up while an event loop runs; asyncpg gets a loop of its own.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(coro_factory())).result()


def pg_execute(*statements: str) -> None:
    async def go() -> None:
        connection = await asyncpg.connect(ADMIN_DSN, timeout=5)
        try:
            for statement in statements:
                await connection.execute(statement)
        finally:
            await connection.close()

    _run(go)


def pg_available() -> str | None:
    """None when PostgreSQL answers, else the reason it does not."""
    try:
        pg_execute("SELECT 1")
    except Exception as error:  # any failure to connect is a reason to report
        return f"PostgreSQL is not reachable at {ADMIN_DSN}: {error}"
    return None


def pg_url(name: str) -> str:
    base = ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
    return f"{base}/{name}"


def unique_name(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


def create_pg_database(template: str | None = None) -> str:
    name = unique_name("equeue_test")
    suffix = f" TEMPLATE {template}" if template else ""
    pg_execute(f'CREATE DATABASE "{name}"{suffix}')
    return name


def drop_pg_database(name: str) -> None:
    pg_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def truncate_all(name: str) -> None:
    """Empty every table of a migrated database: far quicker than a new database per test."""
    from db.models import Base

    tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)

    async def go() -> None:
        connection = await asyncpg.connect(pg_url(name).replace("+asyncpg", ""), timeout=5)
        try:
            await connection.execute(f"TRUNCATE TABLE {tables} RESTART IDENTITY CASCADE")
        finally:
            await connection.close()

    _run(go)


def migrated_pg_template() -> str:
    name = create_pg_database()
    upgrade_sync(pg_url(name))
    return name


def migrated_sqlite_template(folder: Path) -> Path:
    path = folder / "template.sqlite3"
    upgrade_sync(f"sqlite+aiosqlite:///{path}")
    return path


def copy_sqlite(template: Path, folder: Path) -> str:
    path = folder / "equeue.sqlite3"
    shutil.copyfile(template, path)
    path.chmod(0o600)  # as the app makes its database (equeue_ui/data_dir.py): no warning
    return f"sqlite+aiosqlite:///{path}"

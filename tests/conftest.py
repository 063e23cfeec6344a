"""Fixtures shared by every test level: databases (SQLite and PostgreSQL) and the runtime."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from equeue_ui import runtime
from equeue_ui.runtime import Runtime
from equeue_ui.services.queues import load_snapshot
from equeue_ui.settings import Settings
from tests import databases

DATABASES = ["sqlite", "postgres"]


def _require_postgres() -> None:
    reason = databases.pg_available()
    if reason is None:
        return
    if os.environ.get("EQUEUE_REQUIRE_POSTGRES") == "1":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return databases.migrated_sqlite_template(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    _require_postgres()
    name = databases.migrated_pg_template()
    yield name
    databases.drop_pg_database(name)


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database of each kind.

    SQLite: a copy of the migrated template file. PostgreSQL: the run's one migrated database,
    emptied before each test (the run drops it at the end).
    """
    if request.param == "sqlite":
        return databases.copy_sqlite(request.getfixturevalue("sqlite_template"), tmp_path)
    name = request.getfixturevalue("pg_template")
    databases.truncate_all(name)
    return databases.pg_url(name)


@pytest.fixture(params=DATABASES)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of each kind (no migrations applied), dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    _require_postgres()
    name = databases.create_pg_database()
    yield databases.pg_url(name)
    databases.drop_pg_database(name)


def make_settings(database_url: str, data_dir: Path) -> Settings:
    return Settings(
        environment="test",
        database_url=database_url,
        data_dir=data_dir,
        secret="test-secret-" + "x" * 32,
    )


@pytest.fixture
async def rt(database_url: str, tmp_path: Path) -> AsyncIterator[Runtime]:
    """The started runtime over a fresh database; services use it."""
    built = runtime.build(make_settings(database_url, tmp_path), load_snapshot=load_snapshot)
    runtime.install(built)
    try:
        yield built
    finally:
        runtime.install(None)
        await built.db.dispose()

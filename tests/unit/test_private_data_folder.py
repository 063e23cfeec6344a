"""The data folder is its owner's only (0700), and so are the database files and the secret
(0600), whatever the umask of whoever starts eQueue."""

from __future__ import annotations

import logging
import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from db.engine import Database
from equeue_ui.settings import SECRET_FILE_NAME, Settings
from tests.e2e.server import PYTHON, clean_environment

DATABASE_FILE = "equeue.sqlite3"
OPEN_UMASK = 0o022  # the usual default: new folders 0755, new files 0644


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    previous = os.umask(OPEN_UMASK)
    try:
        yield
    finally:
        os.umask(previous)


def test_equeue_migrate_makes_a_private_data_folder_and_database(tmp_path: Path) -> None:
    data_dir = tmp_path / "fresh" / "data"
    env = clean_environment(data_dir)
    del env["EQUEUE_SECRET"]  # so `equeue` generates and keeps one
    result = subprocess.run(
        [str(PYTHON), "-m", "equeue_ui.cli", "migrate"],
        cwd=tmp_path,
        env=env,
        umask=OPEN_UMASK,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert mode(data_dir) == 0o700
    assert mode(data_dir / DATABASE_FILE) == 0o600


async def test_the_database_and_its_wal_and_shm_files_are_private(
    tmp_path: Path, open_umask: None
) -> None:
    settings = Settings(environment="test", data_dir=tmp_path / "data", secret="s" * 40)
    database = Database(settings.resolved_database_url)
    try:
        async with database.write_session() as session:
            await session.execute(text("CREATE TABLE t (x INTEGER)"))
            await session.execute(text("INSERT INTO t VALUES (1)"))
            await session.commit()
        async with database.read_session() as session:
            assert await session.scalar(text("SELECT x FROM t")) == 1
        files = sorted(path.name for path in (tmp_path / "data").iterdir())
        # While connections are open, SQLite keeps its write-ahead log and shared memory.
        assert files == [DATABASE_FILE, f"{DATABASE_FILE}-shm", f"{DATABASE_FILE}-wal"]
        assert mode(tmp_path / "data") == 0o700
        for name in files:
            assert mode(tmp_path / "data" / name) == 0o600, name
    finally:
        await database.dispose()


def test_the_generated_secret_is_private(tmp_path: Path, open_umask: None) -> None:
    settings = Settings(environment="test", data_dir=tmp_path / "data")
    assert settings.resolved_secret
    assert mode(tmp_path / "data") == 0o700
    assert mode(tmp_path / "data" / SECRET_FILE_NAME) == 0o600


def test_an_existing_open_folder_and_its_files_are_tightened_with_a_warning(
    tmp_path: Path, open_umask: None, caplog: pytest.LogCaptureFixture
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o755)
    for name in (DATABASE_FILE, f"{DATABASE_FILE}-wal", SECRET_FILE_NAME):
        (data_dir / name).write_text("x" if name == SECRET_FILE_NAME else "")
        (data_dir / name).chmod(0o644)
    caplog.set_level(logging.WARNING)
    settings = Settings(environment="test", data_dir=data_dir)
    assert settings.resolved_secret == "x"
    Database(settings.resolved_database_url)  # builds the engines; connects to nothing yet
    assert mode(data_dir) == 0o700
    for name in (DATABASE_FILE, f"{DATABASE_FILE}-wal", SECRET_FILE_NAME):
        assert mode(data_dir / name) == 0o600, name
    assert f"{data_dir} was open to other users (mode 755); now 700" in caplog.text

"""Engine and session factories for SQLite (embedded default) and PostgreSQL (production)."""

from __future__ import annotations

import asyncio
import logging
import os
import stat
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import QueuePool

from db.sqlite_inline import inline_connector

log = logging.getLogger(__name__)
PRIVATE_FILE_MODE = 0o600
# A pooled PostgreSQL connection that sat unused this long is pinged before it is handed out:
# a connection is dropped silently only after minutes of silence (a firewall's or NAT's idle
# timeout), and a busy pool's connections are back in use within a second.
PING_AFTER_IDLE_S = 30.0
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


@dataclass(frozen=True)
class PoolUse:
    """One connection pool's use right now."""

    name: str  # "main"; SQLite's writer has a pool of its own, "write"
    size: int  # connections it keeps (PostgreSQL may open as many again, briefly)
    checked_out: int  # in use by a session
    idle: int  # open and waiting in the pool


class Database:
    """Owns the engines of one database; built at start-up, disposed at shutdown.

    SQLite has one writer at a time: write sessions are serialised in-process by a lock and
    start with ``BEGIN IMMEDIATE`` so another process (the CLI) waits instead of failing.
    PostgreSQL serialises per row with ``SELECT … FOR UPDATE`` in the services.
    """

    def __init__(self, url: str | URL, *, echo: bool = False, pool_size: int = 10) -> None:
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        if self.is_sqlite:
            self.engine = _sqlite_engine(self.url, echo=echo, begin="BEGIN", inline=True)
            self._write_engine = _sqlite_engine(self.url, echo=echo, begin="BEGIN IMMEDIATE")
        else:
            self.engine = create_async_engine(
                self.url,
                echo=echo,
                hide_parameters=True,
                pool_size=pool_size,
                max_overflow=pool_size * 2,
                pool_timeout=60,
            )
            _replace_dead_connections(self.engine)
            self._write_engine = self.engine
        # PostgreSQL reads run in autocommit: at READ COMMITTED every statement takes its own
        # snapshot anyway, and it spares the BEGIN and ROLLBACK round trips of each page load.
        read_engine = (
            self.engine
            if self.is_sqlite
            else self.engine.execution_options(isolation_level="AUTOCOMMIT")
        )
        self._read_sessions = async_sessionmaker(read_engine, expire_on_commit=False)
        self._write_sessions = async_sessionmaker(self._write_engine, expire_on_commit=False)
        self._write_lock = asyncio.Lock() if self.is_sqlite else None

    @property
    def dialect(self) -> str:
        return self.url.get_backend_name()

    @asynccontextmanager
    async def read_session(self) -> AsyncIterator[AsyncSession]:
        async with self._read_sessions() as session:
            yield session

    @asynccontextmanager
    async def write_session(self) -> AsyncIterator[AsyncSession]:
        if self._write_lock is None:
            async with self._write_sessions() as session:
                yield session
            return
        async with self._write_lock, self._write_sessions() as session:
            yield session

    def pool_use(self) -> list[PoolUse]:
        """The use of each pool that counts its connections. SQLite in memory shares one
        connection (a StaticPool) and counts nothing, so it has none to report."""
        engines = {"main": self.engine, "write": self._write_engine}
        if self._write_engine is self.engine:
            del engines["write"]
        return [
            PoolUse(name, pool.size(), pool.checkedout(), pool.checkedin())
            for name, engine in engines.items()
            if isinstance(pool := engine.pool, QueuePool)
        ]

    async def ping(self) -> bool:
        try:
            async with self.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception:  # any failure means "not reachable" for a health check
            return False
        return True

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self._write_engine is not self.engine:
            await self._write_engine.dispose()


def _replace_dead_connections(engine: AsyncEngine) -> None:
    """Hand out only live PostgreSQL connections, without a round trip on every checkout.

    SQLAlchemy's ``pool_pre_ping`` pings at each checkout, and asyncpg's ping is three round
    trips (BEGIN, a query, ROLLBACK): on a busy machine that was most of a page load's time
    (tests/bench/README.md, session 12). A connection the server closed (a restart, a
    terminated backend) is known to asyncpg at once, so it is checked for free; a ping is
    left for one that sat idle long enough to have been dropped on the way."""

    @event.listens_for(engine.sync_engine.pool, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine.sync_engine.pool, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if dbapi_connection.driver_connection.is_closed():
            raise DisconnectionError("the server closed this connection")
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_S:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # any failure: the pool opens a fresh connection instead
            raise DisconnectionError("the connection failed its ping") from error


def _sqlite_engine(url: URL, *, echo: bool, begin: str, inline: bool = False) -> AsyncEngine:
    private_sqlite_file(url)
    if inline and url.database and url.database != ":memory:":
        engine = create_async_engine(
            url, echo=echo, hide_parameters=True, async_creator=inline_connector(url.database)
        )
    else:
        engine = create_async_engine(
            url, echo=echo, hide_parameters=True, connect_args={"timeout": 30}
        )

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from pysqlite so BEGIN is ours (see SQLAlchemy's SQLite docs).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()
        # SQLite's own lower() folds ASCII only; group names are Cyrillic.
        dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(begin)

    return engine


def private_sqlite_file(url: str | URL) -> None:
    """Make a SQLite database file readable by its owner only, before SQLite opens it.

    SQLite creates the -wal, -shm and -journal files with the database file's own mode, so
    a 0600 database keeps them 0600 too. A new file is created 0600; an existing one with
    looser permissions (made before this check) is tightened, with a warning.
    """
    url = make_url(url)
    database = url.database
    if url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return
    if url.query.get("uri") or database.startswith("file:"):
        return  # SQLite URI filenames are left to whoever wrote them
    path = Path(database)
    try:
        os.close(os.open(path, os.O_CREAT | os.O_RDONLY, PRIVATE_FILE_MODE))
    except OSError:
        return  # a missing folder or a read-only place: SQLite says so when it opens it
    for file in [path, *(path.with_name(path.name + suffix) for suffix in SQLITE_SIDE_FILES)]:
        make_private(file, PRIVATE_FILE_MODE)


def make_private(path: Path, mode: int) -> None:
    """Tighten ``path`` to ``mode`` when others have more access (with a warning saying so)."""
    try:
        current = stat.S_IMODE(path.stat().st_mode)
        if current & ~mode:
            path.chmod(mode)
            log.warning("%s was open to other users (mode %o); now %o", path, current, mode)
    except FileNotFoundError:
        return
    except OSError as error:
        log.warning("cannot make %s private: %s", path, error)


def _unicode_lower(value: str | None) -> str | None:
    return value.lower() if isinstance(value, str) else value

"""An aiosqlite connection that runs SQLite calls on the event loop's own thread.

aiosqlite hands every call (cursor, execute, fetch, close) to a worker thread and back: four
thread hand-offs per query, which cost more CPU than the query itself for the small indexed
reads that every page load makes (tests/bench measured about 0.1 ms per hand-off). In WAL
mode a reader never waits for a lock, so running reads inline cannot stall the event loop on
a writer. Only the read engine uses this; writes, which may wait for another process's
write lock, keep aiosqlite's thread.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Generator
from typing import Any

import aiosqlite


class _InlineQueue:
    """Stands in for the worker thread's queue, which SQLAlchemy's adapter also uses directly."""

    def put_nowait(self, item: tuple[Any, Callable[[], Any]]) -> None:
        future, function = item
        try:
            result = function()
        except BaseException as error:  # handed to the awaiting caller, as the thread would
            if future is not None:
                future.set_exception(error)
            return
        if future is not None:
            future.set_result(result)


class InlineConnection(aiosqlite.Connection):
    def __init__(self, connector: Callable[[], sqlite3.Connection], iter_chunk_size: int) -> None:
        super().__init__(connector, iter_chunk_size)
        self._tx = _InlineQueue()  # type: ignore[assignment]

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._running or self._connection is None:
            raise ValueError("Connection closed")
        return fn(*args, **kwargs)

    async def _connect(self) -> InlineConnection:
        if self._connection is None:
            self._connection = self._connector()
        return self

    def __await__(self) -> Generator[Any, None, InlineConnection]:
        return self._connect().__await__()  # no worker thread to start

    def stop(self) -> None:  # type: ignore[override]
        self._running = False
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def inline_connector(path: str) -> Callable[[], Any]:
    """An ``async_creator`` for SQLAlchemy's aiosqlite dialect."""

    async def create() -> InlineConnection:
        def connect() -> sqlite3.Connection:
            return sqlite3.connect(path, timeout=30, check_same_thread=False)

        return await InlineConnection(connect, iter_chunk_size=64)

    return create

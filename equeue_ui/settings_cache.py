"""The site settings as last read, kept per process between changes.

Every page load asks for the default language; reading the settings table each time cost a
database session per page. The cache is dropped on SiteSettingsChanged (which reaches every
process through PostgreSQL notifications) and when the listener reconnects, since
notifications may have been missed while it was away.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any


class SiteSettingsCache:
    def __init__(self) -> None:
        self._values: dict[str, Any] | None = None
        self._generation = 0

    def forget(self, *_: object) -> None:
        self._values = None
        self._generation += 1

    async def values(self, load: Callable[[], Awaitable[dict[str, Any]]]) -> dict[str, Any]:
        if self._values is not None:
            return self._values
        generation = self._generation
        loaded = await load()
        # A change committed while loading makes this read possibly stale: use it, keep none.
        if generation == self._generation:
            self._values = loaded
        return loaded

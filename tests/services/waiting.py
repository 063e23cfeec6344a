"""Waiting in tests on a condition, never on a fixed time."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable

POLL_SECONDS = 0.01


async def eventually(
    condition: Callable[[], object | Awaitable[object]], timeout: float = 5.0
) -> None:
    """Return once ``condition`` (a function, or one that must be awaited) holds; fail after
    ``timeout`` seconds."""
    try:
        async with asyncio.timeout(timeout):
            while True:
                result = condition()
                if await result if inspect.isawaitable(result) else result:
                    return
                await asyncio.sleep(POLL_SECONDS)
    except TimeoutError:
        raise AssertionError(f"the condition did not hold within {timeout} s") from None

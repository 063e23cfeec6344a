"""Browser and system named from a User-Agent header, for the list of one's sessions.

ua-parser reads it with uap-core's maintained rules. Its first use compiles about a thousand
patterns (most of a second), so callers on the event loop use :func:`describe_all`, which runs
off it."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from ua_parser import parse


@dataclass(frozen=True)
class Device:
    browser: str  # "Firefox 133", or "" when not recognised
    system: str  # "Android 14", "Windows", or ""


def describe(user_agent: str) -> Device:
    found = parse(user_agent)
    browser = found.user_agent
    system = found.os
    return Device(
        _named(browser.family, browser.major) if browser else "",
        _system(system.family, system.major) if system else "",
    )


async def describe_all(user_agents: Sequence[str]) -> list[Device]:
    """:func:`describe` for each, in a worker thread."""
    return await asyncio.to_thread(lambda: [describe(agent) for agent in user_agents])


def _named(family: str, major: str | None) -> str:
    return f"{family} {major}" if major else family


def _system(family: str, major: str | None) -> str:
    # "Windows NT 10.0" is Windows 10 or 11 (both send it): the number would mislead.
    if family == "Windows":
        return family
    return _named("macOS" if family == "Mac OS X" else family, major)

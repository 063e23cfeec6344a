"""Browser and system named from a User-Agent header, for the list of one's sessions.

A handful of patterns, not a full parser: the list only has to let a person tell their phone
from their laptop. Order matters — Edge and Opera also say "Chrome", Chrome also says
"Safari", Android also says "Linux"."""

from __future__ import annotations

import re
from dataclasses import dataclass

_BROWSERS = (
    ("Edge", re.compile(r"\bEdg(?:e|A|iOS)?/(\d+)")),
    ("Opera", re.compile(r"\b(?:OPR|Opera)/(\d+)")),
    ("Yandex Browser", re.compile(r"\bYaBrowser/(\d+)")),
    ("Samsung Internet", re.compile(r"\bSamsungBrowser/(\d+)")),
    ("Firefox", re.compile(r"\b(?:Firefox|FxiOS)/(\d+)")),
    ("Chrome", re.compile(r"\b(?:Chrome|CriOS|HeadlessChrome|Chromium)/(\d+)")),
    ("Safari", re.compile(r"\bVersion/(\d+)[\d.]* (?:Mobile/\S+ )?Safari/")),
)
_SYSTEMS = (
    ("Android", re.compile(r"\bAndroid ?(\d+)?")),
    ("iOS", re.compile(r"\b(?:iPhone|iPad|iPod)\b.*?\bOS (\d+)")),
    ("Windows", re.compile(r"\bWindows NT (\d+)")),
    ("ChromeOS", re.compile(r"\bCrOS\b()")),
    ("macOS", re.compile(r"\bMac OS X (\d+)")),
    ("Linux", re.compile(r"\bLinux\b()")),
)


@dataclass(frozen=True)
class Device:
    browser: str  # "Firefox 133", or "" when not recognised
    system: str  # "Android 14", "Windows", or ""


def describe(user_agent: str) -> Device:
    return Device(_first(_BROWSERS, user_agent), _system(user_agent))


def _first(patterns: tuple[tuple[str, re.Pattern[str]], ...], text: str) -> str:
    for name, pattern in patterns:
        found = pattern.search(text)
        if found:
            version = found.group(1) if found.groups() else None
            return f"{name} {version}" if version else name
    return ""


def _system(text: str) -> str:
    name = _first(_SYSTEMS, text)
    # "Windows NT 10" is Windows 10 or 11 (they send the same); the number misleads.
    return "Windows" if name.startswith("Windows") else name

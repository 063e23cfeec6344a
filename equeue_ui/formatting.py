"""Dates and times as people at the university read them."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from equeue_ui import runtime


def local(moment: datetime) -> datetime:
    return moment.astimezone(ZoneInfo(runtime.current().settings.timezone))


def date_time(moment: datetime) -> str:
    return local(moment).strftime("%d.%m.%Y %H:%M")


def date_only(moment: datetime) -> str:
    return local(moment).strftime("%d.%m.%Y")


def to_input(moment: datetime | None) -> str:
    """A moment as a `datetime-local` input shows it, in the university's time zone."""
    return "" if moment is None else local(moment).strftime("%Y-%m-%dT%H:%M")


def from_input(text: str | None) -> datetime | None:
    """A `datetime-local` input's value, read in the university's time zone; None when empty.

    Raises ValueError for text that is not such a value.
    """
    if not text:
        return None
    naive = datetime.strptime(text[:16], "%Y-%m-%dT%H:%M")
    return naive.replace(tzinfo=ZoneInfo(runtime.current().settings.timezone))

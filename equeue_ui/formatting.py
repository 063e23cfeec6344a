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

"""Links whose address comes from data (a task's link, a course on eCourses)."""

from __future__ import annotations

from urllib.parse import urlsplit

from nicegui import ui


def web_address(url: str | None) -> str | None:
    """``url`` when it is an absolute http(s) address, else None.

    Typed links are checked by the services, but addresses also arrive from eCourses answers
    and older rows: a ``javascript:`` or ``data:`` address would run script on a click.
    """
    text = (url or "").strip()
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. a malformed IPv6 host
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return text


def web_link(text: str, url: str | None, *, new_tab: bool = True) -> ui.link | ui.label:
    """A link to ``url``, or ``text`` alone when the address is not a web address."""
    address = web_address(url)
    if address is None:
        return ui.label(text)
    return ui.link(text, address, new_tab=new_tab)

"""Input checks shared by the services; each failure is an InvalidError with a clear message."""

from __future__ import annotations

from urllib.parse import urlparse

from db.models import NAME_LENGTH
from equeue_ui.errors import invalid


def clean_name(value: str | None, *, max_length: int = NAME_LENGTH) -> str:
    """A required single-line name: trimmed, not empty, not too long."""
    text = " ".join((value or "").split())
    if not text:
        raise invalid("The name must not be empty.")
    if len(text) > max_length:
        raise invalid("The name is too long (at most {limit} characters).", limit=max_length)
    return text


def clean_text(value: str | None, *, max_length: int) -> str:
    text = (value or "").strip()
    if len(text) > max_length:
        raise invalid("The text is too long (at most {limit} characters).", limit=max_length)
    return text


def clean_url(value: str | None) -> str | None:
    text = (value or "").strip()
    if not text:
        return None
    parsed = urlparse(text)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise invalid("A link must start with http:// or https://.")
    if len(text) > 1024:
        raise invalid("The link is too long.")
    return text

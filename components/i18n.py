"""The UI's translation function: the reader's language is kept per connected client."""

from __future__ import annotations

from typing import Any

from nicegui import app

from equeue_ui import i18n

_KEY = "language"


def set_language(language: str | None) -> str:
    chosen = i18n.normalize_language(language)
    app.storage.client[_KEY] = chosen
    return chosen


def language() -> str:
    return i18n.normalize_language(app.storage.client.get(_KEY))


def _(msgid: str, **params: Any) -> str:
    """Translate a user-visible English text into the current client's language."""
    return i18n.translate(msgid, language(), **params)


def render(message: i18n.Msg) -> str:
    return message.render(language())

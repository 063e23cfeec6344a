"""The UI's translation function: the reader's language is kept per connected client."""

from __future__ import annotations

import copy
from typing import Any

from nicegui import app, ui
from nicegui.language import Language

from equeue_ui import i18n

_KEY = "language"
# NiceGUI's (and Quasar's) names of our languages.
PAGE_LANGUAGES: dict[str, Language] = {"ru": "ru", "en": "en-US"}


def set_language(language: str | None) -> str:
    """The reader's language for this client: our texts, and the page's own (below)."""
    chosen = i18n.normalize_language(language)
    app.storage.client[_KEY] = chosen
    _set_page_language(PAGE_LANGUAGES[chosen])
    return chosen


def _set_page_language(language: Language) -> None:
    """``<html lang>`` (screen readers pick their voice by it), Quasar's words (tables, dates)
    and NiceGUI's "Connection lost" notice in the reader's language.

    NiceGUI takes these from the page's route (``ui.page(language=…)``), one language for every
    reader, and reads it when the page's HTML is built, after the page function; so this client
    gets its own copy of its route's page, with the reader's language."""
    client = ui.context.client
    if client.page.language != language:
        page = copy.copy(client.page)
        page.language = language
        client.page = page


def language() -> str:
    return i18n.normalize_language(app.storage.client.get(_KEY))


def _(msgid: str, **params: Any) -> str:
    """Translate a user-visible English text into the current client's language."""
    return i18n.translate(msgid, language(), **params)


def _n(singular: str, plural: str, n: float, **params: Any) -> str:
    """Like ``_``, for a text with a count: ``n`` picks the plural form and fills in ``{n}``."""
    return i18n.translate_n(singular, plural, language(), n=n, **params)


def _forms(singular: str, plural: str) -> dict[str, str]:
    """A text with a count that the browser fills in: its form for each of the reader's plural
    categories, keyed as the browser's ``Intl.PluralRules(language())`` names them."""
    return i18n.plural_forms(singular, plural, language())


def render(message: i18n.Msg) -> str:
    return message.render(language())

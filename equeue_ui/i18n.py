"""Translation: English message ids, Russian by default; no UI framework here.

Code marks user-visible text with ``msg("…", **params)`` (a lazy message, for services and
errors) or with the UI's ``_("…")``; a text with a count takes plural forms, with
``msg_n(singular, plural, n, **params)`` or the UI's ``_n``, and ``{n}`` in it is the count.
All end here, in the reader's language.

The catalogs are gettext's: ``locales/messages.pot`` extracted from the code by pybabel,
``locales/<lang>/LC_MESSAGES/messages.po`` translated, and the ``.mo`` compiled from it, all
by ``make translations`` (README, Development). English is the source language and has no
catalog: its texts are the message ids, one/other in plurals.
"""

from __future__ import annotations

import gettext
import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES: dict[str, str] = {"ru": "Русский", "en": "English"}
DEFAULT_LANGUAGE = "ru"
DOMAIN = "messages"
LOCALES = Path(__file__).parent / "locales"

# A count in each of a language's plural categories, as CLDR (and so the browser's
# Intl.PluralRules) names them, to pick that category's form out of the catalog; "other" is
# a fraction's in Russian (1,5 секунды) and every count but one in English.
CATEGORY_COUNTS: dict[str, dict[str, float]] = {
    "ru": {"one": 1, "few": 2, "many": 5, "other": 1.5},
    "en": {"one": 1, "other": 2},
}


@dataclass(frozen=True)
class Msg:
    """A message to translate later, in the language of whoever reads it.

    With ``plural`` (the English plural of ``msgid``) the count is ``params["n"]``."""

    msgid: str
    params: dict[str, Any] = field(default_factory=dict)
    plural: str | None = None

    def render(self, language: str | None) -> str:
        if self.plural is None:
            return translate(self.msgid, language, **self.params)
        return translate_n(self.msgid, self.plural, language, **self.params)


def msg(msgid: str, **params: Any) -> Msg:
    return Msg(msgid, params)


def msg_n(singular: str, plural: str, n: float, **params: Any) -> Msg:
    """A lazy message with a count: ``n`` picks the form and fills in ``{n}``."""
    return Msg(singular, {"n": n, **params}, plural)


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The compiled catalog of ``language``; English (or a missing one) reads the ids."""
    return gettext.translation(DOMAIN, LOCALES, languages=[language], fallback=True)


def normalize_language(language: str | None) -> str:
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def translate(msgid: str, language: str | None, **params: Any) -> str:
    text = translations(normalize_language(language)).gettext(msgid)
    return text.format(**params) if params else text


def translate_n(
    singular: str, plural: str, language: str | None, *, n: float, **params: Any
) -> str:
    """The form of the message for the count ``n``, with ``n`` and ``params`` filled in."""
    catalog = translations(normalize_language(language))
    return catalog.ngettext(singular, plural, plural_count(n)).format(n=n, **params)


def plural_forms(singular: str, plural: str, language: str | None) -> dict[str, str]:
    """The message's form for each plural category of the language (``{n}`` left in), for a
    count that the browser fills in: ``Intl.PluralRules(language).select(n)`` picks one."""
    reader = normalize_language(language)
    catalog = translations(reader)
    return {
        category: catalog.ngettext(singular, plural, plural_count(count))
        for category, count in CATEGORY_COUNTS[reader].items()
    }


def plural_count(n: float) -> int:
    """The whole number whose form ``n`` takes: gettext's plural rules take whole numbers,
    and a fraction reads like 2 in both our languages (1.5 seconds, 1,5 секунды)."""
    if isinstance(n, int):
        return abs(n)
    if math.isfinite(n) and n == int(n):
        return abs(int(n))
    return 2

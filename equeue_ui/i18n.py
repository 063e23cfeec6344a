"""Translation: English message ids, Russian by default; no UI framework here.

Code marks user-visible text with ``msg("…", **params)`` (a lazy message, for services and
errors) or with the UI's ``_("…")``; both end in :func:`translate` with the reader's language.

Messages with a count name it ``n`` and give their plural forms separated by ``|``: English
one|other in the message id (``"Import {n} task|Import {n} tasks"``), Russian one|few|many in
the catalog (``"… {n} задачу|… {n} задачи|… {n} задач"``); :func:`translate` picks the form.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES: dict[str, str] = {"ru": "Русский", "en": "English"}
DEFAULT_LANGUAGE = "ru"
_LOCALES = Path(__file__).parent / "locales"
PLURAL_SEPARATOR = "|"


@dataclass(frozen=True)
class Msg:
    """A message to translate later, in the language of whoever reads it."""

    msgid: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, language: str) -> str:
        return translate(self.msgid, language, **self.params)


def msg(msgid: str, **params: Any) -> Msg:
    return Msg(msgid, params)


@cache
def catalog(language: str) -> dict[str, str]:
    path = _LOCALES / f"{language}.json"
    if not path.exists():
        return {}
    data: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return data


def normalize_language(language: str | None) -> str:
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def translate(msgid: str, language: str | None, **params: Any) -> str:
    reader = normalize_language(language)
    text = catalog(reader).get(msgid)
    if text is None:  # untranslated: the English message id, with English plural rules
        text, reader = msgid, "en"
    if PLURAL_SEPARATOR in text and isinstance(params.get("n"), int | float):
        text = plural(params["n"], reader, text.split(PLURAL_SEPARATOR))
    return text.format(**params) if params else text


def plural(n: float, language: str, forms: list[str]) -> str:
    """The form of ``forms`` for the count ``n``: English one/other, Russian one/few/many.
    A missing form falls back to the last one given."""
    if language == "ru":
        index = ("one", "few", "many").index(_russian_category(n))
    else:
        index = 0 if n == 1 else 1
    return forms[min(index, len(forms) - 1)]


def _russian_category(n: float) -> str:
    if not math.isfinite(n) or n != int(n):
        return "few"  # fractions: 1,5 секунды, 2,5 задачи
    return plural_ru(int(n), "one", "few", "many")


def plural_ru(n: int, one: str, few: str, many: str) -> str:
    """Russian plural form for ``n``: 1 день, 2 дня, 5 дней."""
    n = abs(n) % 100
    if 11 <= n <= 14:
        return many
    if n % 10 == 1:
        return one
    if 2 <= n % 10 <= 4:
        return few
    return many

"""Translation (SPEC §10): message ids fall back to themselves, params fill in, Russian plurals."""

from __future__ import annotations

import json
import string
from pathlib import Path

import pytest

from equeue_ui import i18n
from equeue_ui.errors import ConflictError, NotFoundError
from equeue_ui.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    msg,
    normalize_language,
    plural_ru,
    translate,
)

LOCALES = Path(i18n.__file__).parent / "locales"
GREETING = "Hello, {name}!"


@pytest.fixture
def russian(monkeypatch: pytest.MonkeyPatch) -> None:
    """A known Russian catalog, whatever the shipped one holds today."""
    catalogs = {"ru": {GREETING: "Привет, {name}!", "Queue": "Очередь"}}
    monkeypatch.setattr(i18n, "catalog", lambda language: catalogs.get(language, {}))


def test_an_untranslated_message_falls_back_to_its_id() -> None:
    assert translate("No such message id, surely", "ru") == "No such message id, surely"
    assert translate("No such message id, surely", "en") == "No such message id, surely"


def test_the_fallback_is_formatted_with_the_params() -> None:
    assert translate("Wait {minutes} minutes.", "en", minutes=15) == "Wait 15 minutes."


def test_a_message_without_params_keeps_its_braces() -> None:
    assert translate("Use {braces} as is", "en") == "Use {braces} as is"


@pytest.mark.usefixtures("russian")
def test_a_translated_message_is_formatted_in_the_readers_language() -> None:
    assert translate(GREETING, "ru", name="Аня") == "Привет, Аня!"
    assert translate(GREETING, "en", name="Ann") == "Hello, Ann!"
    assert translate("Queue", "ru") == "Очередь"


@pytest.mark.usefixtures("russian")
@pytest.mark.parametrize("language", [None, "", "de", "RU"])
def test_an_unknown_or_missing_language_reads_the_default_russian(language: str | None) -> None:
    assert translate("Queue", language) == "Очередь"


@pytest.mark.usefixtures("russian")
def test_a_lazy_message_renders_in_whichever_language_it_is_read() -> None:
    greeting = msg(GREETING, name="Аня")

    assert greeting.render("ru") == "Привет, Аня!"
    assert greeting.render("en") == "Hello, Аня!"


def test_domain_errors_carry_a_translatable_message() -> None:
    error = ConflictError(msg("Wait {minutes} minutes.", minutes=5))

    assert str(error) == "Wait 5 minutes."
    assert error.render("en") == "Wait 5 minutes."
    assert NotFoundError().render("en") == "Not found."


@pytest.mark.parametrize(
    ("language", "normalized"),
    [("ru", "ru"), ("en", "en"), (None, "ru"), ("", "ru"), ("de", "ru"), ("EN", "ru")],
)
def test_normalize_language_keeps_known_languages_and_defaults_to_russian(
    language: str | None, normalized: str
) -> None:
    assert normalize_language(language) == normalized


def test_russian_is_the_default_and_english_is_offered() -> None:
    assert DEFAULT_LANGUAGE == "ru"
    assert set(LANGUAGES) == {"ru", "en"}


@pytest.mark.parametrize(
    ("n", "form"),
    [
        (0, "дней"),
        (1, "день"),
        (2, "дня"),
        (4, "дня"),
        (5, "дней"),
        (11, "дней"),
        (12, "дней"),
        (14, "дней"),
        (21, "день"),
        (22, "дня"),
        (25, "дней"),
        (101, "день"),
        (111, "дней"),
        (112, "дней"),
        (122, "дня"),
        (-1, "день"),
        (-22, "дня"),
    ],
)
def test_plural_ru_picks_one_few_or_many(n: int, form: str) -> None:
    assert plural_ru(n, "день", "дня", "дней") == form


@pytest.mark.parametrize("path", sorted(LOCALES.glob("*.json")), ids=lambda p: p.name)
def test_every_shipped_catalog_maps_message_ids_to_translations_with_the_same_params(
    path: Path,
) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))

    assert isinstance(data, dict)
    for msgid, text in data.items():
        assert isinstance(msgid, str) and isinstance(text, str) and text, msgid
        assert _fields(text) == _fields(msgid), msgid


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}

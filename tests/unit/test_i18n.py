"""Translation (SPEC §10): message ids fall back to themselves, params fill in, readers get their
language, and the shipped Russian catalog is the compiled gettext one."""

from __future__ import annotations

import gettext

import pytest
from babel.messages.catalog import Catalog

from equeue_ui import i18n
from equeue_ui.errors import ConflictError, NotFoundError
from equeue_ui.i18n import DEFAULT_LANGUAGE, LANGUAGES, msg, normalize_language, translate
from tests.i18n_scan import compiled

GREETING = "Hello, {name}!"


@pytest.fixture
def russian(monkeypatch: pytest.MonkeyPatch) -> None:
    """A known Russian catalog, whatever the shipped one holds today."""
    catalog = Catalog(locale="ru")
    catalog.add(GREETING, "Привет, {name}!")
    catalog.add("Queue", "Очередь")
    russian = compiled(catalog)
    monkeypatch.setattr(
        i18n,
        "translations",
        lambda language: russian if language == "ru" else gettext.NullTranslations(),
    )


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


def test_the_shipped_russian_catalog_is_read_from_its_compiled_file() -> None:
    assert isinstance(i18n.translations("ru"), gettext.GNUTranslations)
    assert translate("Sign in", "ru") == "Вход"
    assert translate("Sign in", "en") == "Sign in"

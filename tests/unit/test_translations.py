"""The gettext catalogs keep up with the code (issue 16, point 7): every marked text, singular
or plural, has a Russian translation in every form with the same placeholders; the catalogs
hold nothing the code no longer uses; the template and the compiled .mo are not stale.

When one fails: ``make translations``, then fill in the empty ``msgstr`` of
equeue_ui/locales/ru/LC_MESSAGES/messages.po and run it again (README, Development)."""

from __future__ import annotations

import pytest
from babel.messages.catalog import Catalog

from equeue_ui.i18n import LANGUAGES
from tests.i18n_scan import (
    TEMPLATE,
    extract,
    forms,
    messages,
    mo_file,
    placeholders,
    po_file,
    read_catalog,
    translated_languages,
)

HINT = "run `make translations` and translate what it adds (README, Development)"
RUSSIAN_PLURALS = (
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
    "(n%100<10 || n%100>=20) ? 1 : 2);"
)


@pytest.fixture(scope="module")
def code(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The messages marked in the code now."""
    return extract(tmp_path_factory.mktemp("extracted"))


@pytest.fixture(scope="module")
def russian() -> Catalog:
    return read_catalog(po_file("ru"))


def test_every_language_but_the_english_source_has_a_catalog() -> None:
    assert translated_languages() == sorted(set(LANGUAGES) - {"en"})


def test_the_template_lists_exactly_the_messages_in_the_code(code: Catalog) -> None:
    template = read_catalog(TEMPLATE)

    assert _ids(template) == _ids(code), HINT


def test_every_message_in_the_code_has_a_russian_translation_in_every_form(
    code: Catalog, russian: Catalog
) -> None:
    translated = messages(russian)
    missing = []
    for msgid, message in messages(code).items():
        translation = translated.get(msgid)
        if (
            translation is None
            or translation.fuzzy
            or translation.pluralizable != message.pluralizable
            or (message.pluralizable and translation.id[1] != message.id[1])
            or len(forms(translation)) != (russian.num_plurals if message.pluralizable else 1)
            or not all(forms(translation))
        ):
            missing.append(msgid)
    assert not missing, f"untranslated, unfinished or fuzzy: {missing}; {HINT}"


def test_russian_plurals_follow_the_russian_rule(russian: Catalog) -> None:
    assert russian.plural_forms == RUSSIAN_PLURALS


def test_both_english_forms_of_a_plural_message_have_the_same_placeholders(code: Catalog) -> None:
    wrong = [
        message.id
        for message in code
        if message.pluralizable and placeholders(message.id[0]) != placeholders(message.id[1])
    ]
    assert not wrong


@pytest.mark.parametrize("language", translated_languages())
def test_translations_keep_the_placeholders_of_the_original(language: str) -> None:
    wrong = {
        msgid: forms(message)
        for msgid, message in messages(read_catalog(po_file(language))).items()
        if any(placeholders(text) != _placeholders(message.id) for text in forms(message))
    }
    assert not wrong


@pytest.mark.parametrize("language", translated_languages())
def test_a_catalog_holds_no_texts_the_code_no_longer_uses(language: str, code: Catalog) -> None:
    catalog = read_catalog(po_file(language))

    unused = sorted(set(messages(catalog)) - set(messages(code)))
    assert not unused, f"no longer in the code: {unused}; {HINT}"
    assert not catalog.obsolete, f"obsolete (#~) entries: {list(catalog.obsolete)}; {HINT}"


@pytest.mark.parametrize("language", translated_languages())
def test_the_compiled_catalog_says_what_its_source_says(language: str) -> None:
    source = {
        msgid: forms(message)
        for msgid, message in messages(read_catalog(po_file(language))).items()
        if not message.fuzzy and all(forms(message))
    }
    compiled = {
        msgid: forms(message)
        for msgid, message in messages(read_catalog(mo_file(language))).items()
    }

    assert compiled == source, f"{mo_file(language)} is stale: {HINT}"


def _ids(catalog: Catalog) -> set[str | tuple[str, ...]]:
    return {
        message.id if isinstance(message.id, str) else tuple(message.id)
        for message in catalog
        if message.id
    }


def _placeholders(msgid: str | tuple[str, ...] | list[str]) -> set[str]:
    ids = [msgid] if isinstance(msgid, str) else list(msgid)
    return set().union(*(placeholders(text) for text in ids))


def test_placeholders_are_read_with_their_format_specs_stripped() -> None:
    assert placeholders("{n:g} s, {name}") == {"n", "name"}
    assert _placeholders(("{n} day", "{n} days")) == {"n"}

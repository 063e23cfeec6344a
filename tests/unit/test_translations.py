"""Every visible text has a Russian translation with the same placeholders."""

from __future__ import annotations

from equeue_ui.i18n import catalog
from tests.i18n_scan import messages, placeholders


def test_every_message_in_the_code_has_a_russian_translation() -> None:
    russian = catalog("ru")
    missing = {msgid: places[0] for msgid, places in messages().items() if not russian.get(msgid)}
    assert not missing, f"untranslated (run `python -m tests.i18n_scan`): {missing}"


def test_translations_keep_the_placeholders_of_the_original() -> None:
    russian = catalog("ru")
    wrong = {
        msgid: text for msgid, text in russian.items() if placeholders(msgid) != placeholders(text)
    }
    assert not wrong


def test_the_catalog_holds_no_texts_the_code_no_longer_uses() -> None:
    unused = set(catalog("ru")) - set(messages())
    assert not unused

"""Messages with a count take plural forms (issue 16, point 7): gettext's ngettext with
English one/other and Russian one/few/many, on the server (``msg_n``, ``_n``) and in the
browser (``_forms``: every form, picked by the browser's CLDR rules)."""

from __future__ import annotations

import gettext

import pytest
from babel import Locale
from babel.messages.catalog import Catalog

from equeue_ui import i18n
from equeue_ui.errors import invalid_n
from equeue_ui.i18n import CATEGORY_COUNTS, LANGUAGES, msg_n, plural_forms, translate_n
from tests.i18n_scan import TEMPLATE, compiled, messages, placeholders, read_catalog

TASKS = ("Import {n} task", "Import {n} tasks")
RUSSIAN_TASKS = ("Импортировать {n} задание", "… {n} задания", "… {n} заданий")
# Shipped in equeue_ui/locales/ru/LC_MESSAGES/messages.po.
DAYS = ("Works for {n} day", "Works for {n} days")


@pytest.fixture
def russian(monkeypatch: pytest.MonkeyPatch) -> None:
    """A known Russian catalog, with the shipped catalog's plural rule."""
    catalog = Catalog(locale="ru")
    catalog.mime_headers = [("Plural-Forms", i18n.translations("ru").info()["plural-forms"])]
    catalog.add(TASKS, RUSSIAN_TASKS)
    russian = compiled(catalog)
    monkeypatch.setattr(
        i18n,
        "translations",
        lambda language: russian if language == "ru" else gettext.NullTranslations(),
    )


@pytest.mark.parametrize(
    ("n", "form"),
    [
        *[(1, 0), (2, 1), (5, 2), (11, 2), (21, 0), (22, 1), (25, 2), (111, 2)],
        *[(0, 2), (4, 1), (12, 2), (14, 2), (101, 0), (112, 2), (122, 1), (1011, 2)],
    ],
)
def test_the_shipped_russian_catalog_picks_one_few_or_many(n: int, form: int) -> None:
    text = translate_n(*DAYS, "ru", n=n)

    assert text == ("Действует {n} день", "Действует {n} дня", "Действует {n} дней")[form].format(
        n=n
    )


@pytest.mark.parametrize(
    ("n", "text"),
    [
        *[(0, "Import 0 tasks"), (1, "Import 1 task"), (2, "Import 2 tasks")],
        *[(5, "Import 5 tasks"), (11, "Import 11 tasks"), (21, "Import 21 tasks")],
        (111, "Import 111 tasks"),
    ],
)
def test_english_says_one_task_and_other_tasks(n: int, text: str) -> None:
    assert translate_n(*TASKS, "en", n=n) == text


@pytest.mark.usefixtures("russian")
@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "Импортировать 1 задание"),
        (21, "Импортировать 21 задание"),
        (2, "… 2 задания"),
        (22, "… 22 задания"),
        (5, "… 5 заданий"),
        (11, "… 11 заданий"),
        (25, "… 25 заданий"),
        (111, "… 111 заданий"),
        (0, "… 0 заданий"),
    ],
)
def test_russian_takes_its_three_forms(n: int, text: str) -> None:
    assert translate_n(*TASKS, "ru", n=n) == text


def test_an_untranslated_plural_message_uses_the_english_forms_in_any_language() -> None:
    assert translate_n("Keep {n} hat", "Keep {n} hats", "ru", n=1) == "Keep 1 hat"
    assert translate_n("Keep {n} hat", "Keep {n} hats", "ru", n=2) == "Keep 2 hats"


@pytest.mark.usefixtures("russian")
def test_a_lazy_message_picks_its_form_when_read() -> None:
    message = msg_n(*TASKS, 2)

    assert message.render("en") == "Import 2 tasks"
    assert message.render("ru") == "… 2 задания"
    assert message.render(None) == "… 2 задания"  # the default language


def test_a_count_fills_in_beside_the_other_params_and_keeps_its_format() -> None:
    text = translate_n(
        "{who} waited {n:g} second", "{who} waited {n:g} seconds", "en", n=1.5, who="Ann"
    )

    assert text == "Ann waited 1.5 seconds"


@pytest.mark.usefixtures("russian")
def test_a_domain_error_with_a_count_says_it_in_english_and_in_the_readers_language() -> None:
    error = invalid_n(*TASKS, 3)

    assert str(error) == "Import 3 tasks"
    assert error.render("ru") == "… 3 задания"


@pytest.mark.usefixtures("russian")
@pytest.mark.parametrize(
    ("n", "english", "russian"),
    [
        (1.5, "tasks", "задания"),
        (0.5, "tasks", "задания"),
        (1.0, "task", "задание"),
        (21.0, "tasks", "задание"),
    ],
)
def test_fractions_read_like_two_and_whole_floats_like_their_number(
    n: float, english: str, russian: str
) -> None:
    assert translate_n(*TASKS, "en", n=n).endswith(english)
    assert translate_n(*TASKS, "ru", n=n).endswith(russian)


def test_gettext_is_given_a_whole_number_for_any_count() -> None:
    assert [i18n.plural_count(n) for n in (0, 1, 21, 1.0, 1.5, float("inf"), float("nan"))] == [
        0,
        1,
        21,
        1,
        2,
        2,
        2,
    ]


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_the_browser_gets_a_form_for_each_plural_category_of_cldr(language: str) -> None:
    """The browser picks a form with Intl.PluralRules, which follows CLDR, as Babel does: for
    every count it lands on the form the server's gettext rule picks."""
    rule = Locale.parse(language).plural_form
    forms = plural_forms("{n} in the queue", "{n} in the queue", language)

    assert set(forms) == set(CATEGORY_COUNTS[language]) == set(rule.tags) | {"other"}
    for n in [*range(0, 1200), 1.5, 0.5, 2.25]:
        shown = forms[rule(n)].format(n=n)
        assert shown == translate_n("{n} in the queue", "{n} in the queue", language, n=n), n


def test_the_browser_gets_the_russian_forms_of_a_count() -> None:
    forms = plural_forms("{n} in the queue", "{n} in the queue", "ru")

    assert forms == {
        "one": "{n} человек в очереди",
        "few": "{n} человека в очереди",
        "many": "{n} человек в очереди",
        "other": "{n} человека в очереди",
    }
    assert plural_forms("{n} in the queue", "{n} in the queue", "en") == {
        "one": "{n} in the queue",
        "other": "{n} in the queue",
    }


def test_every_message_with_a_count_has_plural_forms() -> None:
    """A count is ``{n}`` and ``{n}`` is a count: a message that has it is a plural one
    (``msg_n``, ``_n``, ``invalid_n``, ``_forms``), so no language is stuck with one form."""
    singular = [
        msgid
        for msgid, message in messages(read_catalog(TEMPLATE)).items()
        if not message.pluralizable and "n" in placeholders(msgid)
    ]
    assert not singular

"""Messages with counts (issue 15, point 6): English one/other ("Import 1 task", "Import 3
tasks"), Russian one/few/many, chosen by the ``n`` a message is given."""

from __future__ import annotations

import pytest

from equeue_ui import i18n
from equeue_ui.i18n import PLURAL_SEPARATOR, catalog, msg, plural, translate
from tests.i18n_scan import messages, placeholders

TASKS = "Import {n} task|Import {n} tasks"


@pytest.fixture
def russian(monkeypatch: pytest.MonkeyPatch) -> None:
    catalogs = {"ru": {TASKS: "Импортировать {n} задание|… {n} задания|… {n} заданий"}}
    monkeypatch.setattr(i18n, "catalog", lambda language: catalogs.get(language, {}))


@pytest.mark.parametrize(
    ("n", "text"),
    [(0, "Import 0 tasks"), (1, "Import 1 task"), (2, "Import 2 tasks"), (21, "Import 21 tasks")],
)
def test_english_says_one_task_and_other_tasks(n: int, text: str) -> None:
    assert translate(TASKS, "en", n=n) == text


@pytest.mark.usefixtures("russian")
@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "Импортировать 1 задание"),
        (21, "Импортировать 21 задание"),
        (3, "… 3 задания"),
        (22, "… 22 задания"),
        (5, "… 5 заданий"),
        (11, "… 11 заданий"),
        (0, "… 0 заданий"),
    ],
)
def test_russian_takes_its_three_forms(n: int, text: str) -> None:
    assert translate(TASKS, "ru", n=n) == text


def test_an_untranslated_plural_message_uses_the_english_forms_in_any_language() -> None:
    assert translate("Keep {n} hat|Keep {n} hats", "ru", n=1) == "Keep 1 hat"
    assert translate("Keep {n} hat|Keep {n} hats", "ru", n=2) == "Keep 2 hats"


@pytest.mark.usefixtures("russian")
def test_a_lazy_message_picks_its_form_when_read() -> None:
    message = msg(TASKS, n=2)
    assert message.render("en") == "Import 2 tasks"
    assert message.render("ru") == "… 2 задания"


def test_fractions_take_the_other_or_few_form() -> None:
    assert plural(1.5, "en", ["one", "other"]) == "other"
    assert plural(1.0, "en", ["one", "other"]) == "one"
    assert plural(1.5, "ru", ["one", "few", "many"]) == "few"
    assert plural(float("inf"), "ru", ["one", "few", "many"]) == "few"


def test_a_message_without_a_count_keeps_its_bar() -> None:
    assert translate("a|b", "en") == "a|b"
    assert translate("{x}|{y}", "en", x=1, y=2) == "1|2"


def test_every_plural_message_has_two_english_and_three_russian_forms() -> None:
    russian = catalog("ru")
    plurals = [msgid for msgid in messages() if PLURAL_SEPARATOR in msgid]
    assert plurals
    for msgid in plurals:
        forms = msgid.split(PLURAL_SEPARATOR)
        assert len(forms) == 2, msgid
        assert all(placeholders(form) == {"n"} | placeholders(msgid) - {"n"} for form in forms)
        assert len(russian[msgid].split(PLURAL_SEPARATOR)) == 3, msgid

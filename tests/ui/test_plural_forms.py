"""Counts on the pages read in the reader's plural forms (issue 16, point 7): a Russian reader
sees "перед вами 2 человека" and "6 ожидают", and the browser-drawn queue list gets every form
of "N in the queue" with the language whose rules pick one."""

from __future__ import annotations

import json

from nicegui.testing.user import User

from equeue_ui.services import accounts
from tests.ui.helpers import DemoWorld, account, queue_view, sign_in, texts


async def test_a_russian_student_is_told_how_many_people_are_ahead_in_the_right_form(
    user: User, demo: DemoWorld
) -> None:
    await accounts.set_preferences(actor=await account("student5"), language="ru")
    await sign_in(user, "student5", path=f"/queues/{demo.open_subject.queue_id}")
    await user.should_see(marker="people-ahead")
    # Ahead of student5 are student2 and student4 (tests/ui/test_queue_page.py).
    assert texts(user, "people-ahead") == ["Перед вами 2 человека"]
    labels = json.loads(queue_view(user).props["labels"])
    assert labels["lang"] == "ru"
    assert labels["size"] == {
        "one": "{n} человек в очереди",
        "few": "{n} человека в очереди",
        "many": "{n} человек в очереди",
        "other": "{n} человека в очереди",
    }


async def test_an_english_student_gets_the_english_forms(user: User, demo: DemoWorld) -> None:
    await sign_in(user, "student5", path=f"/queues/{demo.open_subject.queue_id}")
    await user.should_see(marker="people-ahead")
    labels = json.loads(queue_view(user).props["labels"])
    assert labels["lang"] == "en"
    assert labels["size"] == {"one": "{n} in the queue", "other": "{n} in the queue"}


async def test_the_console_counts_the_waiting_in_russian_forms(user: User, demo: DemoWorld) -> None:
    await accounts.set_preferences(actor=await account("teacher"), language="ru")
    await sign_in(user, "teacher", path=f"/queues/{demo.open_subject.queue_id}/console")
    await user.should_see(marker="console-waiting")
    assert texts(user, "console-waiting") == ["6 ожидают"]

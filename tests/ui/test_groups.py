"""Choosing one's study group with type-ahead search, also among thousands of groups."""

from __future__ import annotations

import pytest
from nicegui.testing.user import User

from components.group_picker import RESULTS
from equeue_ui.services import groups
from tests.ui.helpers import PATIENCE, account, eventually, sign_in, texts

pytestmark = pytest.mark.usefixtures("demo")


async def test_a_user_without_a_group_finds_theirs_by_typing_and_chooses_it(user: User) -> None:
    await sign_in(user, "teacher")
    await user.should_see("No group chosen")
    user.find(marker="choose-group").click()
    await user.should_see(marker="group-search", retries=PATIENCE)
    user.find(marker="group-search").type("фи22")  # case-insensitive, Cyrillic
    await eventually(lambda: texts(user, "group-option") == ["ФИ22-03Б"], what="one match")
    user.find(marker="group-option", content="ФИ22-03Б").click()
    await user.should_see("Group: ФИ22-03Б", retries=PATIENCE)
    chosen = await groups.get_group((await account("teacher")).group_id or 0)
    assert chosen is not None and chosen.name == "ФИ22-03Б"


async def test_a_search_without_matches_says_so(user: User) -> None:
    await sign_in(user, "teacher", path="/groups")
    user.find(marker="group-search").type("no such group")
    await user.should_see(marker="no-groups", retries=PATIENCE)
    await user.should_not_see(marker="group-option")


async def test_the_search_stays_quick_and_short_among_five_thousand_groups(user: User) -> None:
    names = [f"ТГ{n:04d}-{n % 7:02d}Б" for n in range(5_000)]
    assert (await groups.import_group_names(names)).created == 5_000
    await sign_in(user, "student1", path="/groups")
    # Before typing: a handful of suggestions, never the whole list.
    assert 0 < len(texts(user, "group-option")) <= RESULTS
    user.find(marker="group-search").type("тг4321")
    await eventually(lambda: texts(user, "group-option") == ["ТГ4321-02Б"], what="one match")
    user.find(marker="group-search").clear().type("ТГ43")
    await user.should_see(marker="group-option", content="ТГ4300", retries=PATIENCE)
    assert len(texts(user, "group-option")) == RESULTS
    user.find(marker="group-option", content="ТГ4300").click()
    await user.should_see("Group: ТГ4300-02Б", retries=PATIENCE)

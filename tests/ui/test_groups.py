"""Choosing one's study group with type-ahead search, also among thousands of groups."""

from __future__ import annotations

import pytest
from nicegui.testing.user import User

from components.group_picker import RESULTS
from equeue_ui.services import accounts, groups
from tests.ui.helpers import PATIENCE, account, eventually, sign_in, texts

pytestmark = pytest.mark.usefixtures("demo")

WORKSPACE = "Осенний семестр 2026"  # of the demo group (equeue_ui/demo.py)


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


async def test_the_home_page_follows_a_renamed_group_and_a_group_chosen_elsewhere(
    user: User,
) -> None:
    await sign_in(user, "newcomer")  # sees the workspace through the group only
    student, admin = await account("newcomer"), await account("admin")
    assert student.group_id is not None
    mine = await groups.get_group(student.group_id)
    assert mine is not None
    await user.should_see(f"Group: {mine.name}")
    await user.should_see(WORKSPACE)

    await groups.rename_group(mine.id, "КИ26-01Б", actor=admin)
    await user.should_see("Group: КИ26-01Б", retries=PATIENCE)

    other = await groups.create_group("ФИ26-07Б", actor=admin)
    await accounts.set_group(other.id, actor=student)  # in another tab
    await user.should_see("Group: ФИ26-07Б", retries=PATIENCE)
    await user.should_not_see(WORKSPACE, retries=PATIENCE)  # the old group's workspace


async def test_an_open_group_picker_lists_a_group_added_meanwhile(user: User) -> None:
    await sign_in(user, "teacher", path="/groups")
    user.find(marker="group-search").type("ЮИ26")
    await user.should_see(marker="no-groups", retries=PATIENCE)

    await groups.create_group("ЮИ26-11Б", actor=await account("admin"))

    await eventually(lambda: texts(user, "group-option") == ["ЮИ26-11Б"], what="the new group")


async def test_the_groups_offered_are_listed_from_a_to_z(user: User) -> None:
    await sign_in(user, "teacher")
    await user.open("/groups")
    await user.should_see(marker="group-option", retries=PATIENCE)
    shown = texts(user, "group-option")
    assert len(shown) > 3
    assert shown == sorted(shown, key=str.casefold)

"""Study groups (SPEC §1, §4, §7): the searchable picker, creation by site admins, imports."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select

from db.models import Group
from equeue_ui.errors import ConflictError, ForbiddenError, InvalidError
from equeue_ui.runtime import Runtime
from equeue_ui.services import accounts, groups
from equeue_ui.services.groups import ImportResult
from tests.services import factories

SFU_GROUPS = ["КИ21-16/2Б", "КИ21-16/1Б", "КИ22-01Б", "ФФ21-03М", "ИКИТ-21", "ЭУ20-11Б"]


async def add_groups(rt: Runtime, names: list[str]) -> None:
    """All the names in one bulk INSERT."""
    async with rt.db.write_session() as session:
        await session.execute(insert(Group), [{"name": name} for name in names])
        await session.commit()


async def stored_names(rt: Runtime) -> list[str]:
    async with rt.db.read_session() as session:
        return sorted(await session.scalars(select(Group.name)))


async def names_found(query: str, *, limit: int = 20) -> list[str]:
    return [group.name for group in await groups.search_groups(query, limit=limit)]


def timetable() -> list[str]:
    """5,000 distinct group names in the SFU style."""
    return [
        f"{faculty}{year}-{n:02}/{sub}Б"
        for faculty in ("КИ", "ФЭ", "ЮИ", "ИЭ", "ХБ")
        for year in range(15, 25)
        for n in range(50)
        for sub in (1, 2)
    ]


# --- searching --------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["ки21", "КИ21", "Ки21", "кИ21-16"])
async def test_search_ignores_the_case_of_cyrillic_letters(rt: Runtime, query: str) -> None:
    await add_groups(rt, SFU_GROUPS)

    assert await names_found(query) == ["КИ21-16/1Б", "КИ21-16/2Б"]


async def test_search_finds_a_name_by_any_part_of_it(rt: Runtime) -> None:
    await add_groups(rt, SFU_GROUPS)

    assert await names_found("16/2б") == ["КИ21-16/2Б"]
    assert await names_found("  21-16/2Б ") == ["КИ21-16/2Б"]
    assert await names_found("ки21-16/3") == []


async def test_search_lists_shortest_names_first_then_alphabetically(rt: Runtime) -> None:
    await add_groups(rt, ["КИ21-16/2Б", "КИ21", "КИ21-1", "КИ21-16/1Б", "ЭКИ21"])

    assert await names_found("ки21") == ["КИ21", "ЭКИ21", "КИ21-1", "КИ21-16/1Б", "КИ21-16/2Б"]


async def test_search_returns_at_most_the_limit(rt: Runtime) -> None:
    await add_groups(rt, [f"КИ21-{n:02}Б" for n in range(30)])

    assert len(await names_found("ки21")) == 20  # the default
    assert await names_found("ки21", limit=3) == ["КИ21-00Б", "КИ21-01Б", "КИ21-02Б"]


async def test_an_empty_search_lists_the_shortest_names(rt: Runtime) -> None:
    await add_groups(rt, SFU_GROUPS)

    assert await names_found("   ", limit=2) == ["ИКИТ-21", "КИ22-01Б"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [("%", ["100%"]), ("_", ["A_1"]), ("a_1", ["A_1"]), ("/", ["A/1"]), ("\\", ["A\\1"])],
)
async def test_search_treats_wildcard_and_escape_characters_literally(
    rt: Runtime, query: str, expected: list[str]
) -> None:
    await add_groups(rt, ["A_1", "AB1", "A/1", "A\\1", "100%", "1000"])

    assert await names_found(query) == expected


async def test_search_over_5000_groups_finds_the_right_ones(rt: Runtime) -> None:
    await add_groups(rt, timetable())

    found = await names_found("ки21-16/2", limit=50)
    several = await names_found("фэ2", limit=7)

    assert found == ["КИ21-16/2Б"]
    assert len(several) == 7
    assert all(name.startswith("ФЭ2") for name in several)


# --- creating ---------------------------------------------------------------------------------


async def test_a_site_admin_creates_a_group(rt: Runtime) -> None:
    root = await factories.make_user(rt, "root", site_admin=True)

    created = await groups.create_group("  КИ23-05Б ", actor=root)

    assert created.name == "КИ23-05Б"
    assert await groups.get_group(created.id) == created
    assert await stored_names(rt) == ["КИ23-05Б"]


@pytest.mark.parametrize("role", ["student", "teacher"])
async def test_only_site_admins_create_groups(rt: Runtime, role: str) -> None:
    actor = await factories.make_user(rt, "actor", teacher=role == "teacher")

    with pytest.raises(ForbiddenError):
        await groups.create_group("КИ23-05Б", actor=actor)

    assert await stored_names(rt) == []


async def test_creating_an_existing_group_is_a_conflict(rt: Runtime) -> None:
    root = await factories.make_user(rt, "root", site_admin=True)
    await groups.create_group("КИ23-05Б", actor=root)

    with pytest.raises(ConflictError):
        await groups.create_group(" КИ23-05Б", actor=root)

    assert await stored_names(rt) == ["КИ23-05Б"]


@pytest.mark.parametrize("name", ["", "   ", "Я" * 256])
async def test_a_group_name_must_be_neither_empty_nor_too_long(rt: Runtime, name: str) -> None:
    root = await factories.make_user(rt, "root", site_admin=True)

    with pytest.raises(InvalidError):
        await groups.create_group(name, actor=root)


async def test_an_unknown_group_is_none(rt: Runtime) -> None:
    assert await groups.get_group(12345) is None


# --- importing --------------------------------------------------------------------------------


async def test_import_adds_new_groups_and_skips_existing_ones_and_repeats(rt: Runtime) -> None:
    await add_groups(rt, ["КИ21-16/2Б", "КИ22-01Б"])

    result = await groups.import_group_names(
        ["КИ21-16/2Б", "ФФ21-03М", " ФФ21-03М ", "ЭУ20-11Б", "КИ22-01Б", "ЭУ20-11Б"]
    )

    assert result == ImportResult(created=2, existing=2)
    assert await stored_names(rt) == ["КИ21-16/2Б", "КИ22-01Б", "ФФ21-03М", "ЭУ20-11Б"]


async def test_importing_the_same_list_twice_adds_nothing_the_second_time(rt: Runtime) -> None:
    await groups.import_group_names(SFU_GROUPS)

    again = await groups.import_group_names(SFU_GROUPS)

    assert again == ImportResult(created=0, existing=len(SFU_GROUPS))
    assert await stored_names(rt) == sorted(SFU_GROUPS)


async def test_names_with_apostrophes_quotes_and_emoji_are_kept_intact(rt: Runtime) -> None:
    names = ["Группа д'Артаньяна", 'The "Best" group', "ИТ🚀-1", "`; DROP TABLE groups; --"]

    result = await groups.import_group_names(names)

    assert result == ImportResult(created=4, existing=0)
    assert await stored_names(rt) == sorted(names)
    assert await names_found("🚀") == ["ИТ🚀-1"]
    assert await names_found("д'арт") == ["Группа д'Артаньяна"]
    assert await names_found('"best"') == ['The "Best" group']


async def test_import_counts_an_empty_list_as_nothing_to_do(rt: Runtime) -> None:
    assert await groups.import_group_names([]) == ImportResult(created=0, existing=0)


async def test_imported_groups_can_be_chosen_by_students(rt: Runtime) -> None:
    await groups.import_group_names(["КИ21-16/2Б"])
    student = await factories.make_user(rt, "student")
    [group] = await groups.search_groups("ки21-16/2б")

    assert (await accounts.set_group(group.id, actor=student)).group_id == group.id


async def test_importing_a_whole_timetable_of_5000_groups_works(rt: Runtime) -> None:
    names = timetable()
    await add_groups(rt, names[:100])

    result = await groups.import_group_names(names)

    assert result == ImportResult(created=4_900, existing=100)
    assert len(await stored_names(rt)) == 5_000

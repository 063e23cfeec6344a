"""/admin/groups: search, rename, delete after seeing what it affects, import with a preview."""

from __future__ import annotations

import json

import pytest
from nicegui import ui
from nicegui.testing.user import User

from equeue_ui import demo
from equeue_ui.services import groups
from tests.ui.helpers import (
    PATIENCE,
    DemoWorld,
    account,
    eventually,
    sign_in,
    texts,
    wait_for_notice,
)

pytestmark = pytest.mark.usefixtures("demo")


async def open_groups(user: User) -> None:
    await sign_in(user, "admin", demo.ADMIN_PASSWORD, path="/admin/groups")
    await user.should_see(marker="group-search", retries=PATIENCE)


async def upload(user: User, name: str, data: bytes) -> None:
    element = user.find(marker="import-file").elements.pop()
    assert isinstance(element, ui.upload)
    file = ui.upload.SmallFileUpload(name=name, content_type="text/plain", _data=data)
    await element.handle_uploads([file])


async def stored(name: str) -> bool:
    admin = await account("admin")
    return any(row.name == name for row in (await groups.list_groups(name, actor=admin)).rows)


async def test_an_uploaded_list_is_previewed_and_written_only_on_confirmation(
    user: User, demo: DemoWorld
) -> None:
    await open_groups(user)
    names = ["Группа д'Артаньяна", 'The "Best" group', "ИТ🚀-1", "ИТ🚀-1", demo.group_name, ""]
    body = json.dumps([{"name": n} for n in names], ensure_ascii=False).encode()

    await upload(user, "groups.json", body)

    await user.should_see(marker="import-preview", retries=PATIENCE)
    assert texts(user, "import-counts") == [
        "Names read: 6. New: 3, already exist: 1, repeated: 1, invalid: 1."
    ]
    assert "Группа д'Артаньяна" in texts(user, "import-sample")[0]
    assert not await stored("ИТ🚀-1")  # a preview writes nothing

    user.find(marker="confirm-import").click()
    await wait_for_notice(user, "Groups added: 3; already existed: 1.")
    assert await stored("ИТ🚀-1") and await stored('The "Best" group')
    # The list below shows the new groups without a reload.
    user.find(marker="group-search").type("🚀")
    await eventually(lambda: texts(user, "group-name") == ["ИТ🚀-1"], what="the new group")


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("groups.json", b"{not json", "This is not valid JSON."),
        ("groups.json", b'{"name": "X"}', 'Expected a JSON array of objects with a "name"'),
        ("groups.bin", b"\x00\x01\x02", "This is not a text file."),
    ],
)
async def test_a_bad_file_gets_a_clear_message_and_no_preview(
    user: User, name: str, data: bytes, reason: str
) -> None:
    await open_groups(user)
    await upload(user, name, data)
    await wait_for_notice(user, reason)
    await user.should_not_see(marker="import-preview")


async def test_an_unreachable_timetable_address_is_a_clear_message(user: User) -> None:
    await open_groups(user)
    user.find(marker="import-url").type("http://127.0.0.1:9/groups")
    user.find(marker="import-fetch").click()
    await wait_for_notice(user, "Cannot fetch this address.")
    await user.should_not_see(marker="import-preview")


async def test_renaming_a_group_shows_at_once_and_a_taken_name_is_refused(
    user: User, demo: DemoWorld
) -> None:
    await open_groups(user)
    user.find(marker="group-search").type(demo.group_name)
    await eventually(lambda: texts(user, "group-name") == [demo.group_name], what="one group")
    user.find(marker="rename-group").click()
    await user.should_see(marker="group-new-name", retries=PATIENCE)
    user.find(marker="group-new-name").clear().type("ФИ22-03Б")  # another demo group's name
    user.find(marker="save-group-name").click()
    await wait_for_notice(user, "A group with this name already exists.")
    user.find(marker="group-new-name").clear().type("КИ99-01Б")
    user.find(marker="save-group-name").click()
    await wait_for_notice(user, "Group renamed.")
    user.find(marker="group-search").clear().type("КИ99")
    await eventually(lambda: texts(user, "group-name") == ["КИ99-01Б"], what="the new name")


async def test_deleting_a_group_says_what_it_affects_first(user: User, demo: DemoWorld) -> None:
    await open_groups(user)
    user.find(marker="group-search").type(demo.group_name)
    await eventually(lambda: texts(user, "group-name") == [demo.group_name], what="one group")
    user.find(marker="delete-group").click()
    await user.should_see(marker="delete-group-dialog", retries=PATIENCE)
    impact = " ".join(texts(user, "group-impact"))
    assert "Workspaces deleted with everything in them: 1" in impact
    assert "subjects: 3 · queues: 3" in impact
    assert await stored(demo.group_name)  # nothing happens before the confirmation
    user.find(marker="confirm-delete-group").click()
    await wait_for_notice(user, "Group deleted.")
    assert not await stored(demo.group_name)
    await user.should_see(marker="no-groups", retries=PATIENCE)


async def test_ten_thousand_groups_from_a_file_are_previewed_and_imported(user: User) -> None:
    await open_groups(user)
    names = [f"ГР{year}-{n:04}Б" for year in range(20, 25) for n in range(2000)]
    await upload(user, "timetable.txt", "\n".join(names).encode())
    await user.should_see(marker="import-preview", retries=PATIENCE)
    assert texts(user, "import-counts")[0].startswith("Names read: 10000. New: 10000,")
    user.find(marker="confirm-import").click()
    await wait_for_notice(user, "Groups added: 10000; already existed: 0.")
    assert await stored("ГР24-1999Б")
    # The list below counts them without a reload.
    await eventually(lambda: _total_shown(user) > 10_000, what="the list's new total")


def _total_shown(user: User) -> int:
    shown = texts(user, "group-range")
    return int(shown[0].rsplit(" ", 1)[-1]) if shown else 0

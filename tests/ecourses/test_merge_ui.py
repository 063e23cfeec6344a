"""Merging in the UI (simulated browser): the import page offers to move an eCourses-made
account into the signed-in one; a site admin merges two accounts from the Users tab."""

from __future__ import annotations

import pytest
from nicegui.testing.user import User

from equeue_ui import demo as demo_data
from equeue_ui.ecourses.fake.data import DEMO_PASSWORD
from equeue_ui.services import accounts, ecourses_accounts, workspaces
from tests.ecourses.conftest import TIMEOUT, Fake
from tests.ui import helpers
from tests.ui.helpers import DemoWorld

BROWSER = "another-browser"


@pytest.fixture
def ecourses_env(monkeypatch: pytest.MonkeyPatch, fake: Fake) -> Fake:
    monkeypatch.setenv("EQUEUE_ECOURSES_URL", fake.url)
    monkeypatch.setenv("EQUEUE_ECOURSES_TIMEOUT_SECONDS", str(TIMEOUT))
    return fake


async def ecourses_made(username: str) -> int:
    """``username`` signed in with eCourses by itself once (elsewhere): an account was made."""
    ticket = await ecourses_accounts.sign_in_with_ecourses(username, DEMO_PASSWORD, binding=BROWSER)
    return (await accounts.redeem_ticket(ticket, binding=BROWSER)).user.id


async def connect_on_import_page(user: User, demo: DemoWorld, *, take_names: bool) -> None:
    await user.open(f"/workspaces/{demo.workspace_id}/import")
    await user.should_see(marker="ecourses-sign-in", retries=helpers.PATIENCE)
    user.find(marker="ecourses-username").type("a.smirnova")
    user.find(marker="ecourses-password").type(DEMO_PASSWORD)
    if take_names:
        user.find(marker="ecourses-take-names").click()
    user.find(marker="ecourses-connect").click()


async def test_linking_an_ecourses_made_account_offers_the_merge_and_carries_on(
    ecourses_env: Fake, user: User, demo: DemoWorld
) -> None:
    made = await ecourses_made("a.smirnova")
    await helpers.sign_in(user, "leader")
    await connect_on_import_page(user, demo, take_names=False)

    await user.should_see(marker="ecourses-merge", retries=helpers.PATIENCE)
    await user.should_see("a.smirnova@ecourses")
    user.find(marker="merge-confirm").click()

    await user.should_see("Системное программирование", retries=helpers.PATIENCE)  # the import
    assert await accounts.find_user("a.smirnova@ecourses") is None
    leader = await helpers.account("leader")
    assert leader.from_ecourses and leader.display_name == "Анна Смирнова"  # the demo's names
    assert made != leader.id


async def test_cancelling_the_merge_changes_nothing(
    ecourses_env: Fake, user: User, demo: DemoWorld
) -> None:
    await ecourses_made("a.smirnova")
    await helpers.sign_in(user, "leader")
    await connect_on_import_page(user, demo, take_names=False)
    await user.should_see(marker="ecourses-merge", retries=helpers.PATIENCE)

    user.find(marker="merge-cancel").click()

    await user.should_see(marker="ecourses-connect-form")
    assert await accounts.find_user("a.smirnova@ecourses") is not None
    assert not (await helpers.account("leader")).from_ecourses


async def test_a_site_admin_merges_two_accounts_from_the_users_tab(
    ecourses_env: Fake, user: User, demo: DemoWorld
) -> None:
    made = await ecourses_made("a.ivanov")
    admin = await helpers.account("admin")
    in_group = await accounts.set_group(demo.group_id, actor=await accounts.get_user(made))
    await workspaces.request_to_join(demo.workspace_id, actor=in_group)
    await helpers.sign_in(user, "admin", demo_data.ADMIN_PASSWORD)
    await user.open("/admin/users")
    user.find(marker="user-search").type("a.ivanov")
    await user.should_see("@a.ivanov@ecourses", retries=helpers.PATIENCE)

    user.find(marker="merge-user").click()
    user.find(marker="merge-target").type("newcomer")
    user.find(marker="merge-find").click()
    await user.should_see("Workspaces: 1", retries=helpers.PATIENCE)
    user.find(marker="merge-confirm").click()

    await helpers.wait_for_notice(user, "The accounts were merged.")
    assert await accounts.find_user("a.ivanov@ecourses") is None
    newcomer = await helpers.account("newcomer")
    assert newcomer.from_ecourses
    assert admin.is_site_admin

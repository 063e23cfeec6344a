"""The import pages against a Moodle-faithful fake (issue 15, points 4-7), in the simulated
browser: an expired eCourses sign-in turns the page into the sign-in at once and the admin
carries on; hidden assignments are listed unticked; the sync tab; the sign-in hint's host; the
daily-sync site setting."""

from __future__ import annotations

import re

import pytest
from nicegui import ui
from nicegui.testing.user import User

from equeue_ui.ecourses.fake.data import DEMO_PASSWORD
from equeue_ui.services import ecourses_accounts, site, subjects, tasks
from equeue_ui.services.ecourses_import import import_subjects
from equeue_ui.services.ecourses_tasks import import_tasks
from tests.ecourses.conftest import TIMEOUT, Fake
from tests.ui import helpers
from tests.ui.helpers import DemoWorld

SP_NAME = "Системное программирование"


@pytest.fixture
def ecourses_env(monkeypatch: pytest.MonkeyPatch, fake: Fake) -> Fake:
    """Points the app at the fake; requested before `user`, so the app starts with it."""
    monkeypatch.setenv("EQUEUE_ECOURSES_URL", fake.url)
    monkeypatch.setenv("EQUEUE_ECOURSES_TIMEOUT_SECONDS", str(TIMEOUT))
    return fake


async def linked_leader(demo: DemoWorld) -> None:
    leader = await helpers.account("leader")
    await ecourses_accounts.connect_ecourses("a.smirnova", DEMO_PASSWORD, actor=leader)


async def imported_course(demo: DemoWorld, course_id: int) -> int:
    """The demo leader's subject made from an eCourses course; its id."""
    leader = await helpers.account("leader")
    await ecourses_accounts.connect_ecourses("a.smirnova", DEMO_PASSWORD, actor=leader)
    await import_subjects(demo.workspace_id, [course_id], actor=leader)
    made = await subjects.list_subjects(demo.workspace_id, actor=leader)
    return next(s.id for s in made if s.ecourses_course_id == course_id)


def checkbox(user: User, text: str) -> ui.checkbox:
    (found,) = [box for box in helpers.elements(user, ui.checkbox) if box.text == text]
    return found


async def sign_in_to_ecourses_here(user: User) -> None:
    user.find(marker="ecourses-username").type("a.smirnova")
    user.find(marker="ecourses-password").type(DEMO_PASSWORD)
    user.find(marker="ecourses-connect").click()


async def test_an_expired_sign_in_turns_the_page_into_the_sign_in_and_the_choice_is_kept(
    ecourses_env: Fake, user: User, demo: DemoWorld
) -> None:
    await linked_leader(demo)
    await helpers.sign_in(user, "leader")
    await user.open(f"/workspaces/{demo.workspace_id}/import")
    await user.should_see(marker="import-subjects", retries=helpers.PATIENCE)
    checkbox(user, SP_NAME).set_value(True)
    ecourses_env.control(expire_tokens=True)

    user.find(marker="import-subjects").click()

    # At once, on the same page: no reload.
    await user.should_see(
        "Your eCourses sign-in has expired. Sign in with eCourses again.",
        retries=helpers.PATIENCE,
    )
    await user.should_not_see(marker="import-subjects")
    await sign_in_to_ecourses_here(user)
    await user.should_see(marker="import-subjects", retries=helpers.PATIENCE)
    assert checkbox(user, SP_NAME).value is True
    user.find(marker="import-subjects").click()
    await helpers.wait_for_notice(user, "Imported 1 task.")


async def test_an_expired_sign_in_while_importing_tasks_asks_for_it_in_place(
    ecourses_env: Fake, user: User, demo: DemoWorld
) -> None:
    subject_id = await imported_course(demo, 201)
    await helpers.sign_in(user, "leader")
    await user.open(f"/subjects/{subject_id}/import")
    await user.should_see(marker="import-tasks", retries=helpers.PATIENCE)
    checkbox(user, "Реферат").set_value(False)
    ecourses_env.control(expire_tokens=True)

    user.find(marker="import-tasks").click()

    await user.should_see(marker="ecourses-connect-form", retries=helpers.PATIENCE)
    await sign_in_to_ecourses_here(user)
    await user.should_see(marker="import-tasks", retries=helpers.PATIENCE)
    assert checkbox(user, "Реферат").value is False
    user.find(marker="import-tasks").click()
    await helpers.wait_for_notice(user, "Imported 4 tasks.")


async def test_hidden_assignments_are_listed_marked_and_unticked(
    ecourses_env: Fake, user: User, demo: DemoWorld
) -> None:
    subject_id = await imported_course(demo, 206)
    await helpers.sign_in(user, "leader")
    await user.open(f"/subjects/{subject_id}/import")
    await user.should_see(marker="import-tasks", retries=helpers.PATIENCE)
    assert len(helpers.elements(user, marker="proposal-hidden")) == 3
    assert [box.value for box in helpers.elements(user, ui.checkbox)] == [
        True,
        True,
        False,
        False,
        False,
    ]
    button = helpers.elements(user, ui.button, marker="import-tasks")[0]
    assert button.text == "Import 2 tasks"
    checkbox(user, "Лаба 1: O'Reilly & Co").set_value(False)
    assert button.text == "Import 1 task"
    checkbox(user, "Контрольная (черновик)").set_value(True)
    user.find(marker="import-tasks").click()
    await helpers.wait_for_notice(user, "Imported 2 tasks.")
    leader = await helpers.account("leader")
    assert [t.name for t in await tasks.list_tasks(subject_id, actor=leader)] == [
        "Разбор «TCP» — отчёт",
        "Контрольная (черновик)",
    ]


async def test_the_sync_tab_lists_the_changes_and_applies_the_chosen_ones(
    ecourses_env: Fake, user: User, demo: DemoWorld
) -> None:
    subject_id = await imported_course(demo, 201)
    leader = await helpers.account("leader")
    await import_tasks(subject_id, actor=leader)
    ecourses_env.control(module={"cmid": 7012, "duedate": 1791000000})
    ecourses_env.control(module={"cmid": 7022, "remove": True})
    await helpers.sign_in(user, "leader")
    await user.open(f"/subjects/{subject_id}/import?tab=sync")

    await user.should_see(marker="apply-sync", retries=helpers.PATIENCE)
    await user.should_see(marker="sync-group-due_date")
    await user.should_see(marker="sync-group-removed")
    button = helpers.elements(user, ui.button, marker="apply-sync")[0]
    assert button.text == "Apply 1 change"  # the removed one is only reported
    user.find(marker="apply-sync").click()
    await helpers.wait_for_notice(user, "1 change applied.")
    await user.should_not_see(marker="sync-group-due_date", retries=helpers.PATIENCE)
    moved = next(
        t for t in await tasks.list_tasks(subject_id, actor=leader) if t.ecourses_id == 7012
    )
    assert moved.due_at is not None and int(moved.due_at.timestamp()) == 1791000000


async def test_the_sign_in_hints_name_the_configured_ecourses_host(
    ecourses_env: Fake, user: User, demo: DemoWorld
) -> None:
    sign_in_page = (await user.http_client.get("/login")).text
    card = re.search(r'<section[^>]*data-testid="ecourses-card".*?</section>', sign_in_page, re.S)
    assert card is not None
    assert "Use your eCourses (127.0.0.1) username and password." in card.group(0)
    assert "e.sfu-kras.ru" not in sign_in_page
    await helpers.sign_in(user, "leader")
    await user.open(f"/workspaces/{demo.workspace_id}/import")
    await user.should_see(marker="ecourses-hint", retries=helpers.PATIENCE)
    await user.should_see("Use your eCourses (127.0.0.1) username and password.")


async def test_a_site_admin_switches_the_daily_due_date_sync_on(
    ecourses_env: Fake, user: User, demo: DemoWorld
) -> None:
    await helpers.sign_in(user, "admin", "admin12345")
    await user.open("/admin/settings")
    await user.should_see(marker="setting-ecourses-sync", retries=helpers.PATIENCE)
    user.find(marker="setting-ecourses-sync").click()
    user.find(marker="save-settings").click()
    await helpers.wait_for_notice(user, "Settings saved.")
    admin = await helpers.account("admin")
    assert (await site.get_site_settings(actor=admin)).ecourses_sync_due_dates is True

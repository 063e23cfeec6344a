"""eCourses in the UI: the sign-in form on `/login` (plain HTML, posted over HTTP), and the import
pages (simulated browser)."""

from __future__ import annotations

import httpx
import pytest
from nicegui import ui
from nicegui.testing.user import User

from components import session
from equeue_ui.ecourses.fake.data import DEMO_PASSWORD
from equeue_ui.services import accounts, avatars, ecourses_accounts, subjects, tasks
from tests.ecourses.conftest import TIMEOUT, Fake
from tests.ui import helpers
from tests.ui.helpers import DemoWorld


@pytest.fixture
def ecourses_env(monkeypatch: pytest.MonkeyPatch, fake: Fake) -> Fake:
    """Points the app at the fake; requested before `user`, so the app starts with it."""
    monkeypatch.setenv("EQUEUE_ECOURSES_URL", fake.url)
    monkeypatch.setenv("EQUEUE_ECOURSES_TIMEOUT_SECONDS", str(TIMEOUT))
    return fake


async def sign_in_with_ecourses(user: User, username: str, password: str) -> httpx.Response:
    """Post the eCourses form of `/login`, which the page must offer; the answer is a redirect
    (signed in) or the page again with the refusal."""
    forms = helpers.marked(await user.http_client.get("/login"), "ecourses-form")
    assert forms, "the sign-in page offers no eCourses form"
    assert helpers.form_fields(forms[0])["method"] == "ecourses"
    return await helpers.submit_sign_in(user, username, password, method="ecourses")


def signed_in(answer: httpx.Response) -> bool:
    return answer.status_code == 303 and any(
        header.startswith(f"{session.COOKIE}=") for header in answer.headers.get_list("set-cookie")
    )


async def test_without_an_ecourses_address_the_login_page_offers_only_local_accounts(
    user: User,
) -> None:
    page = await user.http_client.get("/login")
    assert page.status_code == 200
    assert helpers.marked(page, "sign-in-form")
    assert not helpers.marked(page, "ecourses-card")
    assert 'value="ecourses"' not in page.text


async def test_an_ecourses_account_signs_in_from_the_login_page(
    ecourses_env: Fake, user: User
) -> None:
    answer = await sign_in_with_ecourses(user, "a.ivanov", DEMO_PASSWORD)
    assert signed_in(answer) and answer.headers["location"] == "/"
    await user.open(answer.headers["location"])
    await user.should_see("Signed in as Алексей Иванов", retries=helpers.PATIENCE)
    assert await accounts.find_user("a.ivanov@ecourses") is not None


async def test_a_wrong_ecourses_password_shows_its_notice(ecourses_env: Fake, user: User) -> None:
    answer = await sign_in_with_ecourses(user, "a.ivanov", "wrong-Sekret")
    assert answer.status_code == 400 and not signed_in(answer)
    assert helpers.refusal(answer) == "Wrong eCourses username or password."
    assert helpers.marked(answer, "ecourses-error")  # above the form it came from
    # The name typed is given back to correct, the password never.
    assert [field["value"] for field in helpers.marked(answer, "ecourses-username")] == ["a.ivanov"]
    assert "wrong-Sekret" not in answer.text
    home = await user.http_client.get("/")
    assert "Signed in as" not in home.text and helpers.marked(home, "sign-in-form")


@pytest.mark.parametrize(
    ("fault", "notice"),
    [
        ("down", "eCourses cannot be reached right now."),
        ("slow", f"eCourses did not answer within {TIMEOUT:g} seconds."),
        ("maintenance", "eCourses is under maintenance."),
    ],
)
async def test_when_ecourses_fails_a_clear_notice_comes_and_local_sign_in_still_works(
    ecourses_env: Fake, user: User, quick_passwords: None, fault: str, notice: str
) -> None:
    ecourses_env.control(fault=fault, delay=TIMEOUT + 3)
    await accounts.register("anna", "correct-horse", first_name="Anna", enforce_setting=False)
    answer = await sign_in_with_ecourses(user, "a.ivanov", DEMO_PASSWORD)
    # Refused with the page again, as unavailable: the visitor did nothing wrong.
    assert answer.status_code == 503 and not signed_in(answer)
    assert notice in helpers.refusal(answer)
    await helpers.sign_in(user, "anna", "correct-horse")
    await user.should_see("Signed in as Anna")


async def test_the_leader_links_ecourses_then_imports_a_course_and_its_assignments(
    ecourses_env: Fake, user: User, demo: DemoWorld
) -> None:
    await helpers.sign_in(user, "leader")
    await user.open(f"/workspaces/{demo.workspace_id}/import")
    await user.should_see(marker="ecourses-sign-in", retries=helpers.PATIENCE)
    user.find(marker="ecourses-username").type("a.smirnova")
    user.find(marker="ecourses-password").type(DEMO_PASSWORD)
    user.find(marker="ecourses-connect").click()
    await user.should_see("Системное программирование", retries=helpers.PATIENCE)
    await user.should_see(marker="course-hidden")  # the archived course, listed last
    await user.should_see(marker="course-name-taken")  # the demo has a subject "Базы данных"
    user.find(kind=ui.checkbox, content="Системное программирование").click()
    user.find(marker="import-subjects").click()
    await helpers.wait_for_notice(user, "Imported 1 task.")
    leader = await helpers.account("leader")
    made = [
        s
        for s in await subjects.list_subjects(demo.workspace_id, actor=leader)
        if s.ecourses_course_id == 201
    ]
    assert len(made) == 1
    await user.should_see(marker="import-tasks-link", retries=helpers.PATIENCE)
    assert not helpers.elements(user, ui.checkbox, marker="course-choice")[0].text.startswith(
        "Системное"
    )
    user.find(marker="import-tasks-link").click()
    await user.should_see(marker="import-tasks", retries=helpers.PATIENCE)
    assert len(helpers.elements(user, marker="task-proposal")) == 5
    assert len(helpers.elements(user, marker="status-renamed")) == 2
    user.find(marker="import-tasks").click()
    await helpers.wait_for_notice(user, "Imported 5 tasks.")
    await user.should_see(marker="nothing-new", retries=helpers.PATIENCE)
    names = [t.name for t in await tasks.list_tasks(made[0].id, actor=leader)]
    assert names[0] == "Лабораторная работа 1. Процессы (Лабораторные работы)"


async def test_a_member_who_is_not_an_admin_is_refused_on_the_import_page(
    ecourses_env: Fake, user: User, demo: DemoWorld
) -> None:
    await helpers.sign_in(user, "student2")
    await user.open(f"/workspaces/{demo.workspace_id}/import")
    await user.should_see("Only the workspace's admins can do that.", retries=helpers.PATIENCE)
    await user.should_not_see(marker="ecourses-connect-form")


async def test_an_ecourses_outage_on_the_import_page_shows_why_and_offers_a_retry(
    ecourses_env: Fake, user: User, demo: DemoWorld
) -> None:
    await helpers.sign_in(user, "leader")
    await user.open(f"/workspaces/{demo.workspace_id}/import")
    await user.should_see(marker="ecourses-connect", retries=helpers.PATIENCE)
    user.find(marker="ecourses-username").type("a.smirnova")
    user.find(marker="ecourses-password").type(DEMO_PASSWORD)
    user.find(marker="ecourses-connect").click()
    await user.should_see(marker="import-subjects", retries=helpers.PATIENCE)
    ecourses_env.control(fault="http500")
    await user.open(f"/workspaces/{demo.workspace_id}/import")
    await user.should_see(marker="ecourses-retry", retries=helpers.PATIENCE)
    await user.should_see("HTTP 500")
    ecourses_env.control(fault="none")
    user.find(marker="ecourses-retry").click()
    await user.should_see(marker="import-subjects", retries=helpers.PATIENCE)


async def test_a_hand_made_demo_subject_is_linked_to_its_course_on_the_import_page(
    ecourses_env: Fake, user: User, demo: DemoWorld
) -> None:
    leader = await helpers.account("leader")
    await ecourses_accounts.connect_ecourses("a.smirnova", DEMO_PASSWORD, actor=leader)
    databases = next(s for s in demo.subjects if s.name == "Базы данных")
    await helpers.sign_in(user, "leader")
    await user.open(f"/subjects/{databases.id}/import")
    await user.should_see(marker="link-course", retries=helpers.PATIENCE)
    user.find(marker="link-course").click()  # the course of the same name is preselected
    await user.should_see(marker="import-tasks", retries=helpers.PATIENCE)
    # The demo subject has the first assignment as a task already; the other one is new.
    await user.should_see(marker="status-duplicate")
    user.find(marker="import-tasks").click()
    await helpers.wait_for_notice(
        user, "Imported 1 task. Skipped (already there): Лабораторная работа №1. ER-диаграмма."
    )
    names = [t.name for t in await tasks.list_tasks(databases.id, actor=leader)]
    assert names[-1] == "Индексы и планы запросов"


async def test_an_expired_ecourses_sign_in_is_asked_for_again_on_the_import_page(
    ecourses_env: Fake, user: User, demo: DemoWorld
) -> None:
    leader = await helpers.account("leader")
    await ecourses_accounts.connect_ecourses("a.smirnova", DEMO_PASSWORD, actor=leader)
    ecourses_env.control(expire_tokens=True)
    await helpers.sign_in(user, "leader")
    await user.open(f"/workspaces/{demo.workspace_id}/import")
    await user.should_see(
        "Your eCourses sign-in has expired. Sign in with eCourses again.",
        retries=helpers.PATIENCE,
    )
    user.find(marker="ecourses-username").type("a.smirnova")
    user.find(marker="ecourses-password").type(DEMO_PASSWORD)
    user.find(marker="ecourses-connect").click()
    await user.should_see(marker="import-subjects", retries=helpers.PATIENCE)


async def test_the_settings_pages_link_to_the_import_pages(
    ecourses_env: Fake, user: User, demo: DemoWorld
) -> None:
    await helpers.sign_in(user, "leader")
    await user.open(f"/workspaces/{demo.workspace_id}/settings")
    await user.should_see(marker="tab-subjects", retries=helpers.PATIENCE)
    user.find(marker="tab-subjects").click()
    user.find(marker="ecourses-import-link").click()
    await user.should_see(marker="ecourses-connect-form", retries=helpers.PATIENCE)
    subject = demo.open_subject
    await user.open(f"/subjects/{subject.id}/settings")
    await user.should_see(marker="ecourses-import-link", retries=helpers.PATIENCE)
    user.find(marker="ecourses-import-link").click()
    await user.should_see("Tasks from the assignments of", retries=helpers.PATIENCE)


async def test_an_ecourses_account_shows_its_ecourses_picture_on_the_profile(
    ecourses_env: Fake, user: User
) -> None:
    answer = await sign_in_with_ecourses(user, "a.ivanov", DEMO_PASSWORD)
    assert signed_in(answer)
    await user.open(answer.headers["location"])
    await user.should_see("Signed in as Алексей Иванов", retries=helpers.PATIENCE)
    await avatars.background_refreshes()  # fetched after the sign-in, off its path
    found = await accounts.find_user("a.ivanov@ecourses")
    assert found is not None and found.picture_key is not None
    await user.open("/profile")
    await user.should_see(marker="avatar-picture", retries=helpers.PATIENCE)
    (image,) = helpers.elements(user, marker="avatar-picture")
    assert image.props["src"] == avatars.address(found.id, found.picture_key)

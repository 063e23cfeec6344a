"""Signing in and out with local accounts, registration, rate limiting, and sign-in redirects."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from nicegui import ui
from nicegui.testing.user import User

from components.session import COOKIE
from equeue_ui.services import accounts, sign_in_throttle, site
from equeue_ui.services.uow import unit_of_work
from tests.ui.helpers import (
    PASSWORD,
    PATIENCE,
    DemoWorld,
    account,
    elements,
    form_fields,
    in_user_menu,
    marked,
    marked_text,
    refusal,
    shows_sign_in_page,
    sign_in,
    submit_form,
    submit_sign_in,
    wait_for_notice,
)

pytestmark = pytest.mark.usefixtures("demo")


async def test_a_student_signs_in_with_a_local_account_and_sees_their_name(user: User) -> None:
    await sign_in(user, "student1")
    await user.should_see("Signed in as Алексей Иванов")
    assert user.http_client.cookies.get(COOKIE)


async def test_the_sign_in_form_asks_for_both_fields_before_trying(user: User) -> None:
    page = await user.http_client.get("/")
    for field in ("username", "password"):  # the browser asks before it sends the form
        (element,) = marked(page, field)
        assert "required" in element.attrs
    # Sent all the same, it is refused before any attempt counts against the throttle.
    for _ in range(sign_in_throttle.FREE_FAILURES + 1):
        answer = await submit_sign_in(user, "student1", "")
        assert answer.status_code == 400
        assert refusal(answer) == "Enter your username and password."
        assert marked(answer, "username")[0].attrs["value"] == "student1"
    assert not user.http_client.cookies.get(COOKIE)
    await sign_in(user, "student1")


async def test_a_wrong_password_is_refused_and_the_password_field_is_emptied(user: User) -> None:
    answer = await submit_sign_in(user, "student1", "not-the-password")
    assert answer.status_code == 400
    assert refusal(answer) == "Wrong username or password."
    assert [f.attrs.get("value", "") for f in marked(answer, "password")] == [""]
    assert [f.attrs["value"] for f in marked(answer, "username")] == ["student1"]
    assert "not-the-password" not in answer.text
    assert not user.http_client.cookies.get(COOKIE)
    await user.open("/")
    await shows_sign_in_page(user)


async def test_repeated_failed_sign_ins_are_rate_limited_with_a_clear_message(user: User) -> None:
    for attempt in range(sign_in_throttle.FREE_FAILURES):
        answer = await submit_sign_in(user, "student2", f"wrong-password-{attempt}")
        assert (answer.status_code, refusal(answer)) == (400, "Wrong username or password.")
    answer = await submit_sign_in(user, "student2", PASSWORD)  # even the right password now waits
    assert answer.status_code == 429
    assert refusal(answer).startswith("Too many failed sign-ins. Wait 30 seconds")
    assert [f.attrs["value"] for f in marked(answer, "username")] == ["student2"]
    assert not user.http_client.cookies.get(COOKIE)
    await user.open("/")
    await shows_sign_in_page(user)
    # Only that username waits: another student signs in from the same browser.
    await sign_in(user, "student3")


@pytest.mark.usefixtures("quick_passwords")
async def test_a_visitor_registers_and_is_signed_in_straight_away(user: User) -> None:
    (link,) = marked(await user.http_client.get("/"), "to-register")
    await user.open(str(link["href"]))
    await user.should_see(marker="register", retries=PATIENCE)
    user.find(marker="username").type("zoya")
    user.find(marker="first-name").type("Зоя")
    user.find(marker="last-name").type("Титова")
    user.find(marker="password").type("long-enough-1")
    user.find(marker="password-repeat").type("long-enough-1")
    user.find(marker="register-form").trigger("submit.prevent")
    await user.should_see("Signed in as Зоя Титова", retries=PATIENCE)
    created = await account("zoya")
    assert (created.first_name, created.last_name) == ("Зоя", "Титова")


async def test_registration_with_mismatched_passwords_shows_a_notice_and_keeps_the_form(
    user: User,
) -> None:
    await user.open("/register")
    user.find(marker="username").type("zoya")
    user.find(marker="password").type("long-enough-1")
    user.find(marker="password-repeat").type("long-enough-2")
    user.find(marker="register-form").trigger("submit.prevent")
    await wait_for_notice(user, "The passwords do not match.")
    assert [f.value for f in elements(user, ui.input, marker="username")] == ["zoya"]
    assert await accounts.find_user("zoya") is None


@pytest.mark.usefixtures("quick_passwords")
async def test_registration_with_a_taken_username_shows_a_notice(user: User) -> None:
    await user.open("/register")
    user.find(marker="username").type("student1")
    user.find(marker="password").type("long-enough-1")
    user.find(marker="password-repeat").type("long-enough-1")
    user.find(marker="register-form").trigger("submit.prevent")
    await wait_for_notice(user, "This username is taken.")
    await user.should_not_see(marker="user-menu")


async def test_registration_with_a_short_password_shows_a_notice(user: User) -> None:
    await user.open("/register")
    user.find(marker="username").type("zoya")
    user.find(marker="password").type("short")
    user.find(marker="password-repeat").type("short")
    user.find(marker="register-form").trigger("submit.prevent")
    await wait_for_notice(user, "The password must have at least 8 characters.")
    assert await accounts.find_user("zoya") is None


async def test_when_registration_is_switched_off_the_page_says_so(user: User) -> None:
    async with unit_of_work() as uow:
        await site.put_setting(uow.session, "registration_enabled", False)
    await user.open("/register")
    await user.should_see(marker="registration-off")
    await user.should_not_see(marker="register")
    await user.open("/")
    assert not marked(await shows_sign_in_page(user), "to-register")


async def test_logging_out_ends_the_session_and_its_cookie_is_worthless(
    user: User, another_user: Callable[[], User]
) -> None:
    await sign_in(user, "student1")
    cookie = user.http_client.cookies.get(COOKIE) or ""
    assert cookie
    await in_user_menu(user, "logout")
    await submit_form(user, "logout")
    await shows_sign_in_page(user)
    assert not user.http_client.cookies.get(COOKIE)
    await user.open("/groups")
    await shows_sign_in_page(user)
    thief = another_user()  # someone who copied the cookie before the logout
    thief.http_client.cookies.set(COOKIE, cookie)
    await thief.open("/")
    await shows_sign_in_page(thief)


async def test_log_out_everywhere_signs_out_the_users_other_browsers_on_their_next_load(
    user: User, another_user: Callable[[], User]
) -> None:
    laptop, phone, classmate = user, another_user(), another_user()
    await sign_in(phone, "student4")
    await sign_in(classmate, "student5")
    await sign_in(laptop, "student4")
    await in_user_menu(laptop, "logout-everywhere")
    await submit_form(laptop, "logout-everywhere")
    await shows_sign_in_page(laptop)
    await phone.open("/")
    await shows_sign_in_page(phone)
    await classmate.open("/")  # other users stay signed in
    await classmate.should_see("Signed in as Никита Лебедев")


@pytest.mark.parametrize(
    "kind",
    ["groups", "workspace", "subject", "queue"],
)
async def test_a_protected_page_sends_a_visitor_to_sign_in_and_back_afterwards(
    user: User, demo: DemoWorld, kind: str
) -> None:
    path, marker = {
        "groups": ("/groups", "group-search"),
        "workspace": (f"/workspaces/{demo.workspace_id}", "workspace-name"),
        "subject": (f"/subjects/{demo.open_subject.id}", "subject-name"),
        "queue": (f"/queues/{demo.open_subject.queue_id}", "queue-panel"),
    }[kind]
    await user.open(path)
    page = await shows_sign_in_page(user)
    assert not marked(page, marker)
    (form,) = marked(page, "sign-in-form")
    assert form_fields(form)["next"] == path
    answer = await submit_sign_in(user, "student5", PASSWORD, next_path=form_fields(form)["next"])
    assert (answer.status_code, answer.headers["location"]) == (303, path)
    await user.open(answer.headers["location"])
    await user.should_see(marker=marker, retries=PATIENCE)


async def test_the_sign_in_page_never_sends_anyone_to_another_site(user: User) -> None:
    await user.open("/login?next=//evil.example/steal")
    (form,) = marked(await shows_sign_in_page(user), "sign-in-form")
    assert form_fields(form)["next"] == "/"
    # Nor when the form it sends carries that address itself.
    answer = await submit_sign_in(user, "student5", PASSWORD, next_path="//evil.example/steal")
    assert (answer.status_code, answer.headers["location"]) == (303, "/")
    await user.open(answer.headers["location"])
    await user.should_see("Signed in as Никита Лебедев", retries=PATIENCE)


async def test_a_signed_in_user_opening_the_sign_in_page_goes_where_it_was_meant_to(
    user: User,
) -> None:
    await sign_in(user, "student5")
    await user.open("/login?next=/groups")
    await user.should_see(marker="group-search")


async def test_a_used_or_forged_sign_in_ticket_asks_to_sign_in_again(user: User) -> None:
    await user.open("/auth/complete?ticket=forged&next=/groups")
    page = await shows_sign_in_page(user)
    assert marked_text(page, "sign-in-notice") == "The sign-in link has expired. Sign in again."
    assert not user.http_client.cookies.get(COOKIE)

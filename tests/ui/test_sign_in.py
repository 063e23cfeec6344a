"""Signing in on `/` with a local account."""

from __future__ import annotations

from nicegui.testing.user import User

from components.session import COOKIE
from equeue_ui.services import accounts
from tests.ui.helpers import form_fields, marked, refusal, shows_sign_in_page, submit_sign_in


async def test_a_local_account_signs_in_on_the_start_page_and_sees_who_it_is(user: User) -> None:
    await accounts.register(
        "anna", "correct-horse", first_name="Anna", last_name="Smirnova", enforce_setting=False
    )
    await user.open("/")
    (form,) = marked(await shows_sign_in_page(user), "sign-in-form")
    answer = await submit_sign_in(
        user, "anna", "correct-horse", next_path=form_fields(form)["next"]
    )
    assert (answer.status_code, answer.headers["location"]) == (303, "/")
    await user.open(answer.headers["location"])
    await user.should_see("Signed in as Anna Smirnova", retries=100)


async def test_a_wrong_password_shows_a_notice_and_stays_signed_out(user: User) -> None:
    await accounts.register("anna", "correct-horse", enforce_setting=False)
    answer = await submit_sign_in(user, "anna", "wrong-horse")
    assert answer.status_code == 400
    assert refusal(answer) == "Wrong username or password."
    assert not user.http_client.cookies.get(COOKIE)
    await user.open("/")
    page = await shows_sign_in_page(user)
    assert "Signed in as" not in page.text

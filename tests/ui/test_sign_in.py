"""Signing in on `/` with a local account."""

from __future__ import annotations

from nicegui.testing.user import User

from equeue_ui.services import accounts


async def test_a_local_account_signs_in_on_the_start_page_and_sees_who_it_is(user: User) -> None:
    await accounts.register(
        "anna", "correct-horse", first_name="Anna", last_name="Smirnova", enforce_setting=False
    )
    await user.open("/")
    user.find(marker="username").type("anna")
    user.find(marker="password").type("correct-horse")
    user.find(marker="sign-in-form").trigger("submit.prevent")
    await user.should_see("Signed in as Anna Smirnova", retries=100)


async def test_a_wrong_password_shows_a_notice_and_stays_signed_out(user: User) -> None:
    await accounts.register("anna", "correct-horse", enforce_setting=False)
    await user.open("/")
    user.find(marker="username").type("anna")
    user.find(marker="password").type("wrong-horse")
    user.find(marker="sign-in-form").trigger("submit.prevent")
    await user.should_see("Wrong username or password.", retries=100)
    await user.open("/")
    await user.should_not_see("Signed in as")

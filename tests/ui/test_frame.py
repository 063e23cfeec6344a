"""The page frame every page shares: language menu and dark mode, kept per user."""

from __future__ import annotations

from nicegui import ui
from nicegui.testing.user import User

from components.session import LANGUAGE_COOKIE
from tests.ui.helpers import (
    DemoWorld,
    account,
    elements,
    eventually,
    in_user_menu,
    marked,
    marked_text,
    shows_sign_in_page,
    sign_in,
    submit_form,
    submit_plain_form,
    texts,
)


async def test_a_signed_in_user_switches_to_russian_and_it_is_remembered(
    user: User, demo: DemoWorld
) -> None:
    path = f"/workspaces/{demo.workspace_id}"
    await sign_in(user, "student5", path=path)
    await in_user_menu(user, "language-ru")  # the other language is offered
    await submit_form(user, "language-ru")
    await in_user_menu(user, "language-en")  # now English is the other
    await user.should_not_see(marker="language-ru")
    await user.should_see(marker="workspace-name")  # back on the page it was switched on
    assert (await account("student5")).language == "ru"
    assert user.http_client.cookies.get(LANGUAGE_COOKIE) == "ru"
    assert texts(user, "page-title") == ["Пространство"]  # "Workspace" in the Russian catalog
    # Kept with the user: a browser without the cookie shows Russian as well.
    user.http_client.cookies.delete(LANGUAGE_COOKIE)
    await user.open("/")
    await user.should_see("Вы вошли как Никита Лебедев")  # "Signed in as {name}"


async def test_switching_back_to_english(user: User, demo: DemoWorld) -> None:
    await sign_in(user, "student5")
    await in_user_menu(user, "language-ru")
    await submit_form(user, "language-ru")
    await in_user_menu(user, "language-en")
    await submit_form(user, "language-en")
    await in_user_menu(user, "language-ru")
    await user.should_see("Signed in as Никита Лебедев")
    assert (await account("student5")).language == "en"


async def test_a_visitor_chooses_the_language_of_the_sign_in_page(
    user: User, demo: DemoWorld
) -> None:
    await user.open("/")
    page = await shows_sign_in_page(user)
    assert '<html lang="en">' in page.text
    assert not marked(page, "language-en")  # only the other language is offered

    answer = await submit_plain_form(user, page, "language-ru")

    assert (answer.status_code, answer.headers["location"]) == (303, "/")
    assert user.http_client.cookies.get(LANGUAGE_COOKIE) == "ru"
    await user.open(answer.headers["location"])
    for page in (await shows_sign_in_page(user), await user.http_client.get("/login")):
        assert '<html lang="ru">' in page.text
        assert marked_text(page, "sign-in") == "Вход"  # "Sign in" in the Russian catalog
        assert marked(page, "language-en") and not marked(page, "language-ru")


async def test_dark_mode_is_saved_for_the_user_and_applied_on_the_next_visit(
    user: User, demo: DemoWorld
) -> None:
    await sign_in(user, "student5")
    # No choice made yet: the page follows the system, without a dark-mode element.
    assert elements(user, ui.dark_mode) == []
    await in_user_menu(user, "dark-mode")
    user.find(marker="dark-mode").click()
    await eventually(
        lambda: [d.value for d in elements(user, ui.dark_mode)] == [True],
        what="dark mode on the page",
    )
    assert (await account("student5")).dark_mode is True
    await user.open("/groups")
    (dark,) = elements(user, ui.dark_mode)
    assert dark.value is True
    await in_user_menu(user, "dark-mode")
    user.find(marker="dark-mode").click()
    await eventually(lambda: dark.value is False, what="dark mode off the page")
    assert (await account("student5")).dark_mode is False

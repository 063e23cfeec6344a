"""What another site can make a signed-in browser do: sign it into another account, log it out,
switch its language — nothing (issue 13: login CSRF and state changes by cross-site GET)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from nicegui.testing.user import User

from components.session import COOKIE, LANGUAGE_COOKIE, client_address, token_of
from equeue_ui import runtime
from equeue_ui.browser_guard import SIGN_IN_COOKIE
from equeue_ui.services import accounts
from tests.ui.helpers import (
    PASSWORD,
    account,
    in_user_menu,
    marked_text,
    shows_sign_in_page,
    sign_in,
    submit_form,
)

pytestmark = pytest.mark.usefixtures("demo")

EVIL = {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}


async def attackers_ticket() -> str:
    """A ticket made by signing in to the attacker's own account in the attacker's browser."""
    return await accounts.sign_in("student1", PASSWORD, binding="the-attackers-browser")


async def test_a_link_to_someone_elses_sign_in_ticket_signs_this_browser_in_to_nothing(
    user: User,
) -> None:
    ticket = await attackers_ticket()

    await user.open("/login")  # the victim's browser got its own sign-in cookie here
    assert user.http_client.cookies.get(SIGN_IN_COOKIE)
    await user.open(f"/auth/complete?ticket={ticket}&next=/groups")

    page = await shows_sign_in_page(user)
    assert "This sign-in was started in another browser" in marked_text(page, "sign-in-notice")
    assert not user.http_client.cookies.get(COOKIE)


async def test_another_sites_sign_in_form_signs_this_browser_in_to_nothing(user: User) -> None:
    await user.open("/login")  # the victim's browser has its sign-in cookie

    response = await user.http_client.post(
        "/auth/sign-in",
        data={"method": "password", "username": "student1", "password": PASSWORD, "next": "/"},
        headers=EVIL,
    )

    assert response.status_code == 403
    assert not user.http_client.cookies.get(COOKIE)


async def test_a_signed_in_victim_opening_such_a_link_stays_who_they_are(user: User) -> None:
    await sign_in(user, "student5")
    ticket = await attackers_ticket()

    await user.open(f"/auth/complete?ticket={ticket}")
    await user.open("/")

    await user.should_see("Signed in as Никита Лебедев")


async def test_the_real_sign_in_still_completes_in_the_browser_that_typed_the_password(
    user: User,
) -> None:
    await sign_in(user, "student5")  # through the form and /auth/complete, as before

    await user.should_see("Signed in as Никита Лебедев")


async def test_another_sites_form_cannot_log_a_user_out(user: User) -> None:
    await sign_in(user, "student5")
    token_cookie = user.http_client.cookies.get(COOKIE)

    for everywhere in ("0", "1"):
        response = await user.http_client.post(
            "/auth/logout", data={"everywhere": everywhere}, headers=EVIL
        )
        assert response.status_code == 403

    assert user.http_client.cookies.get(COOKIE) == token_cookie
    await user.open("/")
    await user.should_see("Signed in as Никита Лебедев")


async def test_another_sites_form_cannot_switch_the_language(user: User) -> None:
    await sign_in(user, "student5")

    response = await user.http_client.post(
        "/auth/language", data={"lang": "ru", "next": "/"}, headers=EVIL
    )

    assert response.status_code == 403
    assert (await account("student5")).language is None
    assert user.http_client.cookies.get(LANGUAGE_COOKIE) is None


async def test_opening_the_old_logout_address_only_asks(user: User) -> None:
    """A link (or an image) pointing at /auth/logout changes nothing: a GET only asks."""
    await sign_in(user, "student5")

    await user.open("/auth/logout")
    await user.should_see("Log out of eQueue?")
    await user.open("/")
    await user.should_see("Signed in as Никита Лебедев")

    await user.open("/auth/logout")
    await submit_form(user, "logout")  # what the page's own button does
    await shows_sign_in_page(user)
    assert not user.http_client.cookies.get(COOKIE)


async def test_changing_the_language_from_the_menu_posts_from_this_site(user: User) -> None:
    await sign_in(user, "student5")
    await in_user_menu(user, "language-ru")

    await submit_form(user, "language-ru")

    assert (await account("student5")).language == "ru"


async def test_a_password_change_signs_out_the_users_other_open_pages_but_not_this_one(
    user: User, another_user: Callable[[], User]
) -> None:
    laptop, phone = user, another_user()
    await sign_in(phone, "student4")
    await sign_in(laptop, "student4")
    token = token_of(laptop.http_client.cookies.get(COOKIE))

    await accounts.change_password(
        PASSWORD, "a brand new password", actor=await account("student4"), session_token=token
    )

    await shows_sign_in_page(phone)  # its open page went to sign in
    await laptop.open("/")
    await laptop.should_see("Signed in as")


class _Request:
    """Just what client_address reads of a request."""

    def __init__(self, peer: str, forwarded: str | None) -> None:
        self.client = type("Peer", (), {"host": peer})()
        self.headers = {"x-forwarded-for": forwarded} if forwarded is not None else {}


@pytest.mark.parametrize(
    ("trusted", "peer", "forwarded", "address"),
    [
        ([], "127.0.0.1", "6.6.6.6", "127.0.0.1"),  # nobody is trusted by default
        ([], "10.0.0.5", "6.6.6.6", "10.0.0.5"),
        (["10.0.0.5"], "10.0.0.5", "93.1.1.1", "93.1.1.1"),
        (["10.0.0.5"], "10.0.0.5", "6.6.6.6, 93.1.1.1", "93.1.1.1"),  # the client forged one
        (["10.0.0.0/24"], "10.0.0.5", "93.1.1.1, 10.0.0.7", "93.1.1.1"),  # two proxies
        (["10.0.0.5"], "93.9.9.9", "6.6.6.6", "93.9.9.9"),  # not from the proxy: ignored
        (["10.0.0.5"], "10.0.0.5", None, "10.0.0.5"),
    ],
)
async def test_x_forwarded_for_is_believed_only_from_the_proxies_named_in_the_settings(
    user: User, trusted: list[str], peer: str, forwarded: str | None, address: str
) -> None:
    settings = runtime.current().settings
    original = settings.trusted_proxies
    settings.trusted_proxies = trusted
    try:
        assert client_address(_Request(peer, forwarded)) == address  # type: ignore[arg-type]
    finally:
        settings.trusted_proxies = original

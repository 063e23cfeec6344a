"""The sign-in page is plain HTML (components/sign_in_page.py): what it shows, what it escapes,
what it fetches ahead, and that a failure is a message on it, never an error page."""

from __future__ import annotations

import re

import pytest
from nicegui.testing.user import User

from components import framework_prefetch
from components.session import COOKIE as SESSION_COOKIE
from components.session import LANGUAGE_COOKIE
from equeue_ui.browser_guard import SIGN_IN_COOKIE
from equeue_ui.services import accounts
from tests.ui.helpers import PASSWORD, refusal, sign_in, submit_sign_in

pytestmark = pytest.mark.usefixtures("demo")

HOSTILE = "\"'><script>alert(1)</script>\\N{x}"


async def test_a_visitor_at_the_start_page_gets_the_sign_in_page_saying_what_equeue_is(
    user: User,
) -> None:
    page = await user.http_client.get("/")
    assert page.status_code == 200
    assert "Live queues for handing in lab work." in page.text
    assert 'action="/auth/sign-in"' in page.text
    assert '<input type="hidden" name="next" value="/">' in page.text


async def test_the_page_is_in_the_readers_language_and_never_kept_by_caches(user: User) -> None:
    user.http_client.cookies.set(LANGUAGE_COOKIE, "ru")
    page = await user.http_client.get("/login")
    assert '<html lang="ru">' in page.text
    assert "<title>Вход · eQueue</title>" in page.text
    assert 'data-testid="language-en"' in page.text  # the way to the other language
    assert page.headers["cache-control"] == "no-store"


async def test_typed_text_and_the_next_address_come_back_as_text_never_as_markup(
    user: User,
) -> None:
    answer = await submit_sign_in(user, HOSTILE, "wrong", next_path=f"/profile?{HOSTILE}")
    assert answer.status_code == 400
    assert refusal(answer) == "Wrong username or password."
    assert "<script>alert(1)</script>" not in answer.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in answer.text
    assert 'value="' + "&#34;&#39;&gt;&lt;script&gt;" in answer.text
    assert "wrong" not in re.sub(r"Wrong", "", answer.text)  # the password never comes back


async def test_after_signing_in_only_a_local_address_is_followed(user: User) -> None:
    answer = await submit_sign_in(user, "student1", PASSWORD, next_path="//evil.example/x")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/"


async def test_a_signed_in_reader_at_the_sign_in_page_goes_on_where_they_were_going(
    user: User,
) -> None:
    await sign_in(user, "student1")
    page = await user.http_client.get("/login?next=/profile")
    assert page.status_code == 303
    assert page.headers["location"] == "/profile"


async def test_an_unexpected_failure_is_a_message_on_the_page_not_an_error_page(
    user: User, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    broken_error = RuntimeError("the database went away")

    async def broken(*_args: object, **_kwargs: object) -> str:
        raise broken_error

    monkeypatch.setattr(accounts, "sign_in", broken)
    answer = await submit_sign_in(user, "student1", PASSWORD)
    assert answer.status_code == 503
    assert refusal(answer) == "Something went wrong. Please try again."
    assert "the database went away" not in answer.text
    assert 'value="student1"' in answer.text  # nothing typed is lost but the password
    # Logged for the operators, with the cause; the reader sees only the message.
    assert [r.exc_info[1] for r in caplog.records if r.exc_info] == [broken_error]
    caplog.clear()


async def test_empty_fields_are_asked_for_without_counting_an_attempt(user: User) -> None:
    answer = await submit_sign_in(user, "  ", "")
    assert answer.status_code == 400
    assert refusal(answer) == "Enter your username and password."


async def test_what_it_fetches_ahead_is_served_and_kept_by_the_browser(user: User) -> None:
    page = await user.http_client.get("/login")
    ahead = re.findall(r'<link rel="prefetch" href="([^"]+)">', page.text)
    assert ahead == list(framework_prefetch.addresses("en"))
    assert any(url.endswith("/quasar.umd.prod.js") for url in ahead)
    for url in ahead:
        answer = await user.http_client.get(url)
        assert answer.status_code == 200, url
        assert "max-age=31536000" in answer.headers["cache-control"], url


async def test_a_sign_in_without_the_browsers_sign_in_cookie_is_refused_and_brings_one(
    user: User,
) -> None:
    """The cookie lasts a day: a page left open longer posts without it."""
    form = {"method": "password", "username": "student1", "password": PASSWORD, "next": "/"}
    refused = await user.http_client.post("/auth/sign-in", data=form)
    assert refused.status_code == 403
    assert refusal(refused).startswith("Signing in needs cookies")
    assert SESSION_COOKIE not in refused.cookies
    assert SIGN_IN_COOKIE in refused.cookies

    again = await user.http_client.post("/auth/sign-in", data=form)
    assert again.status_code == 303
    assert SESSION_COOKIE in again.cookies


async def test_an_ecourses_sign_in_refused_after_ecourses_was_switched_off_still_says_why(
    user: User,
) -> None:
    """A page loaded before a site admin switched eCourses off posts its eCourses form."""
    answer = await submit_sign_in(user, "a.ivanov", PASSWORD, method="ecourses")
    assert answer.status_code == 403
    assert 'data-testid="ecourses-card"' not in answer.text
    assert refusal(answer) == "Sign-in with eCourses is switched off on this site."

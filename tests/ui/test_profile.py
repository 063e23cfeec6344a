"""The profile page (issue 20): names and status shown live elsewhere, the password, reset
links, sessions, one's data and deleting the account — through the real pages."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from nicegui import ui
from nicegui.testing.user import User
from sqlalchemy import update

from components.frame import _ends_this_page, _session_hash
from components.session import COOKIE, sign
from db.models import PasswordResetToken
from db.models import User as StoredUser
from db.types import utcnow
from equeue_ui import demo, runtime
from equeue_ui.events import SessionsRevoked
from equeue_ui.services import accounts, workspaces
from equeue_ui.services.views import UserView
from tests.ui.helpers import (
    PASSWORD,
    PATIENCE,
    DemoWorld,
    account,
    elements,
    entry_names,
    eventually,
    in_user_menu,
    marked_text,
    queue_snapshot,
    shows_sign_in_page,
    sign_in,
    texts,
    wait_for_notice,
)

pytestmark = pytest.mark.usefixtures("quick_passwords")
NEW_PASSWORD = "a brand new passphrase"


def _type(user: User, marker: str, text: str) -> None:
    user.find(marker=marker).clear().type(text)


def _value(user: User, marker: str) -> str:
    (field,) = elements(user, ui.input, marker=marker)
    return str(field.value or "")


async def _session_cookie(username: str, user_agent: str) -> str:
    """A session of ``username`` made as a browser with ``user_agent`` would get it."""
    user_id = (await account(username)).id
    ticket = await accounts.issue_ticket(user_id, binding="a-browser")
    signed = await accounts.redeem_ticket(ticket, binding="a-browser", user_agent=user_agent)
    return sign(signed.token)


async def test_the_profile_is_in_the_user_menu_and_a_rename_shows_live_on_a_queue_page(
    user: User, another_user: Callable[[], User], demo: DemoWorld
) -> None:
    classmate = another_user()
    await sign_in(classmate, "student5", path=f"/queues/{demo.open_subject.queue_id}")
    await classmate.should_see(marker="queue-view", retries=PATIENCE)
    assert "Мария Кузнецова" in entry_names(queue_snapshot(classmate))

    await sign_in(user, "student2")
    await in_user_menu(user, "to-profile")
    user.find(marker="to-profile").click()
    await user.should_see(marker="profile-names", retries=PATIENCE)
    _type(user, "first-name", "Маша")
    _type(user, "status-text", "Страшно\u202e учусь 🥲\u200b")
    user.find(marker="save-profile").click()
    await wait_for_notice(user, "Saved.")

    await eventually(
        lambda: "Маша Кузнецова" in entry_names(queue_snapshot(classmate)),
        what="the new name on the open queue page",
    )
    assert "Мария Кузнецова" not in entry_names(queue_snapshot(classmate))
    assert _value(user, "status-text") == "Страшно учусь 🥲"  # as others see it: tidied


async def test_changing_the_password_ends_the_other_sessions_and_says_so(
    user: User, another_user: Callable[[], User], demo: DemoWorld
) -> None:
    phone = another_user()
    phone.http_client.cookies.set(COOKIE, await _session_cookie("student3", "Android"))
    await sign_in(user, "student3", path="/profile")
    await user.should_see(marker="profile-password", retries=PATIENCE)
    _type(user, "current-password", PASSWORD)
    _type(user, "new-password", NEW_PASSWORD)
    _type(user, "repeat-password", NEW_PASSWORD + "x")
    user.find(marker="change-password").click()
    await wait_for_notice(user, "The new passwords differ.")
    _type(user, "repeat-password", NEW_PASSWORD)
    user.find(marker="change-password").click()
    await wait_for_notice(user, "You were signed out on every other device.")
    assert _value(user, "new-password") == ""

    await phone.open("/profile")
    await shows_sign_in_page(phone)
    await user.open("/profile")  # this browser stays signed in
    await user.should_see(marker="profile-password", retries=PATIENCE)


async def test_the_session_list_marks_this_device_and_signs_out_another(
    user: User, another_user: Callable[[], User], demo: DemoWorld
) -> None:
    phone = another_user()
    android = (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Mobile Safari/537.36"
    )
    phone.http_client.cookies.set(COOKIE, await _session_cookie("student6", android))
    await sign_in(user, "student6", path="/profile")
    await user.should_see(marker="sessions", retries=PATIENCE)
    await eventually(lambda: len(texts(user, "session-device")) == 2, what="two sessions")
    assert "Chrome Mobile 131 · Android 14" in texts(user, "session-device")
    assert len(elements(user, marker="this-device")) == 1

    user.find(marker="end-session").click()
    await eventually(lambda: len(texts(user, "session-device")) == 1, what="one session left")
    assert not elements(user, marker="end-session")
    await phone.open("/profile")
    await shows_sign_in_page(phone)


async def test_a_session_ended_alone_closes_only_that_browsers_pages(user: User) -> None:
    """The frame's rule for SessionsRevoked (components/frame.py), for a page of ``mine``."""

    class Page:
        def __init__(self, token: str) -> None:
            self.cookies = {COOKIE: sign(token)}

    mine, other = "my-session-token-0123456789", "other-session-token-0123456789"
    ended_mine = SessionsRevoked(1, ended_session=accounts.hash_token(mine))
    ended_other = SessionsRevoked(1, ended_session=accounts.hash_token(other))
    kept_mine = SessionsRevoked(1, kept_session=accounts.hash_token(mine))
    own = _session_hash(Page(mine))  # type: ignore[arg-type]
    assert own == accounts.hash_token(mine)  # all the page keeps of its request
    assert _ends_this_page(ended_mine, own)
    assert not _ends_this_page(ended_other, own)
    assert not _ends_this_page(kept_mine, own)
    assert _ends_this_page(SessionsRevoked(1), own)
    # a page without a session ends only with everyone's
    assert _ends_this_page(SessionsRevoked(1), None)
    assert not _ends_this_page(ended_mine, None)
    # another user's: the frame subscribes about its user only (tests/unit/test_event_bus.py)


async def test_my_data_downloads_as_json_over_the_page(user: User, demo: DemoWorld) -> None:
    await sign_in(user, "student7", path="/profile")
    await user.should_see(marker="download-data", retries=PATIENCE)
    user.find(marker="download-data").click()
    response = await user.download.next(timeout=10)
    data = json.loads(response.content)
    assert data["profile"]["username"] == "student7"
    assert [m["workspace"] for m in data["memberships"]] == [demo.workspace_name]
    assert data["sessions"] and all("token" not in key for key in data["sessions"][0])


async def test_the_last_admin_is_told_which_workspace_and_a_member_deletes_theirs(
    user: User, another_user: Callable[[], User], demo: DemoWorld
) -> None:
    leader = await account("leader")
    student1 = await account("student1")
    await workspaces.demote(demo.workspace_id, student1.id, actor=leader)
    await sign_in(user, "leader", path="/profile")
    await user.should_see(marker="delete-account", retries=PATIENCE)
    user.find(marker="delete-account").click()
    _type(user, "confirm-username", "leader")
    user.find(marker="confirm-delete").click()
    await wait_for_notice(user, f"You are the only admin of «{demo.workspace_name}»")

    student = another_user()
    await sign_in(student, "student8", path="/profile")
    await student.should_see(marker="delete-account", retries=PATIENCE)
    student.find(marker="delete-account").click()
    _type(student, "confirm-username", "student8")
    student.find(marker="confirm-delete").click()
    page = await shows_sign_in_page(student)
    assert marked_text(page, "sign-in-notice").startswith("Your account was deleted")
    assert await accounts.find_user("student8") is None


async def test_a_reset_link_sets_a_password_once_and_a_used_or_expired_one_is_refused(
    user: User, another_user: Callable[[], User], demo: DemoWorld
) -> None:
    await sign_in(user, "admin", demo_admin_password(), path="/admin/users")
    user.find(marker="user-search").type("student4")
    await eventually(lambda: len(texts(user, "admin-user-name")) == 1, what="one user")
    user.find(marker="make-reset-link").click()
    await user.should_see(marker="reset-link", retries=PATIENCE)
    path = _reset_path(_value(user, "reset-link"))

    student = another_user()
    await student.open(path)
    await student.should_see("Set a new password for student4", retries=PATIENCE)
    _type(student, "new-password", "short")
    _type(student, "repeat-password", "short")
    student.find(marker="set-password").click()
    await wait_for_notice(student, "at least 8 characters")
    _type(student, "new-password", NEW_PASSWORD)
    _type(student, "repeat-password", NEW_PASSWORD)
    student.find(marker="set-password").click()
    await student.should_see(marker="password-reset-done", retries=PATIENCE)
    await sign_in(student, "student4", NEW_PASSWORD)

    await student.open(path)  # used up
    await student.should_see(marker="refusal", retries=PATIENCE)
    await student.should_see("already used, has expired")

    user.find(marker="close-reset-link").click()
    user.find(marker="make-reset-link").click()  # a new one, expired before it is opened
    await eventually(lambda: len(_links(user)) == 2, what="a second link")
    expired = _reset_path(_links(user)[-1])
    async with runtime.current().db.write_session() as session:
        await session.execute(
            update(PasswordResetToken).values(expires_at=utcnow() - timedelta(seconds=1))
        )
        await session.commit()
    await student.open(expired)
    await student.should_see(marker="refusal", retries=PATIENCE)


def _links(user: User) -> list[str]:
    return [str(field.value) for field in elements(user, ui.input, marker="reset-link")]


def _reset_path(address: str) -> str:
    assert "/reset-password/" in address, address
    return address[address.index("/reset-password/") :]


def demo_admin_password() -> str:
    return demo.ADMIN_PASSWORD


def demo_user(user_id: int) -> UserView:
    return UserView(
        id=user_id,
        username="someone",
        first_name="",
        last_name="",
        avatar_url=None,
        status_text="",
        group_id=None,
        is_teacher=False,
        is_site_admin=False,
        language=None,
        dark_mode=None,
        has_password=True,
        from_ecourses=False,
    )


async def test_an_account_ecourses_made_shows_its_names_read_only_and_no_password_form(
    user: User, demo: DemoWorld
) -> None:
    made = await account("student9")
    async with runtime.current().db.write_session() as session:
        await session.execute(
            update(StoredUser)
            .where(StoredUser.id == made.id)
            .values(ecourses_user_id=4242, password_hash=None)
        )
        await session.commit()
    user.http_client.cookies.set(COOKIE, await _session_cookie("student9", "Firefox/133.0"))
    await user.open("/profile")
    await user.should_see(marker="names-from-ecourses", retries=PATIENCE)
    (first,) = elements(user, ui.input, marker="first-name")
    assert first.props.get("readonly") is True
    await user.should_see(marker="no-local-password")
    await user.should_not_see(marker="change-password")
    _type(user, "status-text", "На паре")
    user.find(marker="save-profile").click()
    await wait_for_notice(user, "Saved.")
    assert (await account("student9")).status_text == "На паре"


async def test_signing_out_all_other_devices_leaves_this_one(
    user: User, another_user: Callable[[], User], demo: DemoWorld
) -> None:
    phone, tablet = another_user(), another_user()
    phone.http_client.cookies.set(COOKIE, await _session_cookie("student10", "Android 14"))
    tablet.http_client.cookies.set(COOKIE, await _session_cookie("student10", "iPad; OS 17"))
    await sign_in(user, "student10", path="/profile")
    await eventually(lambda: len(texts(user, "session-device")) == 3, what="three sessions")
    user.find(marker="end-other-sessions").click()
    await wait_for_notice(user, "Signed out on every other device.")
    await eventually(lambda: len(texts(user, "session-device")) == 1, what="this one left")
    for other in (phone, tablet):
        await other.open("/profile")
        await shows_sign_in_page(other)

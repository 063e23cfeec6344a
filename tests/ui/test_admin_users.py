"""/admin/users: find a user, grant a role, block (their sessions end), live for other admins."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from nicegui.testing.user import User

from components.session import COOKIE, sign
from equeue_ui import demo
from equeue_ui.services import accounts
from tests.ui.helpers import (
    PATIENCE,
    account,
    eventually,
    shows_sign_in_page,
    sign_in,
    texts,
    wait_for_notice,
)

pytestmark = pytest.mark.usefixtures("demo")


async def open_users(user: User, query: str) -> None:
    await sign_in(user, "admin", demo.ADMIN_PASSWORD, path="/admin/users")
    user.find(marker="user-search").type(query)
    await eventually(lambda: len(texts(user, "admin-user-name")) == 1, what="one user")


async def test_a_site_admin_makes_a_student_a_teacher(user: User) -> None:
    await open_users(user, "student5")
    user.find(marker="role-teacher").click()
    await eventually(lambda: _is_teacher("student5"), what="the teacher role stored")


async def test_blocking_a_user_ends_their_session_and_shows_the_badge(
    user: User, another_user: Callable[[], User]
) -> None:
    # The student's browser holds a session but no open page: the simulation would hand an
    # open page's live redirect to whichever simulated browser was touched last.
    signed = await accounts.redeem_ticket(
        await accounts.issue_ticket((await account("student4")).id, binding="a-browser"),
        binding="a-browser",
    )
    student = another_user()
    student.http_client.cookies.set(COOKIE, sign(signed.token))
    await open_users(user, "student4")

    user.find(marker="block-user").click()

    await user.should_see("blocked", retries=PATIENCE)
    assert await accounts.user_for_session(signed.token) is None
    await student.open("/")
    await shows_sign_in_page(student)


async def test_another_admins_change_shows_without_reload(user: User) -> None:
    await open_users(user, "student6")
    await accounts.set_blocked((await account("student6")).id, True, actor=await account("admin"))
    await user.should_see("blocked", retries=PATIENCE)


async def test_a_site_admin_cannot_block_themselves(user: User) -> None:
    await open_users(user, "admin")
    user.find(marker="block-user").click()
    await wait_for_notice(user, "You cannot block yourself.")


async def _is_teacher(username: str) -> bool:
    return (await account(username)).is_teacher

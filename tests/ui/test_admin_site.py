"""Site administration pages: navigation, settings applied at once, the audit log, status."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from nicegui import ui
from nicegui.testing.user import User

from equeue_ui import demo
from equeue_ui.services import accounts, site
from tests.ui.helpers import (
    PATIENCE,
    account,
    eventually,
    marked_text,
    shows_sign_in_page,
    sign_in,
    texts,
    wait_for_notice,
)

pytestmark = pytest.mark.usefixtures("demo")

ADMIN_PAGES = ["/admin/users", "/admin/groups", "/admin/settings", "/admin/audit", "/admin/status"]


async def sign_in_admin(user: User, path: str) -> None:
    await sign_in(user, "admin", demo.ADMIN_PASSWORD, path=path)


@pytest.mark.parametrize("path", ADMIN_PAGES)
async def test_admin_pages_refuse_everyone_but_site_admins(user: User, path: str) -> None:
    await sign_in(user, "leader", path=path)  # a workspace admin, not a site admin
    await user.should_see("Only site administrators can do that.", retries=PATIENCE)
    await user.should_not_see(marker="admin-nav-users")


async def test_the_user_menu_leads_to_the_administration_and_its_sections(user: User) -> None:
    await sign_in_admin(user, "/")
    user.find(marker="user-menu").click()
    user.find(marker="to-admin").click()
    await user.should_see(marker="user-search", retries=PATIENCE)
    for key, shown in [
        ("groups", "group-search"),
        ("settings", "save-settings"),
        ("audit", "audit-actor"),
        ("status", "status-database"),
    ]:
        user.find(marker=f"admin-nav-{key}").click()
        await user.should_see(marker=shown, retries=PATIENCE)


async def test_the_administration_address_opens_the_users_tab(user: User) -> None:
    await sign_in_admin(user, "/admin")
    await user.should_see(marker="user-search", retries=PATIENCE)


async def test_switching_registration_off_applies_without_restart_and_is_audited(
    user: User,
) -> None:
    await sign_in_admin(user, "/admin/settings")
    user.find(marker="setting-registration").click()
    user.find(marker="save-settings").click()
    await wait_for_notice(user, "Settings saved.")
    assert not await site.is_registration_open()

    user.find(marker="admin-nav-audit").click()
    await user.should_see(marker="audit-table", retries=PATIENCE)
    assert "site.settings" in _table_text(user)


async def test_a_bad_ecourses_address_is_refused_with_a_message_and_nothing_saved(
    user: User,
) -> None:
    await sign_in_admin(user, "/admin/settings")
    user.find(marker="setting-registration").click()
    user.find(marker="setting-ecourses-url").type("ftp://e.sfu-kras.ru")
    user.find(marker="save-settings").click()
    await wait_for_notice(user, "A link must start with http:// or https://.")
    assert await site.is_registration_open()
    settings = await site.get_site_settings(actor=await account("admin"))
    assert settings.ecourses_url is None


async def test_the_default_language_setting_applies_to_visitors_at_once(
    user: User, another_user: Callable[[], User]
) -> None:
    admin = await account("admin")
    await site.update_site_settings(actor=admin, default_language="ru")
    visitor = another_user()
    await visitor.open("/login")
    page = await shows_sign_in_page(visitor)
    assert '<html lang="ru">' in page.text and marked_text(page, "sign-in") == "Вход"
    await site.update_site_settings(actor=admin, default_language=None)  # the server's: en
    await visitor.open("/login")
    page = await shows_sign_in_page(visitor)
    assert '<html lang="en">' in page.text and marked_text(page, "sign-in") == "Sign in"


async def test_the_audit_log_filters_by_action(user: User) -> None:
    admin = await account("admin")
    await accounts.set_blocked((await account("student9")).id, True, actor=admin)
    await accounts.set_roles((await account("student8")).id, actor=admin, teacher=True)
    await sign_in_admin(user, "/admin/audit")
    await user.should_see(marker="audit-table", retries=PATIENCE)
    assert "user.block" in _table_text(user) and "student8" in _table_text(user)
    select = user.find(marker="audit-action").elements.pop()
    assert isinstance(select, ui.select)
    select.set_value("user.block")
    await eventually(lambda: "student8" not in _table_text(user), what="a filtered table")
    assert "student9" in _table_text(user)
    user.find(marker="audit-since").type("not a date")
    await wait_for_notice(user, "Enter dates as YYYY-MM-DD.")


async def test_status_shows_the_database_version_and_clients(user: User) -> None:
    await sign_in_admin(user, "/admin/status")
    await user.should_see(marker="status-database", retries=PATIENCE)
    assert texts(user, "status-database")[0].startswith("sqlite: OK")
    assert texts(user, "status-users") == ["15"]
    assert int(texts(user, "status-clients")[0]) >= 0
    await user.should_not_see(marker="status-warning")


def _table_text(user: User) -> str:
    tables = user.find(marker="audit-table").elements
    return " ".join(
        str(row) for table in tables if isinstance(table, ui.table) for row in table.rows
    )

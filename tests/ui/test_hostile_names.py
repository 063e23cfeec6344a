"""Names that look like markup or code are shown as text on every page (issue 13, point 1).

A display name spliced into a props string added props (``:title`` runs as JavaScript), and one
holding ``\\N`` made every page of that user answer 500 (NiceGUI's props parser hands quoted
values to ``ast.literal_eval``). The browser-side half (no dialog, no compiled template) is
tests/e2e/test_hostile_names.py.
"""

from __future__ import annotations

import pytest
from nicegui import ui
from nicegui.testing.user import User

from db.models import Task
from equeue_ui import demo as demo_data
from equeue_ui import runtime
from equeue_ui.services import accounts
from tests.ui.helpers import PATIENCE, DemoWorld, account, elements, page_text, sign_in

QUOTE = 'x" :title="alert(document.domain)'
BACKSLASH = "Back\\Nslash"  # a backslash and an N, as typed
TEMPLATE = "{{ 7*7 }}"
TAG = "<img src=x onerror=alert(1)>"


async def _rename(username: str, first: str, last: str) -> str:
    """Give a demo account a hostile name; returns how pages should show it."""
    renamed = await accounts.update_profile(
        actor=await account(username), first_name=first, last_name=last
    )
    return renamed.display_name


def _menu_button(user: User) -> ui.button:
    (button,) = elements(user, ui.button, marker="user-menu")
    return button


def _shown(user: User) -> str:
    """The page's text, with what its tables show."""
    parts = [page_text(user)]
    for table in elements(user, ui.table):
        parts.extend(str(value) for row in table.rows for value in row.values())
    return "\n".join(parts)


def _assert_no_props_from(name_part: str, user: User) -> None:
    """No element got a prop or attribute out of the name: only aria-label may hold it."""
    with user:
        for element in user.current_layout.descendants():
            for key, value in element.props.items():
                assert "title" not in key, (element, key, value)
                if isinstance(value, str) and name_part in value:
                    assert key in ("aria-label", "initial", "label", "value"), (element, key)


@pytest.mark.usefixtures("quick_passwords")
async def test_a_visitor_registering_with_quotes_and_backslashes_in_their_name_gets_their_pages(
    user: User, demo: DemoWorld
) -> None:
    await user.open("/register")
    await user.should_see(marker="register", retries=PATIENCE)
    user.find(marker="username").type("hostile.visitor")
    user.find(marker="first-name").type(QUOTE)
    user.find(marker="last-name").type(f"{BACKSLASH} {TEMPLATE}")
    user.find(marker="password").type("long-enough-1")
    user.find(marker="password-repeat").type("long-enough-1")
    user.find(marker="register-form").trigger("submit.prevent")
    name = f"{QUOTE} {BACKSLASH} {TEMPLATE}"
    await user.should_see(f"Signed in as {name}", retries=PATIENCE)
    assert (await account("hostile.visitor")).display_name == name
    for path in ("/", "/groups", "/teaching", f"/workspaces/{demo.workspace_id}"):
        await user.open(path)  # answers 200: the simulation asserts it
        await user.should_see(marker="user-menu")
        assert _menu_button(user).props["aria-label"] == name
        _assert_no_props_from(QUOTE, user)


async def test_every_page_shows_hostile_member_names_as_text(user: User, demo: DemoWorld) -> None:
    leader = await _rename("leader", QUOTE, BACKSLASH)
    student = await _rename("student2", TEMPLATE, TAG)
    teacher = await _rename("teacher", TAG, QUOTE)
    subject = demo.open_subject
    pages = {
        "/": [leader],
        "/groups": [],
        f"/workspaces/{demo.workspace_id}": [],
        f"/workspaces/{demo.workspace_id}/settings": [leader, student],
        f"/workspaces/{demo.workspace_id}/stats": [],
        f"/subjects/{subject.id}": [],
        f"/subjects/{subject.id}/settings": [teacher],
        f"/subjects/{subject.id}/stats": [student],
        f"/queues/{subject.queue_id}": [student],
        f"/queues/{subject.queue_id}/console": [student],
        f"/queues/{subject.queue_id}/stats": [teacher],
    }
    await sign_in(user, "leader")
    for path, names in pages.items():
        await user.open(path)  # answers 200: the simulation asserts it
        await user.should_see(marker="user-menu")
        assert _menu_button(user).props["aria-label"] == leader
        shown = _shown(user)
        for name in names:
            assert name in shown, (path, name)
        _assert_no_props_from(QUOTE, user)
        _assert_no_props_from(BACKSLASH, user)
    # The board has no header; its names are drawn in the browser (the e2e test looks there).
    await user.open(f"/queues/{subject.queue_id}/board")
    await user.should_see(marker="board")
    _assert_no_props_from(QUOTE, user)


async def test_site_admin_pages_show_hostile_names_as_text(user: User, demo: DemoWorld) -> None:
    hostile = await _rename("student2", QUOTE, f"{BACKSLASH} {TEMPLATE}")
    await _rename("admin", BACKSLASH, QUOTE)
    await sign_in(user, "admin", demo_data.ADMIN_PASSWORD)
    for path in ("/admin/users", "/admin/groups", "/admin/audit", "/admin/settings"):
        await user.open(path)
        await user.should_see(marker="user-menu")
        _assert_no_props_from(QUOTE, user)
    await user.open("/admin/users")
    user.find(marker="user-search").type("student2")
    await user.should_see(hostile, retries=PATIENCE)


async def test_a_stored_script_address_is_never_a_link(user: User, demo: DemoWorld) -> None:
    """Typed links are checked by the services, but eCourses answers and older rows are not:
    the page links only to http(s) addresses and shows the rest as plain text."""
    subject = demo.open_subject
    script, web = subject.task_ids[:2]
    async with runtime.current().db.write_session() as session:
        for task_id, url in ((script, " JavaScript:alert(1)"), (web, "https://example.org/lab")):
            task = await session.get(Task, task_id)
            assert task is not None
            task.url = url
        await session.commit()
    await sign_in(user, "student5", path=f"/subjects/{subject.id}")
    await user.should_see(subject.task_names[0])
    hrefs = [link.props.get("href") for link in elements(user, ui.link)]
    assert "https://example.org/lab" in hrefs
    assert not [href for href in hrefs if "script" in str(href).lower()], hrefs
    assert subject.task_names[0] in [label.text for label in elements(user, ui.label)]

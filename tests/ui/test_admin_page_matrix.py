"""Who sees each admin page (SPEC §2, issue 6), in the simulated browser over the demo world.

Anonymous visitors are sent to sign in, with the page to come back to. A refused user sees the
refusal and none of the page's controls; an allowed one sees the page with every one of those
controls and no refusal. The services refuse on their own as well
(tests/services/test_permission_matrix.py): this matrix checks that the pages follow them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from nicegui.testing.user import User

from equeue_ui import demo as demo_data
from equeue_ui.services import workspaces
from tests.ui.helpers import PATIENCE, DemoWorld, account, marked, shows_sign_in_page, sign_in

# --- the roles ------------------------------------------------------------------------------------
# Demo accounts (README), and "other": `newcomer` after making a workspace of their own.
ROLES = ("anonymous", "student", "pending", "other", "admin", "teacher", "site")
ACCOUNTS = {
    "student": "student5",
    "pending": "applicant",
    "other": "newcomer",
    "admin": "leader",
    "teacher": "teacher",  # teaches the open and the paused subject
    "site": "admin",
}


@dataclass(frozen=True)
class Page:
    path: str  # {w}: the demo workspace, {s}: its open subject, {q}: that subject's queue
    shown: str  # the marker an allowed user sees
    controls: tuple[str, ...]  # markers an allowed user sees and a refused one must not
    refused: str = "refusal"  # the marker a refused user sees instead


_ADMIN_NAV = tuple(f"admin-nav-{key}" for key in ("users", "groups", "settings", "audit", "status"))
_IMPORT = ("ecourses-panel", "ecourses-connect-form", "ecourses-connect")

# --- the matrix -----------------------------------------------------------------------------------
# A: allowed, -: refused ("anonymous" is always sent to sign in). Columns as in ROLES.
MATRIX = """
page                   anonymous student pending other admin teacher site
workspace_settings         -        -       -      -     A      -      A
subject_settings           -        -       -      -     A      -      A
workspace_import           -        -       -      -     A      -      A
subject_import             -        -       -      -     A      -      A
queue_stats                -        -       -      -     A      A      A
subject_stats              -        -       -      -     A      A      A
workspace_stats            -        -       -      -     A      -      A
console                    -        -       -      -     A      A      A
board                      -        -       -      -     A      A      A
teaching                   -        -       -      -     -      A      -
admin_users                -        -       -      -     -      -      A
admin_groups               -        -       -      -     -      -      A
admin_settings             -        -       -      -     -      -      A
admin_audit                -        -       -      -     -      -      A
admin_status               -        -       -      -     -      -      A
"""

PAGES = {
    "workspace_settings": Page(
        "/workspaces/{w}/settings",
        "settings-workspace-name",
        (
            "settings-workspace-name",
            "tab-general",
            "tab-requests",
            "tab-members",
            "tab-subjects",
            "tab-invites",
            "rename-workspace",
            "delete-workspace-button",
            "join-requests",
            "member-admin",
            "subject-admin",
            "new-student-invite",
        ),
    ),
    "subject_settings": Page(
        "/subjects/{s}/settings",
        "settings-subject-name",
        (
            "settings-subject-name",
            "task-settings",
            "task-admin",
            "new-task",
            "queue-settings-card",
            "open-queue-settings",
            "teachers",
            "new-invite",
            "make-link",
        ),
    ),
    # With eCourses switched on, an admin without an eCourses sign-in is asked for it first.
    "workspace_import": Page("/workspaces/{w}/import", "ecourses-connect-form", _IMPORT),
    "subject_import": Page("/subjects/{s}/import", "ecourses-connect-form", _IMPORT),
    "queue_stats": Page(
        "/queues/{q}/stats",
        "download-history",
        ("stats-subject", "download-history", "period", "to-subject-stats", "stats-summary"),
    ),
    "subject_stats": Page(
        "/subjects/{s}/stats",
        "download-submissions",
        ("stats-subject", "download-submissions", "to-queue-stats", "progress-matrix"),
    ),
    "workspace_stats": Page(
        "/workspaces/{w}/stats",
        "download-workspace-submissions",
        ("stats-workspace", "download-workspace-submissions", "workspace-stats"),
    ),
    "console": Page(
        "/queues/{q}/console",
        "call-next",
        ("console", "console-subject", "call-next", "clear", "open-board", "open-stats"),
    ),
    "board": Page("/queues/{q}/board", "board", ("board",)),
    # Everyone signed in may open "My queues"; only teachers find a queue there.
    "teaching": Page(
        "/teaching", "teaching-subject", ("teaching-subject", "open-console"), "no-teaching"
    ),
    "admin_users": Page(
        "/admin/users", "user-search", (*_ADMIN_NAV, "user-search", "admin-user", "block-user")
    ),
    "admin_groups": Page(
        "/admin/groups",
        "group-search",
        (*_ADMIN_NAV, "group-search", "admin-group", "rename-group", "group-import"),
    ),
    "admin_settings": Page(
        "/admin/settings",
        "save-settings",
        (*_ADMIN_NAV, "setting-registration", "setting-ecourses-url", "save-settings"),
    ),
    "admin_audit": Page(
        "/admin/audit", "audit-table", (*_ADMIN_NAV, "audit-action", "audit-table")
    ),
    "admin_status": Page(
        "/admin/status", "refresh-status", (*_ADMIN_NAV, "refresh-status", "status-database")
    ),
}

# Pages that do not show what SPEC §2 and the matrix say: (page, role) -> why.
KNOWN_BUGS: dict[tuple[str, str], str] = {}


def _parse(table: str) -> dict[str, dict[str, bool]]:
    header, *rows = [line.split() for line in table.strip().splitlines()]
    assert tuple(header[1:]) == ROLES, header
    parsed = {}
    for page, *marks in rows:
        assert len(marks) == len(ROLES) and set(marks) <= {"A", "-"}, page
        parsed[page] = {role: mark == "A" for role, mark in zip(ROLES, marks, strict=True)}
    return parsed


EXPECTED = _parse(MATRIX)
assert set(EXPECTED) == set(PAGES), set(EXPECTED) ^ set(PAGES)
assert all(page in EXPECTED and role in ROLES for page, role in KNOWN_BUGS)


def _cases() -> list[Any]:
    cases = []
    for page, allowed in EXPECTED.items():
        for role in ROLES:
            bug = KNOWN_BUGS.get((page, role))
            marks = [pytest.mark.xfail(strict=True, reason=bug)] if bug else []
            cases.append(pytest.param(page, role, allowed[role], id=f"{page}-{role}", marks=marks))
    return cases


def _path(page: Page, demo: DemoWorld) -> str:
    subject = demo.open_subject
    return page.path.format(w=demo.workspace_id, s=subject.id, q=subject.queue_id)


@pytest.fixture
def ecourses_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """eCourses switched on (at an address nobody listens on: nothing here calls it)."""
    monkeypatch.setenv("EQUEUE_ECOURSES_URL", "http://127.0.0.1:9")


# --- the test -----------------------------------------------------------------------------------


@pytest.mark.usefixtures("ecourses_on")
@pytest.mark.parametrize(("page_name", "role", "allowed"), _cases())
async def test_admin_page_matrix(
    user: User, demo: DemoWorld, page_name: str, role: str, allowed: bool
) -> None:
    page = PAGES[page_name]
    path = _path(page, demo)
    if role == "anonymous":
        await _is_sent_to_sign_in(user, path, page)
        return
    if role == "other":
        await workspaces.create_workspace("Другое пространство", actor=await account("newcomer"))
    username = ACCOUNTS[role]
    password = demo_data.ADMIN_PASSWORD if role == "site" else demo_data.DEMO_PASSWORD
    await sign_in(user, username, password)
    await user.open(path)
    if allowed:
        await user.should_see(marker=page.shown, retries=PATIENCE)
        await user.should_not_see(marker=page.refused, retries=1)
        for marker in page.controls:  # so that "a refused user does not see it" means something
            await user.should_see(marker=marker)
        return
    await user.should_see(marker=page.refused, retries=PATIENCE)
    for marker in page.controls:
        await user.should_not_see(marker=marker, retries=1)


async def _is_sent_to_sign_in(user: User, path: str, page: Page) -> None:
    response = await user.http_client.get(path, follow_redirects=False)
    assert response.status_code == 303, (path, response.status_code)
    assert response.headers["location"] == f"/login?next={quote(path, safe='')}"
    await user.open(path)
    sign_in_page = await shows_sign_in_page(user)
    for marker in page.controls:
        assert not marked(sign_in_page, marker), marker


async def test_admin_sends_everyone_to_its_users_tab(user: User) -> None:
    response = await user.http_client.get("/admin", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/users"

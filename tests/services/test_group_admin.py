"""Site administration of groups (issue 6): import with a preview, rename, delete with counts."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from sqlalchemy import func, select

from db.models import AuditLog, Group, User, Workspace
from equeue_ui.errors import ConflictError, ForbiddenError, InvalidError, NotFoundError
from equeue_ui.events import GroupsChanged, WorkspaceChanged
from equeue_ui.runtime import Runtime
from equeue_ui.services import group_import, groups, subjects
from equeue_ui.services.groups import GroupImpact, ImportResult
from tests.services import factories

TRICKY = ["Группа д'Артаньяна", 'The "Best" group', "ИТ🚀-1", "`; DROP TABLE groups; --"]


# --- a loopback HTTP server answering with whatever a test puts in `pages` -------------------


Pages = dict[str, tuple[int, bytes]]  # path → (status, body)
Server = tuple[str, Pages]


class _Handler(BaseHTTPRequestHandler):
    pages: ClassVar[Pages] = {}

    def do_GET(self) -> None:
        status, body = self.pages.get(self.path, (404, b"not found"))
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def timetable_server() -> Iterator[Server]:
    pages: Pages = {}
    handler = type("Handler", (_Handler,), {"pages": pages})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", pages
    finally:
        server.shutdown()
        server.server_close()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def group_count(rt: Runtime) -> int:
    async with rt.db.read_session() as session:
        return int(await session.scalar(select(func.count(Group.id))) or 0)


async def audit_actions(rt: Runtime) -> list[str]:
    async with rt.db.read_session() as session:
        return list(await session.scalars(select(AuditLog.action).order_by(AuditLog.id)))


# --- reading lists ----------------------------------------------------------------------------


def test_a_timetable_json_array_gives_its_names() -> None:
    data = json.dumps([{"name": "КИ21-16/2Б", "institute": "ИКИТ"}, {"name": "ФФ21-03М"}])
    assert group_import.parse_group_list(data.encode()) == ["КИ21-16/2Б", "ФФ21-03М"]


def test_a_text_file_gives_one_name_a_line_and_a_csv_its_first_column() -> None:
    text = "КИ21-16/2Б\n\n  ФФ21-03М  \r\nИТ🚀-1\n"
    assert group_import.parse_group_list(text.encode(), filename="groups.txt") == [
        "КИ21-16/2Б",
        "ФФ21-03М",
        "ИТ🚀-1",
    ]
    table = 'Группа;Институт\nКИ21-16/2Б;ИКИТ\n"The ""Best"" group";X\n'
    assert group_import.parse_group_list(table.encode("cp1251"), filename="g.csv") == [
        "КИ21-16/2Б",
        'The "Best" group',
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"[{'name': 1}", "This is not valid JSON."),
        (b'{"name": "KI"}', 'Expected a JSON array of objects with a "name" field'),
        (b'[{"title": "KI"}]', 'Item 1 has no text "name" field.'),
        (b'[{"name": "KI"}, {"name": 5}]', 'Item 2 has no text "name" field.'),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "This is not a text file."),
    ],
)
def test_lists_of_the_wrong_shape_are_refused_with_a_reason(data: bytes, message: str) -> None:
    with pytest.raises(InvalidError) as refused:
        group_import.parse_group_list(data, filename="upload.json")
    assert message in refused.value.message.msgid.format(**refused.value.message.params)


def test_a_list_over_the_limit_is_refused() -> None:
    names = "\n".join(f"G{n}" for n in range(group_import.MAX_NAMES + 1))
    with pytest.raises(InvalidError):
        group_import.parse_group_list(names)


# --- preview, then import ---------------------------------------------------------------------


async def test_the_preview_counts_new_existing_repeated_and_invalid_names_and_writes_nothing(
    rt: Runtime,
) -> None:
    root = await factories.make_user(rt, "root", site_admin=True)
    await factories.make_group(rt, "КИ21-16/2Б")
    names = ["КИ21-16/2Б", " ФФ21-03М ", "ФФ21-03М", "", "Я" * 256, "bad\x00name", *TRICKY]

    preview = await group_import.preview_import(names, actor=root)

    assert preview.read == len(names)
    assert preview.new_names == ("ФФ21-03М", *TRICKY)
    assert (preview.existing, preview.duplicates) == (1, 1)
    assert [r.reason.render("en") for r in preview.rejected] == [
        "The name must not be empty.",
        "The name is too long (at most 255 characters).",
        "The name must not contain control characters.",
    ]
    assert await group_count(rt) == 1


async def test_import_writes_the_new_valid_names_with_quotes_and_emoji_intact_and_audits(
    rt: Runtime,
) -> None:
    root = await factories.make_user(rt, "root", site_admin=True)
    await factories.make_group(rt, "КИ21-16/2Б")
    heard: list[GroupsChanged] = []
    rt.bus.subscribe(GroupsChanged, heard.append)

    result = await group_import.import_groups(
        ["КИ21-16/2Б", "", *TRICKY, TRICKY[0]], actor=root, source="upload.txt"
    )

    assert result == ImportResult(created=4, existing=1)
    assert [g.name for g in await groups.search_groups("", limit=10)] == sorted(
        ["КИ21-16/2Б", *TRICKY], key=lambda n: (len(n), n)
    )
    assert await audit_actions(rt) == ["group.import"]
    assert heard == [GroupsChanged(None)]


async def test_ten_thousand_groups_are_previewed_and_imported_at_once(rt: Runtime) -> None:
    root = await factories.make_user(rt, "root", site_admin=True)
    names = [f"ГР{year}-{n:04}Б" for year in range(20, 25) for n in range(2000)]
    await factories.make_group(rt, names[17])

    preview = await group_import.preview_import(names, actor=root)
    result = await group_import.import_groups(names, actor=root)

    assert (len(preview.new_names), preview.existing, len(preview.sample)) == (9_999, 1, 20)
    assert result == ImportResult(created=9_999, existing=1)
    assert await group_count(rt) == 10_000


async def test_an_import_racing_another_writes_nothing(
    rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A name added between the check and the insert fails the whole import: no half lists."""
    if rt.db.is_sqlite:
        pytest.skip("SQLite has one writer: nobody can add a group during an import")
    root = await factories.make_user(rt, "root", site_admin=True)

    async def checked_before_someone_adds_one(session: object, names: list[str]) -> set[str]:
        await factories.make_group(rt, "Б")  # another admin, in a transaction of their own
        return set()

    monkeypatch.setattr(group_import, "existing_names", checked_before_someone_adds_one)

    with pytest.raises(ConflictError):
        await group_import.import_groups(["А", "Б", "В"], actor=root)

    async with rt.db.read_session() as session:
        assert list(await session.scalars(select(Group.name))) == ["Б"]


async def test_only_site_admins_preview_or_import(rt: Runtime) -> None:
    world = await factories.make_world(rt)
    for action in (
        group_import.preview_import(["X"], actor=world.admin),
        group_import.import_groups(["X"], actor=world.admin),
    ):
        with pytest.raises(ForbiddenError):
            await action
    assert await group_count(rt) == 2


# --- from a URL -------------------------------------------------------------------------------


async def test_a_timetable_url_is_fetched_and_read(timetable_server: Server, rt: Runtime) -> None:
    base, pages = timetable_server
    rt.settings.fetch_allow_hosts = ["127.0.0.1"]  # the test's server is on loopback
    body = [{"name": name} for name in ["КИ21-16/2Б", *TRICKY]]
    pages["/api/timetable/groups"] = (200, json.dumps(body, ensure_ascii=False).encode())

    root = await factories.make_user(rt, "root", site_admin=True)
    names = await group_import.fetch_group_list(f"{base}/api/timetable/groups", actor=root)

    assert names == ["КИ21-16/2Б", *TRICKY]


@pytest.mark.parametrize(
    ("path", "status", "body", "message"),
    [
        ("/html", 200, b"<html>Sorry</html>", "This is not valid JSON."),
        ("/object", 200, b'{"groups": []}', 'Expected a JSON array of objects with a "name"'),
        ("/gone", 503, b"[]", "answered with HTTP status 503."),
    ],
)
async def test_a_url_with_a_bad_answer_gives_a_clear_reason(
    timetable_server: Server, rt: Runtime, path: str, status: int, body: bytes, message: str
) -> None:
    base, pages = timetable_server
    rt.settings.fetch_allow_hosts = ["127.0.0.1"]
    pages[path] = (status, body)
    root = await factories.make_user(rt, "root", site_admin=True)
    with pytest.raises(InvalidError) as refused:
        await group_import.fetch_group_list(base + path, actor=root)
    assert message in str(refused.value)


@pytest.mark.parametrize(
    "url", ["ftp://127.0.0.1/groups.json", "file:///etc/passwd", "javascript:alert(1)", "groups"]
)
async def test_only_http_and_https_urls_are_fetched(rt: Runtime, url: str) -> None:
    root = await factories.make_user(rt, "root", site_admin=True)
    with pytest.raises(InvalidError, match="http:// or https://"):
        await group_import.fetch_group_list(url, actor=root)


async def test_an_unreachable_url_is_a_clear_error_and_writes_nothing(rt: Runtime) -> None:
    root = await factories.make_user(rt, "root", site_admin=True)
    rt.settings.fetch_allow_hosts = ["127.0.0.1"]
    with pytest.raises(InvalidError, match=r"Cannot fetch this address\."):
        await group_import.fetch_group_list(f"http://127.0.0.1:{closed_port()}/groups", actor=root)
    assert await group_count(rt) == 0


# --- listing, renaming, deleting --------------------------------------------------------------


async def test_site_admins_list_groups_with_their_users_and_workspaces(rt: Runtime) -> None:
    world = await factories.make_world(rt)

    page = await groups.list_groups("", actor=world.site_admin)

    assert page.total == 2
    assert [(r.name, r.users, r.workspaces) for r in page.rows] == [
        ("КИ21-16/2Б", 4, 1),
        ("КИ22-01Б", 1, 0),
    ]
    assert [r.name for r in (await groups.list_groups("22", actor=world.site_admin)).rows] == [
        "КИ22-01Б"
    ]
    with pytest.raises(ForbiddenError):
        await groups.list_groups("", actor=world.admin)


async def test_renaming_a_group_is_audited_and_refuses_a_taken_name(rt: Runtime) -> None:
    world = await factories.make_world(rt)
    [group] = (await groups.list_groups("16/2", actor=world.site_admin)).rows

    renamed = await groups.rename_group(group.id, " КИ21-16/3Б ", actor=world.site_admin)

    assert renamed.name == "КИ21-16/3Б"
    with pytest.raises(ConflictError):
        await groups.rename_group(group.id, "КИ22-01Б", actor=world.site_admin)
    with pytest.raises(InvalidError):
        await groups.rename_group(group.id, "  ", actor=world.site_admin)
    with pytest.raises(ForbiddenError):
        await groups.rename_group(group.id, "X", actor=world.admin)
    assert await audit_actions(rt) == ["group.rename"]


async def test_deleting_a_group_counts_and_removes_its_workspaces_and_keeps_its_users(
    rt: Runtime,
) -> None:
    world = await factories.make_world(rt)
    await subjects.create_subject(world.workspace_id, actor=world.admin, name="ОС")
    await subjects.create_subject(world.workspace_id, actor=world.admin, name="Сети")
    [group] = (await groups.list_groups("16/2", actor=world.site_admin)).rows
    heard: list[object] = []
    rt.bus.subscribe(WorkspaceChanged, heard.append)
    rt.bus.subscribe(GroupsChanged, heard.append)

    impact = await groups.group_impact(group.id, actor=world.site_admin)
    deleted = await groups.delete_group(group.id, actor=world.site_admin)

    assert impact == deleted == GroupImpact("КИ21-16/2Б", 4, 1, 4, 2, 2)
    assert heard == [GroupsChanged(group.id), WorkspaceChanged(world.workspace_id)]
    async with rt.db.read_session() as session:
        assert await session.scalar(select(func.count(Workspace.id))) == 0
        assert await session.scalar(select(func.count(User.id))) == 7
        member = await session.get(User, world.member.id)
        assert member is not None and member.group_id is None
    assert (await audit_actions(rt))[-1] == "group.delete"
    with pytest.raises(NotFoundError):
        await groups.delete_group(group.id, actor=world.site_admin)


async def test_the_audit_log_keeps_no_password_from_an_import_address(rt: Runtime) -> None:
    root = await factories.make_user(rt, "root", site_admin=True)

    await group_import.import_groups(
        ["А-1"], actor=root, source="https://bot:s3cret@edu.example:8443/api/groups"
    )

    async with rt.db.read_session() as session:
        target = await session.scalar(select(AuditLog.target))
    assert target == "https://edu.example:8443/api/groups"

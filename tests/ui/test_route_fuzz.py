"""No address answers with a server error, whatever its path and query hold (issue 13, 10-11).

Every GET route the app registers (read from the app, so a new page is walked from the day it
is added) is requested with hostile path values — ids beyond every integer range, negative,
not numbers, NUL, dot-dot, invalid UTF-8, bidi overrides — and hostile query values, by an
anonymous visitor and by a signed-in site admin, on SQLite and on PostgreSQL (where an id
beyond int4 was a 500). A page of something that does not exist answers 404 with the usual
refusal card; an address that names no page (`/queues/abc`) answers NiceGUI's 404 page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from fastapi.routing import APIRoute
from nicegui import ElementFilter, core
from nicegui.client import Client
from nicegui.testing.user import User

from equeue_ui.services import accounts
from tests import databases
from tests.ui.helpers import sign_in

PASSWORD = "long-enough-password-1"

# Already percent-encoded where they are not plain text.
PATH_VALUES = [
    "9223372036854775808",  # beyond 64 bits: SQLite
    "99999999999999999999",
    "2147483648",  # beyond int4: PostgreSQL
    "-2147483649",
    "-1",
    "0",
    "abc",
    "%00",
    "..%2F..%2Fadmin",
    "%ED%A0%80",  # a UTF-8-encoded surrogate: not valid UTF-8
    "%E2%80%AE%F0%9F%98%80",  # a bidi override and an emoji
]
QUERY_VALUES = ["%00", "9223372036854775808", "%ED%A0%80%FF", "%3Cscript%3E%22'", "-1"]
PARAM = re.compile(r"{([^}:]+)(:[^}]*)?}")


@pytest.fixture(params=["sqlite", "postgres"])
def ui_env(
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    sqlite_template: Path,
) -> Iterator[str]:
    """The app of tests/ui/conftest.py, on each database (this module's `user` uses it)."""
    if request.param == "sqlite":
        url = databases.copy_sqlite(sqlite_template, tmp_path)
        name = None
    else:
        name = databases.create_pg_database(template=request.getfixturevalue("pg_template"))
        url = databases.pg_url(name)
    monkeypatch.setenv("EQUEUE_DATABASE_URL", url)
    monkeypatch.setenv("EQUEUE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("EQUEUE_ENVIRONMENT", "test")
    monkeypatch.setenv("EQUEUE_SECRET", "ui-test-secret-" + "y" * 32)
    monkeypatch.setenv("EQUEUE_DEFAULT_LANGUAGE", "en")
    yield url
    if name is not None:
        databases.drop_pg_database(name)


@pytest.fixture
async def visitors(
    user: User, another_user: Callable[[], User], quick_passwords: None
) -> dict[str, httpx.AsyncClient]:
    """An anonymous browser and one signed in as a site admin (who may open every page)."""
    await accounts.create_admin("fuzz-admin", PASSWORD)
    await sign_in(user, "fuzz-admin", PASSWORD)
    return {"anonymous": another_user().http_client, "site admin": user.http_client}


def get_routes() -> list[APIRoute]:
    return [
        route
        for route in core.app.routes
        if isinstance(route, APIRoute)
        and "GET" in (route.methods or ())
        and not route.path.startswith("/_nicegui")
    ]


def hostile_urls() -> Iterator[str]:
    for route in get_routes():
        path_params = PARAM.findall(route.path)
        if path_params:
            for value in PATH_VALUES:
                yield PARAM.sub(value, route.path)
        query = [param.name for param in route.dependant.query_params] or ["q"]
        base = PARAM.sub("1", route.path)
        for value in QUERY_VALUES:
            yield base + "?" + "&".join(f"{quote(name)}={value}" for name in query)


async def test_no_address_answers_with_a_server_error(
    visitors: dict[str, httpx.AsyncClient],
) -> None:
    urls = list(hostile_urls())
    assert len(urls) > 100, urls  # the routes were found
    failures = []
    for who, client in visitors.items():
        for url in urls:
            response = await client.get(url)
            if response.status_code >= 500:
                failures.append(f"{who}: GET {url} -> {response.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(
    "path",
    [
        "/queues/9223372036854775808",
        "/subjects/99999999999999999999",
        "/workspaces/2147483648",
        "/queues/2147483648/console",
        "/workspaces/-1/settings",
        "/subjects/0/stats",
    ],
)
async def test_a_page_of_an_id_that_cannot_exist_is_a_404_with_the_refusal(
    visitors: dict[str, httpx.AsyncClient], path: str
) -> None:
    response = await visitors["site admin"].get(path)
    assert response.status_code == 404
    assert response.headers.get("X-Nicegui-Content") == "page"
    match = re.search(r"'client_id': '([0-9a-f-]+)'", response.text)
    assert match is not None
    with Client.instances[match.group(1)]:
        assert list(ElementFilter(marker="refusal", local_scope=False))


@pytest.mark.parametrize("path", ["/queues/abc", "/subjects/1.5/settings", "/q/%00"])
async def test_an_id_that_is_no_number_is_a_404_page(
    visitors: dict[str, httpx.AsyncClient], path: str
) -> None:
    for client in visitors.values():
        response = await client.get(path)
        assert response.status_code == 404
        assert response.headers.get("X-Nicegui-Content") == "page"

"""The NiceGUI `user` fixture over a fresh SQLite copy of the migrated schema."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Callable
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import httpx
import pytest
from nicegui import Client, core
from nicegui.testing.user import User
from nicegui.testing.user_simulation import user_simulation

from tests import databases

MAIN_FILE = Path(__file__).with_name("main_app.py")


@pytest.fixture
def ui_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, sqlite_template: Path) -> str:
    url = databases.copy_sqlite(sqlite_template, tmp_path)
    monkeypatch.setenv("EQUEUE_DATABASE_URL", url)
    monkeypatch.setenv("EQUEUE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("EQUEUE_ENVIRONMENT", "test")
    monkeypatch.setenv("EQUEUE_SECRET", "ui-test-secret-" + "y" * 32)
    monkeypatch.setenv("EQUEUE_DEFAULT_LANGUAGE", "en")
    return url


@pytest.fixture
async def user(ui_env: str, caplog: pytest.LogCaptureFixture) -> AsyncIterator[User]:
    """A simulated browser; the app's runtime is started, so tests may call services."""
    async with user_simulation(main_file=MAIN_FILE) as simulated:
        yield simulated
    # NiceGUI's reset runs a full garbage collection before and after every test, and a full
    # collection walks every object alive: what outlives a test (modules, caches, interned
    # schemas) grew each one until the UI tests ran five times slower in a full run than alone.
    # What is alive now, garbage collected just before, is frozen out of later collections.
    gc.freeze()
    errors = [r for r in caplog.get_records("call") if r.levelname == "ERROR"]
    if errors:
        pytest.fail(f"unexpected ERROR logs: {[r.getMessage() for r in errors]}", pytrace=False)


@pytest.fixture
def another_user(user: User) -> Callable[[], User]:
    """More simulated browsers on the same app (each with its own cookies)."""

    def make() -> User:
        return User(
            httpx.AsyncClient(transport=httpx.ASGITransport(core.app), base_url="http://test")
        )

    return make


# --- the demo world and quick password hashing -----------------------------------------------
# (appended: the fixtures above are unchanged)

from tests.ui import helpers  # noqa: E402


@pytest.fixture(scope="session")
def demo_template(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> helpers.DemoTemplate:
    """`equeue_ui.demo.seed()` run once per test session into a database file of its own."""
    return helpers.build_demo_template(sqlite_template, tmp_path_factory.mktemp("demo"))


@pytest.fixture
async def demo(user: User, ui_env: str, demo_template: helpers.DemoTemplate) -> helpers.DemoWorld:
    """The running app's database replaced by the seeded demo world; returns its ids."""
    await helpers.load_database(ui_env, demo_template.path)
    return demo_template.world


@pytest.fixture
def quick_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap argon2 parameters for accounts made during a test (hashing is not under test)."""
    monkeypatch.setattr(helpers.accounts, "_hasher", helpers.QUICK_HASHER)


# --- pages of missing things answer 404 ------------------------------------------------------
# (appended: the fixtures above are unchanged)


_OPENING: ContextVar[bool] = ContextVar("opening", default=False)


@pytest.fixture(autouse=True)
def refusal_pages_open(monkeypatch: pytest.MonkeyPatch) -> None:
    """A page of something that does not exist answers 404 with its refusal card
    (components/notices.py), and a real browser shows it like any page. NiceGUI's simulated
    browser insists on 200 when it opens a page (and on reloads): here it shows such a page
    too. Requests made with `user.http_client` directly still see the real status."""
    original_open = User.open

    async def open_page(self: User, path: str, *, clear_forward_history: bool = True) -> Client:
        _show_refusal_pages(self.http_client)
        opening = _OPENING.set(True)  # only for this open (and its task), not other requests
        try:
            return await original_open(self, path, clear_forward_history=clear_forward_history)
        finally:
            _OPENING.reset(opening)

    monkeypatch.setattr(User, "open", open_page)


def _show_refusal_pages(client: httpx.AsyncClient) -> None:
    """Wrap the client's GET while `open` runs: a refusal page's 404 reads as 200, and the last
    response (the end of the redirects) is kept as ``client.opened``."""
    if getattr(client, "shows_refusal_pages", False):
        return
    plain_get = client.get

    async def get(url: str, **kwargs: Any) -> httpx.Response:
        response = await plain_get(url, **kwargs)
        if not _OPENING.get():
            return response
        client.opened = response  # type: ignore[attr-defined]  # for plain_pages_open
        if response.status_code == 404 and response.headers.get("X-Nicegui-Content") == "page":
            response.status_code = 200
        return response

    client.get = get  # type: ignore[method-assign,assignment]
    client.shows_refusal_pages = True  # type: ignore[attr-defined]


# --- the plain sign-in page opens like any page ----------------------------------------------
# (appended: the fixtures above are unchanged)


@pytest.fixture(autouse=True)
def plain_pages_open(monkeypatch: pytest.MonkeyPatch, refusal_pages_open: None) -> None:
    """The sign-in page is plain HTML (components/sign_in_page.py), not a NiceGUI page, and a
    browser shows it whatever took it there: a link, a redirect, or a page's own
    `ui.navigate.to`. NiceGUI's simulated browser opens only NiceGUI pages (and raises on
    others, in the navigation's background task too): here it shows a plain HTML page as a
    browser does. It leaves the NiceGUI page it was on (`user.client` is None) and keeps the
    response, which `helpers.shown_page(user)` gives."""
    nicegui_open = User.open  # with refusal pages shown and what it got kept (refusal_pages_open)

    async def open_page(
        self: User, path: str, *, clear_forward_history: bool = True
    ) -> Client | None:
        self.http_client.opened = None  # type: ignore[attr-defined]
        helpers.show_page(self, None)
        try:
            return await nicegui_open(self, path, clear_forward_history=clear_forward_history)
        except ValueError:  # "Expected a page response"
            opened: httpx.Response | None = getattr(self.http_client, "opened", None)
            if opened is None or "text/html" not in opened.headers.get("content-type", ""):
                raise
        self.client = None
        helpers.show_page(self, opened)
        self.back_history.append(path)
        if clear_forward_history:
            self.forward_history.clear()
        return None

    monkeypatch.setattr(User, "open", open_page)

"""An open page keeps a detached copy of its request: what it reads, without the exchange."""

from __future__ import annotations

import gc
from typing import Any

import pytest
from nicegui import Client, app
from nicegui.app.app import prune_tab_storage
from nicegui.testing.user import User
from starlette.requests import Request
from starlette.types import Message

from components import session
from equeue_ui.services import queues
from equeue_ui.tuning import open_page_memory
from equeue_ui.tuning.open_page_memory import DETACHED, detached
from tests.ui.helpers import (
    DemoWorld,
    account,
    entry_names,
    eventually,
    queue_snapshot_when,
    sign_in,
)

HEAVY_KEYS = ("fastapi_astack", "app", "router", "endpoint", "state")


async def _receive() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


def _loaded_page_request() -> Request:
    """A request as it reaches a page: the parts a page reads, and what carried it."""
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "https",
        "server": ("equeue.example", 443),
        "client": ("1.2.3.4", 5),
        "root_path": "",
        "path": "/queues/5",
        "raw_path": b"/queues/5",
        "query_string": b"x=1",
        "headers": [
            (b"host", b"equeue.example"),
            (b"cookie", b"equeue_session=signed.token; equeue_language=ru"),
            (b"accept-language", b"ru,en;q=0.8"),
        ],
        "path_params": {"queue_id": 5},
        "fastapi_astack": object(),
        "app": object(),
        "router": object(),
        "endpoint": object(),
        "state": {"big": bytearray(10_000)},
    }
    return Request(scope, _receive)


# --- the detached copy ---------------------------------------------------------------------------


def test_a_detached_request_reads_the_same_url_cookies_headers_client_and_path_params() -> None:
    request = _loaded_page_request()
    copy = detached(request)
    assert copy.url == request.url
    assert str(copy.url) == "https://equeue.example/queues/5?x=1"
    assert (
        copy.cookies
        == request.cookies
        == {"equeue_session": "signed.token", "equeue_language": "ru"}
    )
    assert copy.headers == request.headers
    assert copy.client is not None and copy.client.host == "1.2.3.4"
    assert copy.path_params == {"queue_id": 5}
    assert copy.query_params["x"] == "1"
    assert copy.method == "GET"


def test_a_detached_request_keeps_nothing_of_the_exchange_that_carried_it() -> None:
    request = _loaded_page_request()
    copy = detached(request)
    assert not set(HEAVY_KEYS) & set(copy.scope), sorted(set(HEAVY_KEYS) & set(copy.scope))
    assert copy.receive is not request.receive
    assert copy.scope[DETACHED] is True
    assert DETACHED not in request.scope  # the original is not changed


# --- on an open page -----------------------------------------------------------------------------


async def _open_queue_page(user: User, demo: DemoWorld) -> str:
    path = f"/queues/{demo.open_subject.queue_id}"
    await sign_in(user, "student5", path=path)
    await user.should_see(marker="queue-view")
    return path


async def test_an_open_page_keeps_only_a_detached_copy_of_its_request(
    user: User, demo: DemoWorld
) -> None:
    path = await _open_queue_page(user, demo)
    assert user.client is not None
    # The simulation's `User.open` runs NiceGUI's handshake, which calls the app's connect
    # handlers, so nothing here calls `trim`: the app's own installation did it.
    request = user.client.request
    assert DETACHED in request.scope
    assert not set(HEAVY_KEYS) & set(request.scope), sorted(set(HEAVY_KEYS) & set(request.scope))
    assert request.url.path == path


@pytest.mark.parametrize(
    ("username", "path"),
    [
        ("student5", "/queues/{queue_id}"),
        ("student5", "/subjects/{subject_id}"),
        ("student5", "/"),
        ("teacher", "/queues/{queue_id}/console"),
        ("teacher", "/queues/{queue_id}/board"),
    ],
)
async def test_nothing_on_an_open_page_holds_on_to_the_request_that_loaded_it(
    user: User, demo: DemoWorld, username: str, path: str
) -> None:
    """The frame kept the whole request in a closure (to tell whether "log out everywhere"
    ends this page's session), and with it the finished HTTP exchange, its middlewares' send
    wrappers and uvicorn's cycle: about 20 KB on every open page (tests/bench/README.md,
    session 11)."""
    subject = demo.open_subject
    path = path.format(queue_id=subject.queue_id, subject_id=subject.id)
    if path.endswith("/board"):  # no header there
        await sign_in(user, username)
        await user.open(path)
        await user.should_see(marker="board")
    else:
        await sign_in(user, username, path=path)
        await user.should_see(marker="user-menu")
    # The page's connection work (joining the queue's room) may still be under way for a moment,
    # in the handshake's context, which holds the request until that is done.
    await eventually(lambda: _full_requests_held(path) == 0, what="the request let go")


def _full_requests_held(path: str) -> int:
    """Full (not detached) requests of ``path`` alive other than a page's own: a page that never
    connected keeps its full request until NiceGUI lets it go (trimming comes with the
    connection)."""
    gc.collect()
    gc.unfreeze()  # the GC policy freezes survivors, and get_objects leaves frozen ones out
    kept_by_pages = [client._request for client in Client.instances.values()]
    return sum(
        1
        for o in gc.get_objects()
        if isinstance(o, Request)
        and DETACHED not in o.scope
        and o.scope.get("path") == path
        and not any(o is request for request in kept_by_pages)
    )


async def test_the_detached_request_still_tells_who_is_signed_in(
    user: User, demo: DemoWorld
) -> None:
    await _open_queue_page(user, demo)
    assert user.client is not None
    assert DETACHED in user.client.request.scope
    with user:  # the language is kept in the client's storage
        found = await session.current_user(user.client.request)
    assert found is not None and found.id == demo.users["student5"]


async def test_trimming_twice_keeps_the_same_request_and_drops_the_engineio_body_reader(
    user: User, demo: DemoWorld
) -> None:
    await _open_queue_page(user, demo)
    client = user.client
    assert client is not None and client.environ is not None
    request = client.request
    # The simulation has no engine.io environ of its own; give it the reader a socket would have.
    client.environ["wsgi.input"] = object()

    open_page_memory.trim(client)
    open_page_memory.trim(client)

    assert client.request is request
    assert "wsgi.input" not in client.environ


def test_if_trimming_fails_the_page_keeps_what_nicegui_gave_it_and_it_is_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    class ChangedClient:
        """A NiceGUI client whose request is no longer where the patch looks for it."""

        environ = None

        @property
        def _request(self) -> Request:
            raise AttributeError("'Client' object has no attribute '_request'")

    open_page_memory.fallback.reset()
    client: Any = ChangedClient()

    open_page_memory.trim(client)  # a connect handler: an exception here would be NiceGUI's ERROR
    open_page_memory.trim(client)

    assert open_page_memory.fallback.count == 2
    assert [r.levelname for r in caplog.records] == ["WARNING"]
    open_page_memory.fallback.reset()


async def test_a_tabs_storage_is_let_go_after_a_minute_and_the_page_goes_on(
    user: User, demo: DemoWorld
) -> None:
    """NiceGUI makes a storage for every browser tab that opens a page and keeps it 30 days in
    memory; eQueue keeps nothing there, so it goes after a minute, the page still open."""
    await _open_queue_page(user, demo)
    assert user.client is not None
    tabs = app.storage._tabs
    assert user.client.tab_id in tabs
    assert app.storage.max_tab_storage_age <= 60

    tabs[user.client.tab_id].last_modified -= app.storage.max_tab_storage_age + 1
    await prune_tab_storage()  # NiceGUI's own, every 10 s

    assert user.client.tab_id not in tabs
    await queues.join_queue(demo.open_subject.queue_id, actor=await account("student9"))
    await queue_snapshot_when(
        user, lambda s: "Иван Волков" in entry_names(s), what="the change on the open page"
    )

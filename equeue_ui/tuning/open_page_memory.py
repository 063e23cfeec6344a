"""What an open page keeps once its socket is up: only what it may still read.

Thousands of queue pages stay open for hours, so whatever each one holds on to counts
(tests/bench measures it per viewer). Two things NiceGUI and engine.io keep by default are
dead weight after the connection:

- the Starlette ``Request`` that loaded the page. It holds the ASGI ``receive`` and ``send`` of
  the finished HTTP exchange, and through them uvicorn's connection objects, FastAPI's exit
  stacks and every middleware's frames: about 17 KB per page. The page only reads its URL,
  headers (cookies), client address and path parameters, so it keeps a detached copy of those;
- engine.io's reader for the handshake's request body, whose class engine.io creates anew
  for every connection (about 3 KB each) and never reads again on a WebSocket.

If trimming fails, the page keeps what NiceGUI gave it.
"""

from __future__ import annotations

from nicegui import Client, app, storage
from starlette.requests import Request

from equeue_ui.tuning.patch import Fallback, Patch

KEPT_SCOPE_KEYS = (
    "type",
    "asgi",
    "http_version",
    "method",
    "scheme",
    "server",
    "client",
    "root_path",
    "path",
    "raw_path",
    "query_string",
    "headers",
    "path_params",
    "nicegui_page_path",
)
DETACHED = "equeue_detached"
fallback = Fallback("open_page_memory")


def detached(request: Request) -> Request:
    """The same request for reading, without the exchange that carried it."""
    scope = request.scope
    kept = {key: scope[key] for key in KEPT_SCOPE_KEYS if key in scope}
    return Request({**kept, DETACHED: True})


def trim(client: Client) -> None:
    try:
        request = client._request  # NiceGUI offers no setter
        if request is not None and DETACHED not in request.scope:
            client._request = detached(request)
            # NiceGUI put the full request into the handshake's context just before calling this.
            storage.request_contextvar.set(client._request)
        if client.environ is not None:
            client.environ.pop("wsgi.input", None)
    except Exception as error:
        fallback.note(error)


def install() -> None:
    """Checked on the handler list itself: NiceGUI's test harness resets the app's handlers
    between tests."""
    if trim not in app._connect_handlers:
        app.on_connect(trim)


def uninstall() -> None:
    while trim in app._connect_handlers:
        app._connect_handlers.remove(trim)


def installed() -> bool:
    return trim in app._connect_handlers


PATCH = Patch(
    name="open_page_memory",
    speeds_up="memory of every open page: about 20 KB less (tests/bench/README.md)",
    verified={"nicegui": "3.18.0", "python-engineio": "4.15.1"},
    relies_on=(
        "nicegui.Client._request (the page's request, kept for the page's life)",
        "nicegui.storage.request_contextvar (set from it in the handshake)",
        "nicegui.app._connect_handlers (the app-wide connect handlers, called after that)",
        "Client.environ['wsgi.input'] (engine.io's body reader of the handshake)",
    ),
    install=install,
    uninstall=uninstall,
    installed=installed,
)

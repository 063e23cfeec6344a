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
"""

from __future__ import annotations

from nicegui import Client, app, storage
from starlette.requests import Request

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


def detached(request: Request) -> Request:
    """The same request for reading, without the exchange that carried it."""
    scope = request.scope
    kept = {key: scope[key] for key in KEPT_SCOPE_KEYS if key in scope}
    return Request({**kept, DETACHED: True})


def _trim(client: Client) -> None:
    request = client._request  # NiceGUI offers no setter
    if request is not None and DETACHED not in request.scope:
        client._request = detached(request)
        # NiceGUI put the full request into the handshake's context just before calling this.
        storage.request_contextvar.set(client._request)
    if client.environ is not None:
        client.environ.pop("wsgi.input", None)


def install() -> None:
    """Once per app; a later call does nothing. (Checked on the handler list itself: NiceGUI's
    test harness resets the app's handlers between tests.)"""
    if _trim not in app._connect_handlers:
        app.on_connect(_trim)

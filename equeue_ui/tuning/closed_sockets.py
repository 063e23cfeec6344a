"""A closed page's socket is freed at once instead of by the collector's walk of everything.

When a browser goes away, engine.io's ASGI ``WebSocket.wait`` raises ``OSError``. The socket's
handler waits for it through a task and ``asyncio.wait_for``, so the error comes back with a
traceback through the handler's own frame, which holds that task, which holds the error: a
cycle, and through the frame the socket, its queue and uvicorn's whole connection (about a
hundred objects a closed page). Only a full collection frees it, and open pages are kept out
of those (equeue_ui/gc_policy.py), so it would stay.

The handler already ends quietly when ``wait`` returns ``None`` ("connection closed by
client"). Here ``wait`` returns ``None`` for a closed connection once the socket is in that
loop (connected and not upgrading); anywhere else it raises ``OSError`` as engine.io does.

If reading the socket's state fails, engine.io's own ``wait`` answers.
"""

from __future__ import annotations

from typing import Any

from engineio.async_drivers.asgi import WebSocket

from equeue_ui.tuning.patch import Fallback, Patch

_original_wait = WebSocket.wait
fallback = Fallback("closed_sockets")


async def wait(self: WebSocket) -> Any:
    event = await self.asgi_receive()
    if event["type"] != "websocket.receive":
        if _in_its_loop(self):
            return None
        raise OSError()
    if event.get("bytes", None) is not None:
        return event["bytes"]
    if event.get("text", None) is not None:
        return event["text"]
    raise OSError()


def _in_its_loop(ws: WebSocket) -> bool:
    """Whether engine.io's handler of this connection is in its receiving loop, where ``None``
    means the browser has closed it (not in the upgrade from long-polling before it)."""
    try:
        socket = ws.handler.__self__
        return bool(socket.connected and socket.upgraded and not socket.upgrading)
    except Exception as error:
        fallback.note(error)
        return False


def install() -> None:
    WebSocket.wait = wait  # type: ignore[method-assign]


def uninstall() -> None:
    WebSocket.wait = _original_wait  # type: ignore[method-assign]


def installed() -> bool:
    return WebSocket.wait is wait  # type: ignore[comparison-overlap]


PATCH = Patch(
    name="closed_sockets",
    speeds_up="every page that closes: its socket and connection are freed at once, not "
    "left in a cycle through an exception's traceback for the collector's walk of everything",
    verified={"python-engineio": "4.15.1"},
    relies_on=(
        "engineio.async_drivers.asgi.WebSocket.wait (its body, copied: an event other than "
        "websocket.receive raises OSError) and .handler being the AsyncSocket's bound "
        "_websocket_handler",
        "AsyncSocket._websocket_handler ending its loop on None from websocket_wait; "
        "AsyncSocket.connected, upgraded and upgrading",
    ),
    install=install,
    uninstall=uninstall,
    installed=installed,
)

"""NiceGUI's WebSocket connections skip the HTTP middleware stack.

Every open page holds one WebSocket for hours. Through FastAPI's stack each one keeps a dozen
middleware frames, exit stacks and anyio streams alive (about 15 KB and a few hundred
microseconds of CPU per connection, measured with tests/bench). None of those middlewares
acts on a WebSocket: GZip and NiceGUI's BaseHTTPMiddlewares pass them through untouched, and
uvicorn's proxy-header handling sits outside the app. So the upgrade goes straight to the
socket.io app, exactly as the Mount at ``/_nicegui_ws/`` would call it. eQueue's own
middlewares (the start-up gate among them) stay outside this shortcut (tuning/stack.py).

It also hands uvicorn's own ``send`` to engine.io, which frame_fanout needs to find the
connection. If the socket.io app fails before it has read anything of the connection, the
connection goes through the whole stack instead.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from equeue_ui.tuning import stack
from equeue_ui.tuning.patch import Fallback, Patch

SOCKET_MOUNT = "/_nicegui_ws"
fallback = Fallback("socket_shortcut")


class SocketShortcut:
    """Sends NiceGUI's WebSocket upgrades to ``socket_app``; everything else to ``app``."""

    def __init__(self, app: ASGIApp, *, socket_app: ASGIApp) -> None:
        self.app = app
        self.socket_app = socket_app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket" or not scope["path"].startswith(SOCKET_MOUNT + "/"):
            await self.app(scope, receive, send)
            return
        # What Starlette's Mount passes on: the mount point moves into root_path.
        mounted = dict(scope, root_path=scope.get("root_path", "") + SOCKET_MOUNT)
        started = False

        async def receive_once_started() -> Message:
            nonlocal started
            started = True
            return await receive()

        try:
            # Only receive is wrapped: send must stay uvicorn's own (frame_fanout).
            await self.socket_app(mounted, receive_once_started, send)
        except Exception as error:
            if started:
                raise  # the connection is under way: the stack cannot take it over any more
            fallback.note(error)
            await self.app(scope, receive, send)


def install() -> None:
    from nicegui.nicegui import sio_app  # the socket.io ASGI app NiceGUI mounts

    stack.add_layer(PATCH.name, lambda built: SocketShortcut(built, socket_app=sio_app))


def uninstall() -> None:
    stack.remove(PATCH.name)


def installed() -> bool:
    return stack.has(PATCH.name)


PATCH = Patch(
    name="socket_shortcut",
    speeds_up="every open page's WebSocket: about 15 KB and a few hundred microseconds less",
    verified={"nicegui": "3.18.0", "starlette": "1.10.0", "python-socketio": "5.18.1"},
    relies_on=(
        "nicegui.nicegui.sio_app (the socket.io ASGI app NiceGUI mounts at /_nicegui_ws/)",
        "starlette.routing.Mount's scope for a mounted app (root_path + the mount point)",
    ),
    install=install,
    uninstall=uninstall,
    installed=installed,
    needs=("stack",),
)

"""NiceGUI's WebSocket connections skip the HTTP middleware stack.

Every open page holds one WebSocket for hours. Through FastAPI's stack each one keeps a dozen
middleware frames, exit stacks and anyio streams alive (about 15 KB and a few hundred
microseconds of CPU per connection, measured with tests/bench). None of those middlewares
acts on a WebSocket: GZip and NiceGUI's BaseHTTPMiddlewares pass them through untouched, and
uvicorn's proxy-header handling sits outside the app. So the upgrade goes straight to the
socket.io app, exactly as the Mount at ``/_nicegui_ws/`` would call it.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from equeue_ui.stack_build import Build, around_build

SOCKET_MOUNT = "/_nicegui_ws"


def install() -> None:
    """Wrap the app's middleware stack once; later calls do nothing."""
    from nicegui.nicegui import sio_app  # the socket.io ASGI app NiceGUI mounts

    def build_with_shortcut(build_stack: Build) -> ASGIApp:
        stack = build_stack()

        async def route(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == "websocket" and scope["path"].startswith(SOCKET_MOUNT + "/"):
                # What Starlette's Mount passes on: the mount point moves into root_path.
                mounted = dict(scope, root_path=scope.get("root_path", "") + SOCKET_MOUNT)
                await sio_app(mounted, receive, send)
                return
            await stack(scope, receive, send)

        return route

    around_build("socket_shortcut", build_with_shortcut)

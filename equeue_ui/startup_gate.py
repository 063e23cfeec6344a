"""Requests that arrive while the app is still starting wait for it instead of failing.

NiceGUI runs async start-up handlers as background tasks, so uvicorn already accepts
connections while the migrations run and the runtime is built. After a restart every open page
reloads at once (tests/bench ``RESTART=1``), and the first reloads got HTTP 500 ("runtime is not
started"). Now a request waits until the app is ready; if start-up takes longer than
:data:`STARTUP_WAIT_S`, it is told to come back (503 with ``Retry-After``) rather than failing.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from equeue_ui import runtime
from equeue_ui.i18n import LANGUAGES, msg

STARTUP_WAIT_S = 30.0
POLL_S = 0.05
RETRY_AFTER_S = 5
STARTING = msg("eQueue is starting. Try again in a moment.")


class StartupGate:
    """Holds HTTP requests and WebSocket connections until ``ready()`` is true."""

    def __init__(
        self, app: ASGIApp, *, ready: Callable[[], bool], wait_s: float = STARTUP_WAIT_S
    ) -> None:
        self.app = app
        self.ready = ready
        self.wait_s = wait_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan" and not self.ready() and not await self._wait():
            await self._refuse(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _wait(self) -> bool:
        deadline = time.monotonic() + self.wait_s
        while not self.ready():
            if time.monotonic() >= deadline:
                return False
            await asyncio.sleep(POLL_S)
        return True

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1013})  # "try again later"
            return
        # Before start-up nobody's language is known: both, the default first.
        text = "\n".join(STARTING.render(code) for code in LANGUAGES)
        response = PlainTextResponse(
            text, status_code=503, headers={"Retry-After": str(RETRY_AFTER_S)}
        )
        await response(scope, receive, send)


def middleware() -> Middleware:
    """The gate for the app's stack (app.py puts it outside everything that needs the runtime)."""
    return Middleware(StartupGate, ready=runtime.ready)

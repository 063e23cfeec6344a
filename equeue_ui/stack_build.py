"""Changing how NiceGUI's ASGI stack is built, once per app.

Starlette builds the middleware stack on the first request, after ``ui.run`` has added
NiceGUI's middlewares, so eQueue's changes to the stack hook into that build.
"""

from __future__ import annotations

from collections.abc import Callable

from nicegui import app
from starlette.types import ASGIApp

Build = Callable[[], ASGIApp]


def around_build(name: str, build: Callable[[Build], ASGIApp]) -> None:
    """From now on the stack is ``build(previous_build)``; a second call with ``name`` does
    nothing. The last one installed is the outermost."""
    flag = f"_equeue_stack_{name}"
    if getattr(app, flag, False):
        return
    previous = app.build_middleware_stack
    app.build_middleware_stack = lambda: build(previous)  # type: ignore[method-assign]
    setattr(app, flag, True)

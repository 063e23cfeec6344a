"""NiceGUI's WebSocket upgrades go straight to the socket.io app, as its Mount would call it;
anything else, and a socket.io app that fails before reading the connection, takes the stack."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from starlette.types import Message, Receive, Scope, Send

from equeue_ui.tuning import socket_shortcut
from equeue_ui.tuning.socket_shortcut import SocketShortcut


class Recorder:
    def __init__(self, *, fails: BaseException | None = None, reads: bool = False) -> None:
        self.scopes: list[Scope] = []
        self.sends: list[Send] = []
        self.fails = fails
        self.reads = reads

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.scopes.append(scope)
        self.sends.append(send)
        if self.reads:
            await receive()
        if self.fails is not None:
            raise self.fails


async def receive() -> Message:
    return {"type": "websocket.connect"}


async def send(message: Message) -> None:
    pass


SOCKET = {"type": "websocket", "path": "/_nicegui_ws/socket.io/", "root_path": ""}


@pytest.fixture(autouse=True)
def fresh_fallback() -> Iterator[None]:
    socket_shortcut.fallback.reset()
    yield
    socket_shortcut.fallback.reset()


async def test_a_nicegui_websocket_goes_to_the_socket_app_with_uvicorn_own_send() -> None:
    stack, sockets = Recorder(), Recorder()

    await SocketShortcut(stack, socket_app=sockets)(SOCKET, receive, send)

    assert stack.scopes == []
    assert sockets.scopes == [{**SOCKET, "root_path": "/_nicegui_ws"}]  # as Starlette's Mount
    assert sockets.sends == [send]  # not wrapped: frame_fanout finds uvicorn's protocol by it


@pytest.mark.parametrize(
    "scope",
    [
        {"type": "http", "path": "/_nicegui_ws/socket.io/"},
        {"type": "websocket", "path": "/elsewhere"},
        {"type": "lifespan"},
    ],
    ids=["http", "other-websocket", "lifespan"],
)
async def test_everything_else_goes_through_the_stack(scope: Scope) -> None:
    stack, sockets = Recorder(), Recorder()

    await SocketShortcut(stack, socket_app=sockets)(scope, receive, send)

    assert (stack.scopes, sockets.scopes) == ([scope], [])


async def test_a_socket_app_failing_before_it_read_anything_hands_over_to_the_stack(
    caplog: pytest.LogCaptureFixture,
) -> None:
    stack, sockets = Recorder(), Recorder(fails=AttributeError("sio_app changed"))
    shortcut = SocketShortcut(stack, socket_app=sockets)

    await shortcut(SOCKET, receive, send)
    await shortcut(SOCKET, receive, send)

    assert stack.scopes == [SOCKET, SOCKET]  # the whole stack, with the scope as it came
    assert socket_shortcut.fallback.count == 2
    assert [r.levelno for r in caplog.records] == [logging.WARNING]


async def test_a_socket_app_failing_once_the_connection_is_under_way_is_not_retried() -> None:
    stack, sockets = Recorder(), Recorder(fails=RuntimeError("lost"), reads=True)

    with pytest.raises(RuntimeError, match="lost"):
        await SocketShortcut(stack, socket_app=sockets)(SOCKET, receive, send)

    assert stack.scopes == []
    assert socket_shortcut.fallback.count == 0

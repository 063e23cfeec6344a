"""Requests that come while the app is starting wait for it, or are told to come back."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from starlette.types import Message, Receive, Scope, Send

from equeue_ui import startup_gate
from equeue_ui.startup_gate import StartupGate


async def served(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"page"})


def client(gate: StartupGate) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=gate), base_url="http://t")


async def test_a_request_during_start_up_waits_and_is_then_served(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(startup_gate, "POLL_S", 0.01)
    state = {"ready": False}
    asked = asyncio.Event()

    def ready() -> bool:
        asked.set()
        return state["ready"]

    gate = StartupGate(served, ready=ready, wait_s=5)

    async def finish_start_up() -> None:
        await asked.wait()  # the request is at the gate, found the app not ready
        state["ready"] = True

    async with client(gate) as http:
        response, _ = await asyncio.gather(http.get("/queues/1"), finish_start_up())
    assert response.status_code == 200
    assert response.text == "page"


async def test_a_start_up_that_takes_too_long_answers_503_with_retry_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(startup_gate, "POLL_S", 0.01)
    gate = StartupGate(served, ready=lambda: False, wait_s=0.05)
    async with client(gate) as http:
        response = await http.get("/queues/1")
    assert response.status_code == 503
    assert response.headers["retry-after"] == str(startup_gate.RETRY_AFTER_S)
    assert "eQueue запускается" in response.text  # Russian first, the default
    assert "eQueue is starting" in response.text


async def test_a_websocket_during_a_too_long_start_up_is_closed_with_try_again_later() -> None:
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    async def receive() -> Message:
        return {"type": "websocket.connect"}

    gate = StartupGate(served, ready=lambda: False, wait_s=0.0)
    await gate({"type": "websocket", "path": "/_nicegui_ws/socket.io/"}, receive, send)
    assert sent == [{"type": "websocket.close", "code": 1013}]


async def test_lifespan_and_a_started_app_pass_straight_through() -> None:
    seen: list[str] = []

    async def inner(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope["type"])

    async def unused_receive() -> Message:
        raise AssertionError("nothing is read")

    async def unused_send(message: Message) -> None:
        raise AssertionError("nothing is sent")

    starting = StartupGate(inner, ready=lambda: False, wait_s=0.0)
    await starting({"type": "lifespan"}, unused_receive, unused_send)
    started = StartupGate(inner, ready=lambda: True, wait_s=0.0)
    await started({"type": "http"}, unused_receive, unused_send)
    assert seen == ["lifespan", "http"]

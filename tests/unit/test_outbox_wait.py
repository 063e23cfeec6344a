"""The outbox loop that waits without a timeout sends what NiceGUI's sends, and idles for free."""

from __future__ import annotations

import asyncio
import weakref
from collections import deque
from collections.abc import Iterator
from typing import Any

import pytest
from nicegui.outbox import Outbox

from equeue_ui.tuning import outbox_wait

IDLE_PAGES = 50


class FakeClient:
    def __init__(self, connected: bool = True) -> None:
        self.id = "client-1"
        self.has_socket_connection = connected


class FakeOutbox:
    """What the loop uses of an ``Outbox``: its queues, its event, and ``_emit``."""

    def __init__(self, client: FakeClient) -> None:
        self._client = client
        self.updates: weakref.WeakValueDictionary[int, Any] = weakref.WeakValueDictionary()
        self.messages: deque[tuple[str, str, Any]] = deque()
        self._loaded_components: set[str] = set()
        self._should_stop = False
        self._enqueue_event: asyncio.Event | None = None
        self.sent: list[tuple[str, str, Any]] = []

    @property
    def client(self) -> FakeClient:
        return self._client

    def enqueue_message(self, kind: str, data: Any) -> None:
        self.messages.append((self._client.id, kind, data))
        if self._enqueue_event:
            self._enqueue_event.set()

    def stop(self) -> None:
        self._should_stop = True
        if self._enqueue_event:
            self._enqueue_event.set()

    async def _emit(self, message: tuple[str, str, Any]) -> None:
        self.sent.append(message)


@pytest.fixture
def loops() -> Iterator[list[asyncio.Task[None]]]:
    started: list[asyncio.Task[None]] = []
    yield started
    for task in started:
        task.cancel()


def start(outbox: FakeOutbox, loops: list[asyncio.Task[None]]) -> asyncio.Task[None]:
    task = asyncio.create_task(outbox_wait.waiting_loop(outbox))  # type: ignore[arg-type]
    loops.append(task)
    return task


async def until(condition: Any, timeout: float = 2.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)


async def test_a_message_goes_out_and_the_idle_loop_holds_no_timer_task(
    loops: list[asyncio.Task[None]],
) -> None:
    outbox = FakeOutbox(FakeClient())
    start(outbox, loops)
    await asyncio.sleep(0.05)
    outbox.enqueue_message("run_javascript", {"code": "1"})
    await until(lambda: outbox.sent)
    assert outbox.sent == [("client-1", "run_javascript", {"code": "1"})]


async def test_idle_pages_wait_without_a_task_each(loops: list[asyncio.Task[None]]) -> None:
    """NiceGUI's own loop keeps a second task per idle page (``wait_for``'s), remade every
    second; this one only the loop itself."""
    outboxes = [FakeOutbox(FakeClient()) for _ in range(IDLE_PAGES)]
    for outbox in outboxes:
        start(outbox, loops)
    await asyncio.sleep(1.2)  # past NiceGUI's one-second wake
    others = asyncio.all_tasks() - set(loops) - {asyncio.current_task()}
    assert not others
    assert all(not outbox.sent for outbox in outboxes)


async def test_stop_ends_the_loop_at_once(loops: list[asyncio.Task[None]]) -> None:
    outbox = FakeOutbox(FakeClient())
    task = start(outbox, loops)
    await asyncio.sleep(0.05)
    outbox.stop()
    async with asyncio.timeout(0.5):  # NiceGUI's own could take up to its one-second wake
        await task


async def test_what_waits_for_the_socket_goes_out_once_it_is_there(
    loops: list[asyncio.Task[None]],
) -> None:
    client = FakeClient(connected=False)
    outbox = FakeOutbox(client)
    start(outbox, loops)
    outbox.enqueue_message("notify", {"message": "hi"})
    await asyncio.sleep(0.3)
    assert outbox.sent == []
    client.has_socket_connection = True
    await until(lambda: outbox.sent)
    assert [kind for _, kind, _ in outbox.sent] == ["notify"]


async def test_a_loop_that_fails_outside_nicegui_s_handling_runs_nicegui_s(
    monkeypatch: pytest.MonkeyPatch, loops: list[asyncio.Task[None]]
) -> None:
    ran: list[object] = []

    async def broken(_self: object) -> None:
        raise AttributeError("_enqueue_event")

    async def stock(self: object) -> None:
        ran.append(self)

    monkeypatch.setattr(outbox_wait, "_loop", broken)
    monkeypatch.setattr(outbox_wait, "_original", stock)
    monkeypatch.setattr(outbox_wait, "fallback", outbox_wait.Fallback("outbox_wait"))
    outbox = FakeOutbox(FakeClient())
    await start(outbox, loops)
    assert ran == [outbox]
    assert outbox_wait.fallback.count == 1


def test_install_and_uninstall_swap_nicegui_s_loop() -> None:
    original = Outbox.loop
    try:
        outbox_wait.install()
        assert outbox_wait.installed()
        assert Outbox.loop is outbox_wait.waiting_loop  # type: ignore[comparison-overlap]
        outbox_wait.uninstall()
        assert not outbox_wait.installed()
        assert Outbox.loop is outbox_wait._original
    finally:
        Outbox.loop = original  # type: ignore[method-assign]

"""eQueue's engine.io poll answers exactly as engine.io's own, without a task per packet."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest
from engineio import exceptions

from equeue_ui.tuning import engineio_poll
from equeue_ui.tuning.engineio_poll import ENGINEIO_POLL, poll

CASES: dict[str, list[Any]] = {
    "one packet": ["a"],
    "a batch": ["a", "b", "c"],
    "a batch, then the close": ["a", "b", None, "c"],
    "the close alone": [None],
    "nothing until the timeout": [],
}


def fake_socket(queued: list[Any]) -> Any:
    socket = SimpleNamespace(
        server=SimpleNamespace(ping_interval=0.02, ping_timeout=0.01), queue=asyncio.Queue()
    )
    for item in queued:
        socket.queue.put_nowait(item)
    return socket


async def outcome(poll_function: Any, queued: list[Any]) -> tuple[Any, list[Any]]:
    socket = fake_socket(queued)
    try:
        result: Any = await poll_function(socket)
    except exceptions.QueueEmpty:
        result = "QueueEmpty"
    left = []
    while not socket.queue.empty():
        left.append(socket.queue.get_nowait())
    return result, left


@pytest.mark.parametrize("queued", CASES.values(), ids=CASES.keys())
async def test_the_same_packets_and_the_same_leftovers_as_engineio(queued: list[Any]) -> None:
    assert await outcome(poll, queued) == await outcome(ENGINEIO_POLL, queued)


async def test_a_batch_is_sent_whole_and_the_close_is_queued_again_for_the_next_poll() -> None:
    assert await outcome(poll, ["a", "b", None, "c"]) == (["a", "b"], ["c", None])


class WatchedQueue(asyncio.Queue[Any]):
    """A queue that tells when someone waits for its next item."""

    def __init__(self) -> None:
        super().__init__()
        self.waited = asyncio.Event()

    async def get(self) -> Any:
        self.waited.set()
        return await super().get()


async def test_a_cancelled_wait_ends_the_writer_as_engineio_does() -> None:
    socket = fake_socket([])
    socket.server.ping_interval = 60
    socket.queue = WatchedQueue()
    waiting = asyncio.ensure_future(poll(socket))
    await socket.queue.waited.wait()  # the poll waits for a packet now
    waiting.cancel()
    with pytest.raises(exceptions.QueueEmpty):
        await waiting


async def test_without_asyncio_timeout_engineio_own_poll_waits(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def missing(delay: float) -> None:
        raise AttributeError("module 'asyncio' has no attribute 'timeout'")

    monkeypatch.setattr(engineio_poll.fallback, "count", 0)
    monkeypatch.setattr(engineio_poll.asyncio, "timeout", missing)
    for queued in CASES.values():
        assert await outcome(poll, queued) == await outcome(ENGINEIO_POLL, queued)

    assert engineio_poll.fallback.count == len(CASES)
    assert [r.levelname for r in caplog.records] == ["WARNING"]


class _BrokenAfterFirst(asyncio.Queue[Any]):
    """A queue that fails after handing out its first item, as a changed internal might."""

    taken = 0

    def get_nowait(self) -> Any:
        self.taken += 1
        if self.taken > 1:
            raise RuntimeError("changed")
        return super().get_nowait()


async def test_a_failure_while_batching_sends_what_was_taken(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(engineio_poll.fallback, "count", 0)
    socket = fake_socket([])
    socket.queue = _BrokenAfterFirst()
    socket.queue.put_nowait("a")
    socket.queue.put_nowait("b")

    assert await poll(socket) == ["a"]  # and "b" waits for the next poll
    assert socket.queue.qsize() == 1
    assert engineio_poll.fallback.count == 1

"""An open page's waits keep their waiters in lists, not in deques.

Each ``asyncio.Event`` keeps its waiters in a ``collections.deque`` and each ``asyncio.Queue``
three of them, and an empty deque already takes about 760 bytes (it allocates a block of 64
slots). Every open page has a dozen of them that nearly never hold anything: NiceGUI's client
makes four events, engine.io's socket one queue (and so one more event), uvicorn's WebSocket
connection another queue and an event. With 1,000 pages open that was 19,000 deques, about
14 KB a page (a census of the app's objects; tests/bench/README.md, session 11). An empty list
takes 56 bytes and does everything those waits do with their waiters: append, remove, iterate,
and take the first one (``Waiters.popleft``, over the one or two a page ever has).

So these are made as :class:`LightEvent` and :class:`LightQueue`, which are asyncio's own with
only their containers swapped. Where swapping fails, the stock ones stay.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from engineio.async_server import AsyncServer
from nicegui.client import Client
from uvicorn.protocols.websockets.wsproto_impl import WSProtocol

from equeue_ui.tuning.patch import Fallback, Patch

T = TypeVar("T")
CLIENT_EVENTS = (
    "_waiting_for_connection",
    "_waiting_for_disconnect",
    "_connected",
    "_deleted_event",
)
fallback = Fallback("light_waits")


class Waiters(list[Any]):
    """A list that also answers a deque's ``popleft``: a page's waits hold one or two."""

    __slots__ = ()

    def popleft(self) -> Any:
        return self.pop(0)


class LightEvent(asyncio.Event):
    """``asyncio.Event`` with its waiters in a list."""

    def __init__(self) -> None:
        super().__init__()
        self._waiters = Waiters()  # type: ignore[assignment]


class LightQueue(asyncio.Queue[T]):
    """``asyncio.Queue`` with its items, getters and putters in lists."""

    def __init__(self, maxsize: int = 0) -> None:
        super().__init__(maxsize)
        self._getters = Waiters()  # type: ignore[assignment]
        self._putters = Waiters()  # type: ignore[assignment]
        finished = LightEvent()
        finished.set()  # as the stock queue's: nothing unfinished yet
        self._finished = finished

    def _init(self, maxsize: int) -> None:
        self._queue = Waiters()


def light_event_like(event: asyncio.Event) -> asyncio.Event:
    """A light event in the state ``event`` is in; ``event`` itself if something waits on it."""
    if type(event) is not asyncio.Event or event._waiters:  # type: ignore[attr-defined]
        return event
    light = LightEvent()
    if event.is_set():
        light.set()
    return light


_client_init = Client.__init__
_wsprotocol_init = WSProtocol.__init__
_create_queue = AsyncServer.create_queue


def _lighten(target: object, names: tuple[str, ...], make: Callable[[Any], Any]) -> None:
    try:
        for name in names:
            setattr(target, name, make(getattr(target, name)))
    except Exception as error:
        fallback.note(error)


def client_init(self: Client, *args: Any, **kwargs: Any) -> None:
    _client_init(self, *args, **kwargs)
    _lighten(self, CLIENT_EVENTS, light_event_like)


def wsprotocol_init(self: WSProtocol, *args: Any, **kwargs: Any) -> None:
    _wsprotocol_init(self, *args, **kwargs)
    _lighten(self, ("writable",), light_event_like)
    _lighten(self, ("queue",), _light_queue_like)


def _light_queue_like(queue: asyncio.Queue[Any]) -> asyncio.Queue[Any]:
    """A light queue in place of a new, empty one (the connection has not started yet)."""
    if type(queue) is not asyncio.Queue or not queue.empty() or queue.maxsize:
        return queue
    return LightQueue()


def create_queue(self: AsyncServer, *args: Any, **kwargs: Any) -> asyncio.Queue[Any]:
    """engine.io's hook for the queue of each socket's outgoing packets."""
    try:
        return LightQueue(*args, **kwargs)
    except Exception as error:
        fallback.note(error)
        return _create_queue(self, *args, **kwargs)  # type: ignore[no-any-return]


def install() -> None:
    Client.__init__ = client_init  # type: ignore[method-assign]
    WSProtocol.__init__ = wsprotocol_init  # type: ignore[method-assign]
    AsyncServer.create_queue = create_queue  # type: ignore[method-assign]


def uninstall() -> None:
    Client.__init__ = _client_init  # type: ignore[method-assign]
    WSProtocol.__init__ = _wsprotocol_init  # type: ignore[method-assign]
    AsyncServer.create_queue = _create_queue  # type: ignore[method-assign]


def installed() -> bool:
    return Client.__init__ is client_init  # type: ignore[comparison-overlap]


PATCH = Patch(
    name="light_waits",
    speeds_up="memory of every open page: its events and queues keep their waiters in lists, "
    "not in deques of about 760 bytes each (tests/bench/README.md, session 11)",
    verified={"nicegui": "3.18.0", "python-engineio": "4.15.1", "uvicorn": "0.55.0"},
    relies_on=(
        "nicegui.client.Client.__init__ making the four events named in CLIENT_EVENTS",
        "uvicorn's WSProtocol.__init__ making self.queue and self.writable, unused until the "
        "connection is made",
        "engineio.async_server.AsyncServer.create_queue (engine.io's documented hook)",
        "asyncio.Event._waiters and asyncio.Queue._getters, _putters, _finished, _init, _queue "
        "(Python 3.11's): only append, remove, iteration, len and popleft used on them",
    ),
    install=install,
    uninstall=uninstall,
    installed=installed,
)

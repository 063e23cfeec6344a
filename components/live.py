"""Refreshing a part of a page when a domain event concerns it, for as long as the page lives.

Every live part subscribes first and reads second (:class:`Changes`), as the queue pages do
(components/queue_follow.py): a change committed between a read and a later subscription would
never show.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

from nicegui import Client, background_tasks, ui

from equeue_ui import runtime

Refresh = Callable[[], Awaitable[None]]
T = TypeVar("T")
About = tuple[str, Hashable]  # (an event's field, the value a page cares for)


async def section(fetch: Callable[[], Awaitable[T]], draw: Callable[[T], None]) -> Refresh:
    """A part of the page drawn from fetched data; returns its (coalesced) refresh.

    Unlike an async ``ui.refreshable``, a refresh fetches first and swaps the content in one
    go, so the part is never empty while the services are read.
    """
    _, refresh = _swapping(fetch, draw)
    await refresh()
    return coalesced(refresh)


def drawn_section(data: T, fetch: Callable[[], Awaitable[T]], draw: Callable[[T], None]) -> Refresh:
    """A :func:`section` whose first data the page has already read."""
    container, refresh = _swapping(fetch, draw)
    with container:
        draw(data)
    return coalesced(refresh)


def _swapping(
    fetch: Callable[[], Awaitable[T]], draw: Callable[[T], None]
) -> tuple[ui.column, Refresh]:
    container = ui.column().classes("w-full gap-0")

    async def refresh() -> None:
        data = await fetch()
        container.clear()
        with container:
            draw(data)

    return container, refresh


def coalesced(refresh: Refresh) -> Refresh:
    """One run at a time: an async refresh that overlapped another would draw its part twice.
    A request that arrives during a run makes exactly one more run afterwards."""
    running = False
    again = False

    async def run() -> None:
        nonlocal running, again
        if running:
            again = True
            return
        running = True
        try:
            while True:
                again = False
                await refresh()
                if not again:
                    return
        finally:
            running = False

    return run


def always(_event: Any) -> bool:
    """Every event applies (to a part that names the events it cares for with ``about``)."""
    return True


class Changes:
    """The events that change one part of a page, subscribed to before the part reads its data.

    Make it, name the events with :meth:`on`, read and draw the part, then hand its refresh to
    :meth:`refresh_with`: an event that came in between refreshes the part as soon as the
    browser has the page. Until then every event of a watched type counts, whatever ``applies``
    says (``applies`` may depend on what the part has not read yet): at most one extra read.
    """

    def __init__(self) -> None:
        self._refresh: Refresh | None = None
        self._missed = False
        # The refresh is the page's (it holds the page, and the page holds this): let go of it
        # when the page closes, so the closed page is freed at once, not left in a cycle.
        ui.context.client.on_delete(self._forget)

    def _forget(self) -> None:
        self._refresh = None
        self._missed = False

    def on(
        self,
        event_type: type,
        applies: Callable[[Any], bool] = always,
        *,
        about: About | None = None,
    ) -> Changes:
        """Watch events of the type that apply (from now on, for as long as the page lives);
        ``about=(field, value)`` narrows them to that value whatever the part has read."""
        on_event(
            event_type,
            lambda event: self._refresh is None or applies(event),
            self._changed,
            about=about,
        )
        return self

    def refresh_with(self, refresh: Refresh) -> None:
        """Run ``refresh`` on every change from now on, and once the browser has the page if one
        came since subscribing. Pass a :func:`coalesced` refresh when it is shared with other
        parts."""
        self._refresh = refresh
        if self._missed:
            self._missed = False
            _once_connected(refresh)

    async def _changed(self) -> None:
        if self._refresh is None:
            self._missed = True
        else:
            await self._refresh()


def _once_connected(refresh: Refresh) -> None:
    """Run ``refresh`` in this client's context as soon as its browser holds the page: while the
    page is still being built it would hold up the page (or reload one not yet delivered)."""
    client = ui.context.client
    pending = True

    async def run() -> None:
        nonlocal pending
        if not pending or client.is_deleted:
            return
        pending = False
        with client:
            await refresh()

    if client.has_socket_connection:
        background_tasks.create(run(), name="refresh a page part")
    else:
        client.on_connect(run)  # once: later (re)connections find nothing pending


def on_event(
    event_type: type,
    applies: Callable[[Any], bool],
    refresh: Refresh,
    *,
    about: About | None = None,
) -> None:
    """Run ``refresh`` in this client's context whenever an event of the type applies.

    Pass the same :func:`coalesced` refresh to every subscription that redraws one part.
    """
    _subscribe(event_type, applies, refresh, with_event=False, about=about)


def on_each_event(
    event_type: type,
    applies: Callable[[Any], bool],
    handle: Callable[[Any], Awaitable[None]],
    *,
    about: About | None = None,
) -> None:
    """Run ``handle(event)`` in this client's context for every event of the type that applies,
    for as long as the page lives.

    Give ``about=(field, value)`` when the page only cares for events with that value (a
    user's, a queue's): the bus then hands it only those, instead of offering it every event
    of the type that every other open page gets too.
    """
    _subscribe(event_type, applies, handle, with_event=True, about=about)


def _subscribe(
    event_type: type,
    applies: Callable[[Any], bool],
    handle: Callable[..., Awaitable[None]],
    *,
    with_event: bool,
    about: About | None,
) -> None:
    client = ui.context.client
    delivery = Delivery(client, event_type, applies, handle, with_event=with_event)
    client.on_delete(runtime.current().bus.subscribe(event_type, delivery, about=about))


class Delivery:
    """Hands an event that applies to one page's handler, in the page's context; as an object of
    five slots rather than a closure (each open page holds several for hours)."""

    __slots__ = ("applies", "client", "event_type", "handle", "with_event")

    def __init__(
        self,
        client: Client,
        event_type: type,
        applies: Callable[[Any], bool],
        handle: Callable[..., Awaitable[None]],
        *,
        with_event: bool,
    ) -> None:
        self.client = client
        self.event_type = event_type
        self.applies = applies
        self.handle = handle  # given the event, or nothing (a refresh)
        self.with_event = with_event

    def __call__(self, event: Any) -> None:
        if self.client.is_deleted or not self.applies(event):
            return
        background_tasks.create(self._run(event), name=f"page handles {self.event_type.__name__}")

    async def _run(self, event: Any) -> None:
        with self.client:
            await (self.handle(event) if self.with_event else self.handle())

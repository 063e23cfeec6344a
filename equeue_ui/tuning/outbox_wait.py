"""Every open page's outbox waits for something to send, instead of waking once a second.

NiceGUI gives each client an outbox task that waits for updates with
``asyncio.wait_for(event.wait(), timeout=1.0)``: every idle page wakes once a second, and each
wake makes a task, a timer and a cancellation. With 5,400 open pages that is 5,400 of them a
second, about an eighth of a core spent doing nothing (py-spy on tests/bench, a faculty's day).
The timeout only served to look at ``_should_stop`` again, and ``Outbox.stop`` sets the event
itself, so here the loop waits on the event alone. Everything else is NiceGUI 3.18's loop as it
is, line for line, including its pause while the page has no socket; its event is a
``light_waits.LightEvent``, asyncio's own with its waiters in a list (about 700 bytes less on
every open page).

An outbox whose loop fails outside NiceGUI's own error handling (a changed internal) runs
NiceGUI's own loop from then on.
"""

from __future__ import annotations

import asyncio
from typing import Any

from nicegui import core
from nicegui.dependencies import JsComponent
from nicegui.outbox import Deleted, Outbox, deleted

from equeue_ui.tuning.light_waits import LightEvent
from equeue_ui.tuning.patch import Fallback, Patch

_original = Outbox.loop
fallback = Fallback("outbox_wait")


async def waiting_loop(self: Outbox) -> None:
    try:
        await _loop(self)
    except asyncio.CancelledError:
        raise
    except Exception as error:
        fallback.note(error)
        await _original(self)


async def _loop(self: Outbox) -> None:
    """NiceGUI's ``Outbox.loop`` with one change: the idle wait has no timeout (and its event
    keeps its waiters in a list: light_waits)."""
    self._enqueue_event = LightEvent()
    self._enqueue_event.set()

    while not self._should_stop:
        try:
            if not self._enqueue_event.is_set():
                await self._enqueue_event.wait()  # set by every enqueue, and by stop()

            client = self.client
            if not client or not client.has_socket_connection:
                await asyncio.sleep(0.1)
                continue

            self._enqueue_event.clear()

            coros: list[Any] = []
            if self.updates:
                data = {
                    element_id: None if element is deleted else element._to_dict()  # type: ignore[union-attr]
                    for element_id, element in self.updates.items()
                }
                js_components = [
                    component
                    for element in self.updates.values()
                    if not isinstance(element, Deleted)
                    and isinstance((component := element.component), JsComponent)
                    and component.name not in self._loaded_components
                ]
                if js_components:
                    components = [{"key": c.key, "tag": c.tag} for c in js_components]
                    coros.append(
                        self._emit((client.id, "load_js_components", {"components": components}))
                    )
                    self._loaded_components.update(c.name for c in js_components)
                coros.append(self._emit((client.id, "update", data)))
                self.updates.clear()

            if self.messages:
                for message in self.messages:
                    coros.append(self._emit(message))
                self.messages.clear()

            for coro in coros:
                try:
                    await coro
                except Exception as e:
                    core.app.handle_exception(e)
        except asyncio.CancelledError:
            break
        except Exception as e:
            core.app.handle_exception(e)
            await asyncio.sleep(0.1)


def install() -> None:
    Outbox.loop = waiting_loop  # type: ignore[method-assign]


def uninstall() -> None:
    Outbox.loop = _original  # type: ignore[method-assign]


def installed() -> bool:
    return Outbox.loop is waiting_loop  # type: ignore[comparison-overlap]


PATCH = Patch(
    name="outbox_wait",
    speeds_up="every open page at rest: no wake, task and timer per page per second "
    "(about an eighth of a core with 5,400 open pages)",
    verified={"nicegui": "3.18.0"},
    relies_on=(
        "nicegui.outbox.Outbox.loop (its body, copied with the idle wait changed), started by "
        "Outbox.__init__ through self.loop()",
        "Outbox._enqueue_event being set by every enqueue and by stop(); Outbox._should_stop, "
        "updates, messages, _loaded_components, _emit; nicegui.outbox.Deleted and deleted",
    ),
    install=install,
    uninstall=uninstall,
    installed=installed,
)

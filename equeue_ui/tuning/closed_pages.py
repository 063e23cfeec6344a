"""A closed page, and an element taken off a page, are freed at once instead of by the collector.

NiceGUI leaves both as cyclic garbage, which only CPython's full garbage collections free:

- every element's ``Props``, ``Classes`` and ``Style`` keep their own bound ``_update`` in their
  list of change handlers (18 objects in self-cycles per element);
- an input's value-change handlers stay after it is removed, and a handler that updates its
  own input (a checkbox put back when a change is refused) holds it;
- a ``ui.refreshable`` keeps the targets it drew until its next call or refresh prunes them,
  and each target holds the refreshable back, and its container;
- a client keeps its connect, disconnect, delete and exception handlers after it is deleted,
  and a page's handlers hold the client (to work in its context), so the two keep each other.

A full collection walks every object of every open page, and with thousands of pages open it
stops everything for seconds (tests/bench/README.md, "A faculty's day"); what it frees is
mostly pages closed since the last one. Here an element's change handlers are dropped once
NiceGUI has removed it, and a client's handlers once it has run its delete handlers, so both
are freed by reference counting the moment nothing else holds them. That also lets the app
keep open pages out of the collector's walk (equeue_ui/gc_policy.py), which is safe only if
what closes leaves no cycles behind; tests/ui/test_closed_page_garbage.py holds every kind of
page to that.

If breaking the cycles fails, the page stays as NiceGUI left it, for the collector.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from typing import Any

from nicegui import Client
from nicegui.element import Element
from nicegui.elements.mixins.value_element import ValueElement
from nicegui.functions.refreshable import RefreshableContainer, refreshable

from equeue_ui.tuning.patch import Fallback, Patch

_original_remove_elements = Client.remove_elements
_original_delete = Client.delete
_original_refreshable_call = refreshable.__call__
fallback = Fallback("closed_pages")
# Each refreshable's container → the refreshable, which holds its targets until it prunes them.
_refreshables: weakref.WeakKeyDictionary[RefreshableContainer, refreshable[Any, Any]] = (
    weakref.WeakKeyDictionary()
)


def refreshable_call(self: refreshable[Any, Any], *args: Any, **kwargs: Any) -> Any:
    result = _original_refreshable_call(self, *args, **kwargs)
    try:
        _refreshables[self.targets[-1].container] = self  # the target it has just made
    except Exception as error:
        fallback.note(error)
    return result


def remove_elements(self: Client, elements: Iterable[Element]) -> None:
    removed = list(elements)
    _original_remove_elements(self, removed)
    try:
        for element in removed:
            for observable in (element._props, element._classes, element._style):
                observable._change_handlers.clear()
            if isinstance(element, ValueElement):
                element._change_handlers.clear()
            elif isinstance(element, RefreshableContainer) and (
                owner := _refreshables.pop(element, None)
            ):
                owner.prune()  # drops the target that holds the container and the refreshable
    except Exception as error:
        fallback.note(error)


def delete(self: Client) -> None:
    try:
        _original_delete(self)
    finally:
        try:
            for handlers in (
                self.connect_handlers,
                self.disconnect_handlers,
                self.delete_handlers,
                self._exception_handlers,
            ):
                handlers.clear()
        except Exception as error:
            fallback.note(error)


def install() -> None:
    Client.remove_elements = remove_elements  # type: ignore[method-assign]
    Client.delete = delete  # type: ignore[method-assign]
    refreshable.__call__ = refreshable_call  # type: ignore[method-assign]


def uninstall() -> None:
    Client.remove_elements = _original_remove_elements  # type: ignore[method-assign]
    Client.delete = _original_delete  # type: ignore[method-assign]
    refreshable.__call__ = _original_refreshable_call  # type: ignore[method-assign]


def installed() -> bool:
    return Client.delete is delete  # type: ignore[comparison-overlap]


PATCH = Patch(
    name="closed_pages",
    speeds_up="closing a page and redrawing a part of one: freed at once, not left for the "
    "collector's full collections (which stop the app for seconds with thousands of pages "
    "open), and open pages can then be kept out of those collections",
    verified={"nicegui": "3.18.0"},
    relies_on=(
        "nicegui.Client.remove_elements and Client.delete (wrapped: NiceGUI's own run first)",
        "Element._props, _classes and _style being nicegui.observables collections whose "
        "_change_handlers list holds their own bound _update; ValueElement._change_handlers",
        "Client.connect_handlers, disconnect_handlers, delete_handlers, _exception_handlers",
        "nicegui.functions.refreshable.refreshable.__call__ (wrapped) appending the target it "
        "makes to .targets; refreshable.prune dropping targets whose container is deleted",
    ),
    install=install,
    uninstall=uninstall,
    installed=installed,
)

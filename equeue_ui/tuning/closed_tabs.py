"""A page that closes no longer looks into every open page before its storage is let go.

When a page's last socket has been gone for the reconnect timeout, NiceGUI's
``Client.handle_disconnect`` deletes the page and then asks every other open page whether it
is pinned to the same browser tab (``all(... for client in Client.instances.values())``) before
closing that tab's storage. ``Storage.close_tab`` closes only a persistent tab storage (one
kept in Redis); eQueue keeps none, so the answer was never used. With 5,400 pages open and ten
closing a second, that scan was 6 % of the app's samples in py-spy (tests/bench, a faculty's
day).

This version is NiceGUI's own, but asks ``close_tab``'s own question first (is the tab's
storage persistent?) and scans the open pages only then. If reading the tab storage fails, it
scans as NiceGUI does.
"""

from __future__ import annotations

import asyncio

from nicegui import background_tasks, core
from nicegui.client import Client
from nicegui.persistence import PersistentDict

from equeue_ui.tuning.patch import Fallback, Patch

NICEGUI_HANDLE_DISCONNECT = Client.handle_disconnect  # NiceGUI's own
fallback = Fallback("closed_tabs")


def handle_disconnect(self: Client, socket_id: str) -> None:
    """Wait for the browser to reconnect; invoke deletion handlers if it doesn't (NiceGUI's
    ``Client.handle_disconnect``)."""
    if socket_id not in self._socket_to_document_id:
        return
    document_id = self._socket_to_document_id.pop(socket_id)
    self._cancel_delete_task(document_id)
    self._num_connections[document_id] -= 1
    tab_id_to_close = self.tab_id
    # keep the tab_id as long as any socket is live, e.g. one that reconnected before this one
    # was reaped
    if not self._socket_to_document_id:
        self.tab_id = None

    for t in self.disconnect_handlers:
        self.safe_invoke(t)
    for t in core.app._disconnect_handlers:
        self.safe_invoke(t)

    async def delete_content() -> None:
        await asyncio.sleep(self.page.resolve_reconnect_timeout())
        if self._num_connections[document_id] == 0:
            self._num_connections.pop(document_id)
            self._delete_tasks.pop(document_id)
            # before closing the tab storage, so a reconnect in between cannot create a new one
            self.delete()
            if _has_storage_to_close(tab_id_to_close) and all(
                client._pinned_tab_id != tab_id_to_close for client in Client.instances.values()
            ):  # unless still in use, e.g. after a reload
                await core.app.storage.close_tab(tab_id_to_close)

    self._delete_tasks[document_id] = background_tasks.create(
        delete_content(), name=f"delete content {document_id}"
    )


def _has_storage_to_close(tab_id: str | None) -> bool:
    """``Storage.close_tab``'s own condition: only a persistent tab storage is closed."""
    if not tab_id:
        return False
    try:
        return isinstance(core.app.storage._tabs.get(tab_id), PersistentDict)
    except Exception as error:
        fallback.note(error)
        return True  # NiceGUI's scan decides, and close_tab checks again


def install() -> None:
    Client.handle_disconnect = handle_disconnect  # type: ignore[method-assign]


def uninstall() -> None:
    Client.handle_disconnect = NICEGUI_HANDLE_DISCONNECT  # type: ignore[method-assign]


def installed() -> bool:
    return Client.handle_disconnect is handle_disconnect  # type: ignore[comparison-overlap]


PATCH = Patch(
    name="closed_tabs",
    speeds_up="every page that closes: no look into every open page for its browser tab, "
    "whose storage eQueue never keeps (5,400 pages, ten closing a second: 6 % of the app's "
    "samples)",
    verified={"nicegui": "3.18.0"},
    relies_on=(
        "nicegui.client.Client.handle_disconnect (its body, copied with the tab check reordered) "
        "and what it uses: _socket_to_document_id, _cancel_delete_task, _num_connections, "
        "_delete_tasks, tab_id, _pinned_tab_id, page.resolve_reconnect_timeout, "
        "app._disconnect_handlers",
        "Storage.close_tab closing only a PersistentDict in Storage._tabs",
    ),
    install=install,
    uninstall=uninstall,
    installed=installed,
)

"""A page that closes is deleted as NiceGUI deletes it, without a look into every open page
unless its tab's storage is one that NiceGUI closes (equeue_ui/tuning/closed_tabs.py)."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from nicegui import core
from nicegui.client import Client
from nicegui.observables import ObservableDict
from nicegui.persistence import PersistentDict

from equeue_ui.tuning import closed_tabs

TAB = "tab-1"
RECONNECT_TIMEOUT = 0.01


class Persistent(PersistentDict):
    """A tab storage kept elsewhere (as in Redis): the kind NiceGUI closes with the tab."""

    closed = 0

    async def initialize(self) -> None:
        pass

    def initialize_sync(self) -> None:
        pass

    async def close(self) -> None:
        self.closed += 1


class Page:
    def resolve_reconnect_timeout(self) -> float:
        return RECONNECT_TIMEOUT


class OpenPage:
    """What ``handle_disconnect`` reads and calls of NiceGUI's client."""

    _cancel_delete_task = Client._cancel_delete_task

    def __init__(self, pinned_tab: str) -> None:
        self.tab_id: str | None = pinned_tab
        self._pinned_tab_id = pinned_tab
        self._socket_to_document_id = {"socket": "document"}
        self._num_connections: defaultdict[str, int] = defaultdict(int, document=1)
        self._delete_tasks: dict[str, asyncio.Task[None]] = {}
        self.disconnect_handlers: list[Callable[[], Any]] = []
        self.page = Page()
        self.deleted = False

    def safe_invoke(self, handler: Callable[[], Any]) -> None:
        handler()

    def delete(self) -> None:
        self.deleted = True


class Watched(dict[str, Any]):
    """``Client.instances`` that counts the looks into every open page."""

    looks = 0

    def values(self) -> Any:
        self.looks += 1
        return super().values()


@pytest.fixture
async def instances(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Watched]:
    watched = Watched()
    monkeypatch.setattr(core, "loop", asyncio.get_running_loop())  # for NiceGUI's tasks
    monkeypatch.setattr(Client, "instances", watched)
    monkeypatch.setattr(core.app.storage, "_tabs", {})
    closed_tabs.fallback.reset()
    yield watched


async def close(page: OpenPage, disconnect: Callable[[Any, str], None]) -> None:
    disconnect(page, "socket")
    await asyncio.gather(*page._delete_tasks.values())


HANDLERS = {
    "patched": closed_tabs.handle_disconnect,
    "NiceGUI's": closed_tabs.NICEGUI_HANDLE_DISCONNECT,
}


@pytest.mark.parametrize("storage", [None, ObservableDict()], ids=["no storage", "in memory"])
async def test_a_page_whose_tab_storage_is_not_kept_elsewhere_is_deleted_without_a_scan(
    instances: Watched, storage: ObservableDict | None
) -> None:
    if storage is not None:
        core.app.storage._tabs[TAB] = storage
    instances.update((f"open-{n}", OpenPage(f"tab-{n + 2}")) for n in range(100))
    for name, disconnect in HANDLERS.items():
        instances.looks = 0
        page = OpenPage(TAB)
        await close(page, disconnect)
        assert page.deleted, name
        assert page.tab_id is None and page._delete_tasks == {}, name
        assert core.app.storage._tabs.get(TAB) is storage, name  # left as NiceGUI leaves it
        assert instances.looks == (0 if name == "patched" else 1), name


@pytest.mark.parametrize("pinned_elsewhere", [False, True])
async def test_a_persistent_tab_storage_is_closed_as_nicegui_closes_it(
    instances: Watched, pinned_elsewhere: bool
) -> None:
    for name, disconnect in HANDLERS.items():
        storage = Persistent()
        core.app.storage._tabs[TAB] = storage
        instances.clear()
        instances["other"] = OpenPage(TAB if pinned_elsewhere else "tab-2")  # e.g. a reload
        page = OpenPage(TAB)
        await close(page, disconnect)
        assert page.deleted, name
        assert storage.closed == (0 if pinned_elsewhere else 1), name
        assert (TAB in core.app.storage._tabs) is pinned_elsewhere, name


async def test_a_page_that_reconnects_in_time_is_kept(instances: Watched) -> None:
    page = OpenPage(TAB)
    closed_tabs.handle_disconnect(page, "socket")  # type: ignore[arg-type]
    page._socket_to_document_id["socket-2"] = "document"  # NiceGUI's handshake of the new socket
    page._cancel_delete_task("document")  # type: ignore[misc]
    page._num_connections["document"] += 1
    await asyncio.sleep(3 * RECONNECT_TIMEOUT)
    assert not page.deleted


class Unreadable(dict[str, Any]):
    """Tab storages that cannot be read once."""

    def __init__(self) -> None:
        super().__init__()
        self.failed = False

    def get(self, key: str, default: Any = None) -> Any:
        if not self.failed:
            self.failed = True
            raise RuntimeError("changed internals")
        return super().get(key, default)


async def test_unreadable_tab_storage_falls_back_to_nicegui_s_scan(
    instances: Watched, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(core.app.storage, "_tabs", Unreadable())
    page = OpenPage(TAB)
    await close(page, closed_tabs.handle_disconnect)  # type: ignore[arg-type]
    assert page.deleted
    assert instances.looks == 1
    assert closed_tabs.fallback.count == 1


def test_installed_replaces_nicegui_s_handler_and_uninstall_restores_it() -> None:
    closed_tabs.install()
    try:
        assert closed_tabs.installed()
        assert Client.handle_disconnect is closed_tabs.handle_disconnect
    finally:
        closed_tabs.uninstall()
    assert Client.handle_disconnect is closed_tabs.NICEGUI_HANDLE_DISCONNECT
    assert not closed_tabs.installed()

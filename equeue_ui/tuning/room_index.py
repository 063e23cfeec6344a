"""socket.io finds the rooms of a closing socket by its own index, not by asking every room.

python-socketio's manager keeps ``rooms[namespace][room]`` (a bidict per room) and nothing that
maps a socket to its rooms: ``get_rooms`` (NiceGUI's disconnect handler asks it) and
``basic_disconnect`` each look into every room of the namespace. NiceGUI puts every page in a
room of its own, so each closing page costs two passes over all open pages: with 5,400 open
pages and ten a second coming and going, about a tenth of a core (py-spy on tests/bench, a
faculty's day). Here the manager also keeps, per socket, the rooms it entered, updated
wherever the manager itself enters or leaves a room (every change goes through
``basic_enter_room`` and ``basic_leave_room``), and the two answer from it.

Should the index fail, the manager's own scan answers (and the index is rebuilt from the rooms).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from nicegui import core
from socketio.base_manager import BaseManager

from equeue_ui.tuning.patch import Fallback, Patch

fallback = Fallback("room_index")
PATCHED = ("basic_enter_room", "basic_leave_room", "basic_disconnect", "get_rooms")

Key = tuple[Any, Hashable]  # (namespace, socket id)


class RoomIndex:
    """Which rooms each socket is in, per namespace, beside the manager's rooms."""

    def __init__(self, manager: BaseManager) -> None:
        self.manager = manager
        self.rooms_of: dict[Key, set[Any]] = {}
        self.rebuild()

    def rebuild(self) -> None:
        self.rooms_of.clear()
        for namespace, rooms in self.manager.rooms.items():
            for room, members in rooms.items():
                for sid in members:
                    self.rooms_of.setdefault((namespace, sid), set()).add(room)

    def entered(self, sid: Hashable, namespace: Any, room: Any) -> None:
        self.rooms_of.setdefault((namespace, sid), set()).add(room)

    def left(self, sid: Hashable, namespace: Any, room: Any) -> None:
        rooms = self.rooms_of.get((namespace, sid))
        if rooms is not None:
            rooms.discard(room)
            if not rooms:
                del self.rooms_of[(namespace, sid)]

    def rooms(self, sid: Hashable, namespace: Any) -> list[Any]:
        """The rooms ``sid`` is in, checked against the manager's rooms."""
        known = self.manager.rooms.get(namespace, {})
        entered = self.rooms_of.get((namespace, sid), ())
        return [room for room in entered if sid in known.get(room, ())]

    def forget(self, sid: Hashable, namespace: Any) -> None:
        self.rooms_of.pop((namespace, sid), None)


def _indexed(manager: BaseManager, index: RoomIndex) -> dict[str, Callable[..., Any]]:
    """The manager's four methods, keeping and using the index (bound to this manager)."""
    stock = {name: getattr(type(manager), name).__get__(manager) for name in PATCHED}

    def basic_enter_room(sid: Any, namespace: Any, room: Any, eio_sid: Any = None) -> Any:
        result = stock["basic_enter_room"](sid, namespace, room, eio_sid=eio_sid)
        index.entered(sid, namespace, room)  # only once the manager took it
        return result

    def basic_leave_room(sid: Any, namespace: Any, room: Any) -> Any:
        result = stock["basic_leave_room"](sid, namespace, room)
        index.left(sid, namespace, room)
        return result

    def get_rooms(sid: Any, namespace: Any) -> list[Any]:
        try:
            return [room for room in index.rooms(sid, namespace) if room is not None]
        except Exception as error:
            fallback.note(error)
            return stock["get_rooms"](sid, namespace)  # type: ignore[no-any-return]

    def basic_disconnect(sid: Any, namespace: Any, **kwargs: Any) -> Any:
        """``BaseManager.basic_disconnect`` with the rooms taken from the index."""
        if namespace not in manager.rooms:
            return None
        try:
            rooms = index.rooms(sid, namespace)
        except Exception as error:
            fallback.note(error)
            index.rebuild()
            return stock["basic_disconnect"](sid, namespace, **kwargs)
        for room in rooms:
            basic_leave_room(sid, namespace, room)
        if sid in manager.callbacks:
            del manager.callbacks[sid]
        for pending in (manager.pending_connect, manager.pending_disconnect):
            if namespace in pending and sid in pending[namespace]:
                pending[namespace].remove(sid)
                if len(pending[namespace]) == 0:
                    del pending[namespace]
        index.forget(sid, namespace)
        return None

    return {
        "basic_enter_room": basic_enter_room,
        "basic_leave_room": basic_leave_room,
        "get_rooms": get_rooms,
        "basic_disconnect": basic_disconnect,
    }


def index_rooms(manager: BaseManager) -> None:
    """Give ``manager`` the index (built from the rooms it has) and the methods that use it."""
    unindex_rooms(manager)
    index = RoomIndex(manager)
    for name, method in _indexed(manager, index).items():
        setattr(manager, name, method)
    manager._equeue_room_index = index  # type: ignore[attr-defined]


def unindex_rooms(manager: BaseManager) -> None:
    for name in (*PATCHED, "_equeue_room_index"):
        vars(manager).pop(name, None)


def install() -> None:
    index_rooms(core.sio.manager)


def uninstall() -> None:
    unindex_rooms(core.sio.manager)


def installed() -> bool:
    return "_equeue_room_index" in vars(core.sio.manager)


PATCH = Patch(
    name="room_index",
    speeds_up="every page that closes: its socket's rooms found by an index, not by looking "
    "into every open page's room twice (about a tenth of a core with 5,400 pages coming and going)",
    verified={"python-socketio": "5.18.1", "nicegui": "3.18.0"},
    relies_on=(
        "socketio.base_manager.BaseManager.rooms (rooms[namespace][room] = {sid: eio_sid}), "
        "changed only by basic_enter_room and basic_leave_room",
        "BaseManager.basic_disconnect (its body, copied with the rooms taken from the index), "
        "callbacks, pending_connect, pending_disconnect; get_rooms; the AsyncManager's "
        "enter_room, leave_room, disconnect and close_room calling the basic_ methods on self",
        "nicegui.core.sio (one server and manager per process)",
    ),
    install=install,
    uninstall=uninstall,
    installed=installed,
)

"""socket.io's manager with the room index answers as its own does, whatever comes and goes."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from socketio.async_manager import AsyncManager
from socketio.packet import Packet

from equeue_ui.tuning import room_index

NAMESPACES = ("/", "/other")
ROOMS = ("queue-1", "queue-2", "board")


class FakeEngineIo:
    def __init__(self) -> None:
        self.ids = (f"sid-{n}" for n in itertools.count())

    def generate_id(self) -> str:
        return next(self.ids)


class FakeServer:
    packet_class = Packet

    def __init__(self) -> None:
        self.eio = FakeEngineIo()


def manager(indexed: bool) -> AsyncManager:
    made = AsyncManager()
    made.set_server(FakeServer())
    made.initialize()
    if indexed:
        room_index.index_rooms(made)
    return made


# A step: (what, which socket of those connected so far, namespace, room).
steps = st.lists(
    st.tuples(
        st.sampled_from(["connect", "enter", "leave", "close", "disconnect", "disconnect_twice"]),
        st.integers(0, 7),
        st.sampled_from(NAMESPACES),
        st.sampled_from(ROOMS),
    ),
    max_size=40,
)


async def step(target: AsyncManager, what: str, sid: str, namespace: str, room: str) -> None:
    if what == "enter":
        await target.enter_room(sid, namespace, room)
    elif what == "leave":
        await target.leave_room(sid, namespace, room)
    elif what == "close":
        await target.close_room(room, namespace)
    else:
        target.pre_disconnect(sid, namespace)
        await target.disconnect(sid, namespace)
        if what == "disconnect_twice":
            await target.disconnect(sid, namespace)


async def play(target: AsyncManager, script: list[tuple[str, int, str, str]]) -> list[Any]:
    """Run the steps; what each answered, and the rooms and every socket's rooms after each."""
    sockets: list[tuple[str, str]] = []  # (sid, namespace)
    seen: list[Any] = []
    for eio_number, (what, pick, namespace, room) in enumerate(script):
        if what == "connect" or not sockets:
            sid = await target.connect(f"eio-{eio_number}", namespace)
            sockets.append((sid, namespace))
            continue
        sid, namespace = sockets[pick % len(sockets)]
        try:
            await step(target, what, sid, namespace, room)
        except Exception as error:  # e.g. entering a room after disconnecting: both refuse
            seen.append(type(error).__name__)
        seen.append(
            (
                {ns: {r: dict(m) for r, m in rooms.items()} for ns, rooms in target.rooms.items()},
                {s: sorted(map(str, target.get_rooms(s, ns))) for s, ns in sockets},
                dict(target.pending_disconnect),
            )
        )
    return seen


@settings(max_examples=150, deadline=None)
@given(steps)
def test_the_indexed_manager_answers_as_socket_io_s_own(
    script: list[tuple[str, int, str, str]],
) -> None:
    indexed, stock = manager(indexed=True), manager(indexed=False)
    assert asyncio.run(play(indexed, script)) == asyncio.run(play(stock, script))
    index: room_index.RoomIndex = indexed._equeue_room_index  # type: ignore[attr-defined]
    # nothing left behind for sockets that are gone
    for (namespace, sid), rooms in index.rooms_of.items():
        assert rooms == {r for r, m in indexed.rooms[namespace].items() if sid in m}


async def test_the_rooms_of_one_closing_socket_are_found_without_the_others() -> None:
    indexed = manager(indexed=True)
    sids = [await indexed.connect(f"eio-{n}", "/") for n in range(300)]
    await indexed.enter_room(sids[0], "/", "queue-1")

    assert sorted(map(str, indexed.get_rooms(sids[0], "/"))) == sorted(["queue-1", sids[0]])
    indexed.pre_disconnect(sids[0], "/")
    await indexed.disconnect(sids[0], "/")
    assert sids[0] not in indexed.rooms["/"][None]
    assert "queue-1" not in indexed.rooms["/"]
    assert len(indexed._equeue_room_index.rooms_of) == 299  # type: ignore[attr-defined]


def test_an_index_that_fails_lets_the_manager_scan(monkeypatch: Any) -> None:
    indexed = manager(indexed=True)
    sid = asyncio.run(indexed.connect("eio-1", "/"))
    index: room_index.RoomIndex = indexed._equeue_room_index  # type: ignore[attr-defined]
    monkeypatch.setattr(room_index, "fallback", room_index.Fallback("room_index"))

    def broken(*_args: object) -> list[Any]:
        raise RuntimeError("index")

    monkeypatch.setattr(index, "rooms", broken)
    assert indexed.get_rooms(sid, "/") == [sid]
    indexed.pre_disconnect(sid, "/")
    asyncio.run(indexed.disconnect(sid, "/"))
    assert "/" not in indexed.rooms
    assert room_index.fallback.count == 2


def test_uninstalled_the_manager_is_socket_io_s_own_again() -> None:
    indexed = manager(indexed=True)
    room_index.unindex_rooms(indexed)
    assert not {*room_index.PATCHED, "_equeue_room_index"} & set(vars(indexed))

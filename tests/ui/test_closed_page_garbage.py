"""A closed page leaves nothing for the garbage collector: reference counting frees it at once.

The app keeps open pages out of CPython's full collections (equeue_ui/gc_policy.py), which is
safe only if what closes is not cyclic garbage (that would stay until the next full walk);
equeue_ui/tuning/closed_pages.py breaks NiceGUI's cycles, and eQueue's pages let go of
themselves when they close. Each kind of page here is opened, used, and closed as NiceGUI
closes a page whose browser has gone; a full collection then must find nothing of it.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Awaitable, Callable
from types import FunctionType, MethodType

import pytest
from nicegui import Client
from nicegui.testing.user import User

from equeue_ui.demo import ADMIN_PASSWORD, DEMO_PASSWORD
from equeue_ui.services import boards, queues
from equeue_ui.tuning import closed_pages
from tests.garbage import cyclic_garbage
from tests.ui.helpers import DemoWorld, account, settle, sign_in

# Where the objects of a page come from: NiceGUI and the app's own packages.
PAGE_MODULES = ("nicegui", "components", "pages", "equeue_ui")


async def _queue_page(user: User, demo: DemoWorld) -> None:
    queue_id = demo.open_subject.queue_id
    await sign_in(user, "student8", path=f"/queues/{queue_id}")
    await queues.join_queue(queue_id, actor=await account("student8"))  # a live redraw
    await settle(user)


async def _console(user: User, demo: DemoWorld) -> None:
    queue_id = demo.open_subject.queue_id
    await sign_in(user, "teacher", path=f"/queues/{queue_id}/console")
    await queues.join_queue(queue_id, actor=await account("student9"))
    await settle(user)


async def _board(user: User, demo: DemoWorld) -> None:
    teacher = await account("teacher")
    link = await boards.create_display_link(
        demo.open_subject.queue_id, actor=teacher, label="room 4-12"
    )
    await user.open(f"/board/{link.token}")
    await settle(user)


def _signed_in(username: str, path: Callable[[DemoWorld], str]) -> Opening:
    password = ADMIN_PASSWORD if username == "admin" else DEMO_PASSWORD

    async def open_page(user: User, demo: DemoWorld) -> None:
        await sign_in(user, username, password, path=path(demo))

    return open_page


async def _registration_form(user: User, demo: DemoWorld) -> None:
    # The visitors' page that is a NiceGUI page: the sign-in page is plain HTML, kept in no
    # memory once answered (components/sign_in_page.py).
    await user.open("/register")
    await user.should_see(marker="register-form")


Opening = Callable[[User, DemoWorld], Awaitable[None]]
# Every page people open in numbers, and most others. Not (yet) here: the site admin's group
# list and audit log, whose search and pages redraw themselves through closures that hold
# each other; a few admins' pages left for the collector's periodic walk of everything
# (equeue_ui/gc_policy.py).
PAGES: dict[str, Opening] = {
    "queue page": _queue_page,
    "console": _console,
    "board": _board,
    "registration form": _registration_form,
    "home": _signed_in("student1", lambda _demo: "/"),
    "subject": _signed_in("leader", lambda demo: f"/subjects/{demo.open_subject.id}"),
    "profile": _signed_in("student2", lambda _demo: "/profile"),
    "teacher's queues": _signed_in("teacher", lambda _demo: "/teaching"),
    "workspace": _signed_in("student3", lambda demo: f"/workspaces/{demo.workspace_id}"),
    "workspace settings": _signed_in(
        "leader", lambda demo: f"/workspaces/{demo.workspace_id}/settings"
    ),
    "subject settings": _signed_in(
        "leader", lambda demo: f"/subjects/{demo.open_subject.id}/settings"
    ),
    "queue statistics": _signed_in(
        "teacher", lambda demo: f"/queues/{demo.open_subject.queue_id}/stats"
    ),
    "groups": _signed_in("leader", lambda _demo: "/groups"),
    "admin users": _signed_in("admin", lambda _demo: "/admin/users"),
    "admin settings": _signed_in("admin", lambda _demo: "/admin/settings"),
    "admin status": _signed_in("admin", lambda _demo: "/admin/status"),
    "subject statistics": _signed_in(
        "teacher", lambda demo: f"/subjects/{demo.open_subject.id}/stats"
    ),
    "workspace statistics": _signed_in(
        "leader", lambda demo: f"/workspaces/{demo.workspace_id}/stats"
    ),
    "eCourses import": _signed_in("leader", lambda demo: f"/workspaces/{demo.workspace_id}/import"),
}


@pytest.mark.parametrize("kind", PAGES)
async def test_a_closed_page_is_freed_without_the_garbage_collector(
    user: User, demo: DemoWorld, kind: str
) -> None:
    assert closed_pages.installed()
    await PAGES[kind](user, demo)
    gc.collect()  # whatever came before this page
    _close(user)
    for _ in range(10):  # the page's last tasks end (its outbox's loop, its refreshes)
        await asyncio.sleep(0.01)

    left = _cyclic_garbage()
    assert not left, f"the closed {kind} left cyclic garbage: {left}"


def _close(user: User) -> None:
    """Close the page as NiceGUI closes one whose browser has gone, and let go of it."""
    client = user.client
    assert client is not None
    user.client = None
    client.delete()
    assert client.id not in Client.instances
    # The simulated browser's own hook (nicegui.testing.User) makes a cycle a real one has not.
    vars(client.outbox).pop("_emit", None)


def _cyclic_garbage() -> list[str]:
    """What a full collection finds of a page: instances, functions and methods of its code."""
    return sorted({_describe(item) for item in cyclic_garbage(_of_a_page)})


def _of_a_page(item: object) -> bool:
    if isinstance(item, MethodType):
        item = item.__func__
    module = item.__module__ if isinstance(item, FunctionType) else type(item).__module__
    return (module or "").split(".")[0] in PAGE_MODULES


def _describe(item: object) -> str:
    if isinstance(item, MethodType):
        return f"method {type(item.__self__).__qualname__}.{item.__func__.__name__}"
    if isinstance(item, FunctionType):
        return f"function {item.__module__}.{item.__qualname__}"
    return f"{type(item).__module__}.{type(item).__qualname__}"

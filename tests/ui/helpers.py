"""Shared steps of the UI tests: signing in through the real form, the demo world, waiting."""

from __future__ import annotations

import asyncio
import html
import re
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar, overload
from weakref import WeakKeyDictionary

import httpx
from argon2 import PasswordHasher
from bs4 import BeautifulSoup, Tag
from nicegui import ui
from nicegui.testing.user import User
from sqlalchemy.engine import make_url

from components.board import BoardView
from components.console_list import ConsoleList
from components.queue_view import JoinOffer, QueueView
from equeue_ui import demo, runtime
from equeue_ui.services import accounts, subjects, tasks, workspaces
from equeue_ui.services.queues import load_snapshot
from equeue_ui.services.views import QueueSnapshot, UserView
from equeue_ui.settings import Settings

PASSWORD = demo.DEMO_PASSWORD
# Hashing with the production parameters takes about a second here; tests sign in a lot.
QUICK_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
# Page loads and sign-ins run as background tasks in the simulation: give them time.
PATIENCE = 100

T = TypeVar("T", bound=ui.element)


@dataclass(frozen=True)
class DemoSubject:
    id: int
    name: str
    queue_id: int
    task_ids: tuple[int, ...]
    task_names: tuple[str, ...]


@dataclass(frozen=True)
class DemoWorld:
    """Ids of the seeded demo world (see `equeue_ui/demo.py`)."""

    group_id: int
    group_name: str
    workspace_id: int
    workspace_name: str
    users: dict[str, int]
    # In seeding order: the open queue (students 1–7, student3 frozen, student1 called),
    # the paused one (students 6–8), the closed one (empty).
    subjects: tuple[DemoSubject, ...]

    @property
    def open_subject(self) -> DemoSubject:
        return self.subjects[0]

    @property
    def paused_subject(self) -> DemoSubject:
        return self.subjects[1]

    @property
    def closed_subject(self) -> DemoSubject:
        return self.subjects[2]


@dataclass(frozen=True)
class DemoTemplate:
    path: Path
    world: DemoWorld


async def account(username: str) -> UserView:
    """The stored account of a user, as services take it."""
    found = await accounts.find_user(username)
    assert found is not None, username
    return found


# --- signing in ---------------------------------------------------------------------------------


async def sign_in(user: User, username: str, password: str = PASSWORD, *, path: str = "/") -> None:
    """Sign in on the sign-in page's form, as a browser sends it, and open ``path``."""
    answer = await submit_sign_in(user, username, password, next_path=path)
    assert answer.status_code == 303, f"sign-in refused ({answer.status_code}): {refusal(answer)}"
    await user.open(answer.headers["location"])
    await user.should_see(marker="user-menu", retries=PATIENCE)
    await settle(user)


async def submit_sign_in(
    user: User,
    username: str,
    password: str,
    *,
    next_path: str = "/",
    method: Literal["password", "ecourses"] = "password",
) -> httpx.Response:
    """Post a form of the sign-in page (components/sign_in_page.py) from this simulated
    browser, after loading the page as a browser does (that gives it its sign-in cookie).
    Signed in, the answer is a redirect to ``next_path``; refused, the page again."""
    if next_path.startswith("/login"):
        next_path = "/"
    await user.http_client.get("/login")
    return await user.http_client.post(
        "/auth/sign-in",
        data={"method": method, "username": username, "password": password, "next": next_path},
    )


def refusal(answer: httpx.Response) -> str:
    """The message a refused sign-in shows above its form ("" if none)."""
    found = re.search(r'role="alert"[^>]*>([^<]*)<', answer.text)
    return html.unescape(found.group(1)) if found else ""


async def settle(user: User) -> None:
    """Wait until the page has sent everything it had queued for the browser.

    NiceGUI's simulation points the global `ui.navigate`/`ui.notify` at whichever simulated
    user was touched last, and a page sending its queued updates touches its user. With several
    simulated browsers, one that is still sending could otherwise take another's navigation.
    """
    assert user.client is not None
    outbox = user.client.outbox
    # A fence: the outbox sends in order, so once a message queued now has gone out, so has
    # everything queued before it.
    fence: dict[str, Any] = {}
    outbox.enqueue_message("eq-test-fence", fence, user.client.id)
    await eventually(
        lambda: "_id" in fence and outbox.next_message_id > fence["_id"], what="a quiet page"
    )


async def wait_for_notice(
    user: User, text: str, *, since: int = 0, patience: int = PATIENCE
) -> None:
    """Wait until a notice containing ``text`` was shown (among those after index ``since``)."""
    for _ in range(patience):
        if any(text in message for message in user.notify.messages[since:]):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"no notice with {text!r}; notices: {user.notify.messages}")


async def eventually(check: Callable[[], Any], *, what: str = "condition") -> None:
    """Wait until ``check()`` (sync or async) is truthy."""
    for _ in range(PATIENCE):
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@overload
def elements(user: User, kind: type[T], *, marker: str | None = None) -> list[T]: ...


@overload
def elements(user: User, *, marker: str) -> list[ui.element]: ...


def elements(user: User, kind: type[Any] = ui.element, *, marker: str | None = None) -> list[Any]:
    """The visible elements of a kind and/or with a marker, in page order (maybe none)."""
    try:
        found = user.find(kind=kind, marker=marker).elements
    except AssertionError:  # `find` insists on at least one
        return []
    # Page order is the tree's, not the order elements were made in: the console moves rows.
    tree = user.client.layout.descendants(include_self=True) if user.client is not None else ()
    order = {e.id: i for i, e in enumerate(tree)}
    return sorted(found, key=lambda element: (order.get(element.id, len(order)), element.id))


def texts(user: User, marker: str) -> list[str]:
    """The texts of the visible labels with ``marker``, in page order."""
    return [getattr(element, "text", "") for element in elements(user, marker=marker)]


def label_texts_within(element: ui.element) -> list[str]:
    """The texts of every label below ``element``, in page order."""
    return [
        child.text
        for child in sorted(element.descendants(), key=lambda e: e.id)
        if isinstance(child, ui.label | ui.link)
    ]


def page_text(user: User) -> str:
    """All text and HTML content on the page, for "never shows the data" checks.

    A queue's list (the students' and the console's) is drawn in the browser: what it can show
    is the JSON it was built with and the snapshot it was last sent, so both count as text on
    the page.
    """
    parts: list[str] = []
    with user:
        for element in user.current_layout.descendants():
            for attribute in ("text", "content", "value"):
                value = getattr(element, attribute, None)
                if isinstance(value, str):
                    parts.append(value)
            label = element.props.get("label")
            if isinstance(label, str):
                parts.append(label)
            if isinstance(element, QueueView | ConsoleList):
                parts.append(str(element.props.get("initial", "")))
                parts.extend(snapshot_texts(element.snapshot))
    return "\n".join(parts)


# --- the queue's list (drawn in the browser from a snapshot) -------------------------------------


def queue_view(user: User) -> QueueView:
    """The page's one browser-drawn queue list."""
    found = elements(user, QueueView, marker="queue-view")
    assert len(found) == 1, f"expected one queue view, found {len(found)}"
    return found[0]


def queue_snapshot(user: User) -> QueueSnapshot:
    """The queue as this page's list was last sent it (what the browser draws)."""
    return queue_view(user).snapshot


async def queue_snapshot_when(
    user: User, check: Callable[[QueueSnapshot], Any], *, what: str = "a queue update"
) -> QueueSnapshot:
    """Wait until the snapshot sent to this page's list satisfies ``check``; return it."""
    await eventually(lambda: check(queue_snapshot(user)), what=what)
    return queue_snapshot(user)


def join_offer(user: User) -> JoinOffer | None:
    """The task picker and join button the page's list draws above itself, if it does."""
    found = elements(user, QueueView, marker="queue-view")
    return found[0].offer if len(found) == 1 else None


async def join_offered(user: User, *, offered: bool = True) -> JoinOffer | None:
    """Wait until the list offers to join (or, with ``offered=False``, no longer does)."""
    await eventually(
        lambda: (join_offer(user) is not None) is offered,
        what="the offer to join" if offered else "no offer to join",
    )
    return join_offer(user)


def press_join(user: User, task_id: int | None = None) -> None:
    """What the browser sends when the join button under the picker is pressed."""
    user.find(kind=QueueView, marker="queue-view").trigger("join", task_id)


def entry_names(snapshot: QueueSnapshot) -> list[str]:
    """The names on the list, first in the queue first."""
    return [entry.display_name for entry in snapshot.entries]


def snapshot_texts(snapshot: QueueSnapshot) -> list[str]:
    """Every text the browser draws from ``snapshot``'s entries."""
    return [
        text
        for entry in snapshot.entries
        for text in (entry.display_name, entry.task_name)
        if text is not None
    ]


# --- the demo world -------------------------------------------------------------------------------


def build_demo_template(empty_template: Path, folder: Path) -> DemoTemplate:
    """Seed the demo world once into a copy of the migrated schema (in a loop of its own)."""
    path = folder / "demo.sqlite3"
    shutil.copyfile(empty_template, path)
    path.chmod(0o600)  # as the app makes its database: no warning about its mode
    settings = Settings(
        environment="test",
        database_url=f"sqlite+aiosqlite:///{path}",
        data_dir=folder,
        secret="ui-demo-secret-" + "z" * 32,
    )

    async def seed() -> DemoWorld:
        rt = runtime.build(settings, load_snapshot=load_snapshot)
        runtime.install(rt)
        try:
            assert await demo.seed()
            return await _collect_world()
        finally:
            runtime.install(None)
            await rt.db.dispose()

    with _quick_hashing(), ThreadPoolExecutor(1) as pool:
        world = pool.submit(lambda: asyncio.run(seed())).result()
    return DemoTemplate(path=path, world=world)


async def load_database(database_url: str, source: Path) -> None:
    """Put a copy of ``source`` in place of the running app's SQLite database."""
    await runtime.current().db.dispose()  # no connection may keep the old file open
    target = Path(make_url(database_url).database or "")
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
        if Path(f"{source}{suffix}").exists():
            shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")
    shutil.copyfile(source, target)


@contextmanager
def _quick_hashing():  # type: ignore[no-untyped-def]
    original = accounts._hasher
    accounts._hasher = QUICK_HASHER
    try:
        yield
    finally:
        accounts._hasher = original


async def _collect_world() -> DemoWorld:
    names = ["leader", "teacher", "applicant", "newcomer", "admin"]
    names += [f"student{n}" for n in range(1, 11)]
    users = {name: (await account(name)).id for name in names}
    leader = await account("leader")
    (workspace,) = await workspaces.list_my_workspaces(actor=leader)
    made = []
    for subject in await subjects.list_subjects(workspace.id, actor=leader):
        items = await tasks.list_tasks(subject.id, actor=leader)
        assert subject.queue_id is not None
        made.append(
            DemoSubject(
                id=subject.id,
                name=subject.name,
                queue_id=subject.queue_id,
                task_ids=tuple(t.id for t in items),
                task_names=tuple(t.name for t in items),
            )
        )
    made.sort(key=lambda s: s.id)  # in seeding order
    return DemoWorld(
        group_id=workspace.group_id,
        group_name=demo.DEMO_GROUP,
        workspace_id=workspace.id,
        workspace_name=workspace.name,
        users=users,
        subjects=tuple(made),
    )


# --- the console, the board and the turn banner (appended) ---------------------------------------


def press_key(user: User, key: str, **modifiers: bool) -> None:
    """Press and release ``key`` on the page, as `ui.keyboard` reports it from the browser."""
    keyboard = user.find(kind=ui.keyboard)
    assert len(keyboard.elements) == 1, "expected one keyboard listener on the page"
    for action in ("keydown", "keyup"):
        keyboard.trigger(
            "key",
            {
                "action": action,
                "repeat": False,
                "key": key,
                "code": f"Key{key.upper()}" if len(key) == 1 else key,
                "location": 0,
                "altKey": modifiers.get("alt", False),
                "ctrlKey": modifiers.get("ctrl", False),
                "metaKey": modifiers.get("meta", False),
                "shiftKey": modifiers.get("shift", False),
            },
        )


def desk_names(user: User) -> list[str]:
    """The students at the console's desk (called), in page order."""
    return texts(user, "desk-name")


def console_list(user: User) -> ConsoleList:
    """The console's one browser-drawn list of the waiting."""
    found = elements(user, ConsoleList, marker="console-list")
    assert len(found) == 1, f"expected one console list, found {len(found)}"
    return found[0]


def console_names(user: User) -> list[str]:
    """The console's list of the waiting (and frozen) students, first in the queue first, as
    its browser was last sent it."""
    return [entry.display_name for entry in console_list(user).snapshot.in_line]


def press_in_console_list(user: User, button: Literal["skip", "remove"], name: str) -> None:
    """What the browser sends when ``button`` is pressed in the row of the waiting ``name``."""
    (entry,) = [e for e in console_list(user).snapshot.in_line if e.display_name == name]
    user.find(kind=ConsoleList, marker="console-list").trigger(button, entry.id)


def board_view(user: User) -> BoardView:
    """The page's one classroom board."""
    found = elements(user, BoardView, marker="board")
    assert len(found) == 1, f"expected one board, found {len(found)}"
    return found[0]


def turn_banner_shown(user: User) -> bool:
    """Whether the page shows its "your turn" banner (visible, and not hidden by a class)."""
    return any("hidden" not in banner.classes for banner in elements(user, marker="turn-banner"))


async def submit_form(user: User, button_marker: str) -> None:
    """Press a submit item of a plain HTML form (components/post_forms.py) as a browser does:
    POST the form's fields and the pressed item's name=value from this site, then load the page
    it redirects to. (The simulation runs no browser, so it cannot submit forms itself.)"""
    (button,) = user.find(marker=button_marker).elements
    form = next(element for element in button.ancestors() if element.tag == "form")
    fields = {
        str(field.props["name"]): str(field.props["value"])
        for field in form.descendants()
        if field.tag == "input" and field.props.get("type") == "hidden"
    }
    if button.props.get("name"):
        fields[str(button.props["name"])] = str(button.props["value"])
    response = await user.http_client.post(
        str(form.props["action"]),
        data=fields,
        headers={"Origin": "http://test", "Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 303, response.text
    await user.open(response.headers["location"])


async def in_user_menu(user: User, marker: str) -> None:
    """Open the user menu (built on first use) until it offers ``marker``; retried, because a
    navigation may replace the page (and its menu) meanwhile."""
    for _ in range(PATIENCE):
        if _has(user, marker):
            return
        if _has(user, "user-menu"):
            user.find(marker="user-menu").click()
        await asyncio.sleep(0.1)
    await user.should_see(marker=marker)


def _has(user: User, marker: str) -> bool:
    try:
        user.find(marker=marker)
    except AssertionError:
        return False
    return True


# --- the plain sign-in page: what a browser is shown, and its forms (appended) -------------------

# The plain HTML page each simulated browser shows now, if not a NiceGUI page (tests/ui/conftest.py,
# `plain_pages_open`, keeps it when the browser opens one).
_SHOWN: WeakKeyDictionary[User, httpx.Response] = WeakKeyDictionary()
# What a browser sends with a form of the site's own page (equeue_ui/browser_guard.py checks it).
SAME_SITE = {"Origin": "http://test", "Sec-Fetch-Site": "same-origin"}


def show_page(user: User, page: httpx.Response | None) -> None:
    """Record that ``user``'s browser shows the plain HTML ``page`` (None: a NiceGUI page)."""
    if page is None:
        _SHOWN.pop(user, None)
    else:
        _SHOWN[user] = page


def shown_page(user: User) -> httpx.Response | None:
    """The plain HTML page this simulated browser shows, if it shows one rather than a NiceGUI
    page."""
    return _SHOWN.get(user)


async def shows_sign_in_page(user: User, *, patience: int = PATIENCE) -> httpx.Response:
    """Wait until this simulated browser shows the sign-in page (whether a link, a redirect or
    its page's own navigation took it there); return that page."""
    for _ in range(patience):
        _touch(user)
        page = _SHOWN.get(user)
        if page is not None and marked(page, "sign-in-form"):
            return page
        await asyncio.sleep(0.1)
    shown = shown_page(user)
    raise AssertionError(
        "not on the sign-in page; showing "
        + (f"plain {shown.url}" if shown is not None else f"NiceGUI's {user.back_history[-1:]}")
    )


def _touch(user: User) -> None:
    """Point the simulation's global `ui.navigate` at ``user``, as `should_see` does while it
    waits (reading any attribute of a `User` does): a navigation that this browser's own open
    page starts then comes to this browser, not to whichever one was touched last."""
    _ = user.back_history


async def submit_plain_form(user: User, page: httpx.Response, button: str) -> httpx.Response:
    """Press the submit button marked ``button`` on a plain HTML ``page`` as a browser does:
    POST its form's fields and the button's name=value from this site. Returns the answer
    (not followed)."""
    (pressed,) = marked(page, button)
    form = pressed.find_parent("form")
    assert form is not None, button
    fields = form_fields(form)
    if pressed.has_attr("name"):
        fields[str(pressed["name"])] = str(pressed.get("value", ""))
    return await user.http_client.post(str(form["action"]), data=fields, headers=SAME_SITE)


def marked(page: httpx.Response | str, testid: str) -> list[Tag]:
    """The elements of a plain HTML page with ``data-testid="{testid}"``, in page order."""
    text = page.text if isinstance(page, httpx.Response) else page
    return list(BeautifulSoup(text, "html.parser").select(f'[data-testid="{testid}"]'))


def marked_text(page: httpx.Response | str, testid: str) -> str:
    """The text of the one element with ``data-testid="{testid}"`` on a plain HTML page, with
    the whitespace of the HTML source collapsed."""
    found = marked(page, testid)
    assert len(found) == 1, f"expected one {testid!r}, found {len(found)}"
    return " ".join(found[0].get_text().split())


def form_fields(form: Tag) -> dict[str, str]:
    """The name and value of each named input of ``form``: what it sends, besides the pressed
    button's (the plain pages' forms hold nothing but inputs and buttons)."""
    return {
        str(field["name"]): str(field.get("value", ""))
        for field in form.find_all("input", attrs={"name": True})
    }

"""The classroom board: through a secret display link without signing in, or for the queue's
operators; refused otherwise, and at once when its link is revoked."""

from __future__ import annotations

import json
from collections.abc import Callable

from nicegui.testing.user import User

from db.models import EntryStatus
from equeue_ui.services import accounts, boards, queues
from tests.ui.helpers import (
    PATIENCE,
    DemoWorld,
    account,
    board_view,
    elements,
    entry_names,
    eventually,
    join_offered,
    settle,
    sign_in,
    texts,
)

LINK_INVALID = "This board link is not valid: it was revoked or never existed."
NAMES_IN_ORDER = [
    "Алексей Иванов",
    "Мария Кузнецова",
    "Дмитрий Соколов",
    "Елена Попова",
    "Никита Лебедев",
    "Ольга Козлова",
    "Артём Новиков",
]


async def _make_link(user: User, demo: DemoWorld) -> str:
    """Sign the teacher in on the console, make a display link there; returns its path."""
    await sign_in(user, "teacher", path=f"/queues/{demo.open_subject.queue_id}/console")
    user.find(marker="make-link").click()
    await eventually(lambda: "/board/" in "".join(texts(user, "new-link")), what="the new link")
    (url,) = texts(user, "new-link")
    (new_link,) = elements(user, marker="new-link")
    assert "hidden" not in new_link.classes
    assert url.startswith("http://test/board/")
    await settle(user)
    return "/board/" + url.rsplit("/board/", 1)[1]


async def _sees_the_board(viewer: User, path: str) -> None:
    await viewer.open(path)
    await viewer.should_see(marker="board", retries=PATIENCE)
    await viewer.should_not_see(marker="refusal", retries=1)


async def _sees_a_refusal(viewer: User, path: str) -> None:
    await viewer.open(path)
    await viewer.should_see(marker="refusal")
    await viewer.should_see(LINK_INVALID)
    await viewer.should_not_see(marker="board", retries=1)


# --- display links --------------------------------------------------------------------------------


async def test_a_board_without_a_valid_display_link_is_refused(user: User, demo: DemoWorld) -> None:
    for token in ("not-a-link", "x" * 32):
        await _sees_a_refusal(user, f"/board/{token}")
    for name in NAMES_IN_ORDER[:2]:
        await user.should_not_see(name, retries=1)


async def test_a_display_link_made_in_the_console_opens_the_board_without_sign_in(
    user: User, another_user: Callable[[], User], demo: DemoWorld
) -> None:
    subject = demo.open_subject
    path = await _make_link(user, demo)
    await user.should_see(marker="display-link")  # listed for revoking
    projector = another_user()  # nobody signed in
    await _sees_the_board(projector, path)
    await projector.should_not_see(marker="user-menu", retries=1)
    view = board_view(projector)
    assert view.props["subject"] == subject.name
    assert view.props["short-link"] == f"test/q/{subject.queue_id}"
    assert entry_names(view.snapshot) == NAMES_IN_ORDER
    initial = json.loads(view.props["initial"])
    assert [e["name"] for e in initial["entries"]] == NAMES_IN_ORDER
    await settle(projector)
    # The board follows the queue live: the teacher calls the next student.
    user.find(marker="call-next").click()
    await eventually(
        lambda: (
            [e.status for e in board_view(projector).snapshot.entries][:2]
            == [EntryStatus.CALLED, EntryStatus.CALLED]
        ),
        what="the call on the board",
    )


async def test_a_revoked_link_stops_working_at_once(
    user: User, another_user: Callable[[], User], demo: DemoWorld
) -> None:
    path = await _make_link(user, demo)
    projector = another_user()
    await _sees_the_board(projector, path)
    board_page = projector.client
    await settle(projector)
    user.find(marker="revoke-link").click()
    # The simulation's `ui.navigate` serves whichever user was touched last: the projector.
    assert projector.client is board_page
    # The open board reloads into a refusal, without anyone touching it.
    await projector.should_see(marker="refusal", retries=PATIENCE)
    assert projector.client is not board_page
    await projector.should_see(LINK_INVALID)
    await projector.should_not_see(marker="board", retries=1)
    await user.should_not_see(marker="display-link", retries=PATIENCE)
    # Opening the link again is refused too.
    await _sees_a_refusal(projector, path)


async def test_revoking_one_link_leaves_the_other_boards_running(
    user: User, another_user: Callable[[], User], demo: DemoWorld
) -> None:
    queue_id = demo.open_subject.queue_id
    teacher = await account("teacher")
    kept = await boards.create_display_link(queue_id, actor=teacher, label="room 4-12")
    revoked = await boards.create_display_link(queue_id, actor=teacher, label="corridor")
    await _sees_the_board(user, f"/board/{kept.token}")
    board_page = user.client
    await boards.revoke_display_link(revoked.link.id, actor=teacher)
    await queues.call_next(queue_id, actor=teacher)
    await eventually(
        lambda: (
            [e.status for e in board_view(user).snapshot.entries].count(EntryStatus.CALLED) == 2
        ),
        what="the next change on the board",
    )
    assert user.client is board_page
    await _sees_a_refusal(user, f"/board/{revoked.token}")


async def test_a_board_reloads_with_the_names_setting_when_it_changes(
    user: User, demo: DemoWorld
) -> None:
    subject = demo.open_subject
    teacher = await account("teacher")
    link = await boards.create_display_link(subject.queue_id, actor=teacher)
    await _sees_the_board(user, f"/board/{link.token}")
    first = user.client
    shown_in_full = board_view(user).props["full-names"]
    await boards.set_board_names(subject.id, not shown_in_full, actor=teacher)
    await eventually(lambda: user.client is not first, what="the board to reload")
    await user.should_see(marker="board", retries=PATIENCE)
    assert board_view(user).props["full-names"] is (not shown_in_full)


# --- the operators' board -------------------------------------------------------------------------


async def test_the_operators_board_is_refused_to_a_student(user: User, demo: DemoWorld) -> None:
    await sign_in(user, "student5")
    await user.open(f"/queues/{demo.open_subject.queue_id}/board")  # full screen: no header
    await user.should_see(marker="refusal")
    await user.should_see("Only the subject's teachers and workspace admins run the queue.")
    await user.should_not_see(marker="board", retries=1)


async def test_the_teacher_opens_the_board_of_their_queue(user: User, demo: DemoWorld) -> None:
    subject = demo.open_subject
    await sign_in(user, "teacher", path=f"/queues/{subject.queue_id}/console")
    (board_link,) = elements(user, marker="open-board")
    assert board_link.props["href"] == f"/queues/{subject.queue_id}/board"
    await user.open(f"/queues/{subject.queue_id}/board")
    await user.should_see(marker="board")
    assert entry_names(board_view(user).snapshot) == NAMES_IN_ORDER
    await user.open(f"/queues/{demo.closed_subject.queue_id}/board")  # not their subject
    await user.should_see(marker="refusal")
    await user.should_not_see(marker="board", retries=1)


async def test_the_short_join_link_leads_to_the_queue(user: User, demo: DemoWorld) -> None:
    queue_id = demo.open_subject.queue_id
    await sign_in(user, "student8", path=f"/q/{queue_id}")
    await join_offered(user)
    await user.should_see(marker="queue-view")
    assert texts(user, "queue-subject") == [demo.open_subject.name]


async def test_the_board_speaks_the_readers_language(user: User, demo: DemoWorld) -> None:
    await accounts.set_preferences(actor=await account("teacher"), language="ru")
    await sign_in(user, "teacher")
    await user.open(f"/queues/{demo.open_subject.queue_id}/board")
    await user.should_see(marker="board")
    labels = board_view(user).props["labels"]
    # The QR code's name for screen readers, the frozen mark and the names left over.
    assert labels["qr"] == "QR-код ссылки для записи в очередь"
    assert labels["frozen"] == "заморожен"
    assert labels["more"]["many"] == "и ещё {n}"
    # Beside the number waiting, in the form the browser's Russian plural rules pick for it.
    assert labels["lang"] == "ru"
    assert labels["waiting"] == {
        "one": "Ожидает",
        "few": "Ожидают",
        "many": "Ожидают",
        "other": "Ожидают",
    }
    assert labels["serving"] == "Сейчас сдаёт"

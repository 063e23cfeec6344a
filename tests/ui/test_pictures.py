"""Pictures in the UI: the route that serves them; the picture section of the profile page; pictures
where people appear (member lists, the console's desk, queue lists) shown live; the board's
setting."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from nicegui import core, ui
from nicegui.testing.user import User
from PIL import Image

from equeue_ui.live_transport import payload_json
from equeue_ui.services import accounts, avatars, boards
from tests.ui import helpers
from tests.ui.helpers import (
    PATIENCE,
    account,
    board_view,
    elements,
    eventually,
    queue_snapshot,
    sign_in,
    texts,
    wait_for_notice,
)


@pytest.fixture
async def http(user: User) -> AsyncIterator[httpx.AsyncClient]:
    """Plain requests to the app the ``user`` fixture started."""
    transport = httpx.ASGITransport(app=core.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


def png(colour: str = "teal") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, "PNG")
    return out.getvalue()


async def test_a_picture_is_served_for_good_under_its_key_and_an_old_key_is_gone(
    http: httpx.AsyncClient, demo: helpers.DemoWorld
) -> None:
    student = await accounts.get_user(demo.users["student1"])
    first = await avatars.upload_picture(png(), actor=student)
    assert first.picture_key is not None
    address = avatars.address(student.id, first.picture_key)

    answer = await http.get(address)

    assert answer.status_code == 200
    assert answer.headers["content-type"] == "image/webp"
    assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" in answer.headers  # the security headers apply
    assert Image.open(io.BytesIO(answer.content)).size == (avatars.SIZE, avatars.SIZE)

    second = await avatars.upload_picture(png("orange"), actor=student)
    assert second.picture_key is not None
    assert (await http.get(address)).status_code == 404
    assert (await http.get(avatars.address(student.id, second.picture_key))).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/pictures/1/" + "0" * 32 + ".webp",  # nobody's key
        "/pictures/99999999999999999999/" + "0" * 32 + ".webp",  # an id no row can have
        "/pictures/1/not-a-key.webp",
        "/pictures/1/" + "0" * 32 + ".png",
        "/pictures/x/" + "0" * 32 + ".webp",
    ],
)
async def test_an_unknown_picture_is_not_found(
    http: httpx.AsyncClient, demo: helpers.DemoWorld, path: str
) -> None:
    answer = await http.get(path)
    assert answer.status_code == 404
    assert "max-age" not in answer.headers.get("cache-control", "")


# --- pictures where people appear -------------------------------------------------------------


def pictures_shown(user: User) -> list[str]:
    """The addresses of the pictures the page shows, in page order."""
    return [str(image.props["src"]) for image in elements(user, marker="avatar-picture")]


async def upload_through(user: User, data: bytes, *, name: str = "me.png") -> None:
    """Hand a file to the page's picture upload, as the browser does once the person chose it."""
    element = user.find(marker="picture-upload").elements.pop()
    assert isinstance(element, ui.upload)
    file = ui.upload.SmallFileUpload(name=name, content_type="image/png", _data=data)
    await element.handle_uploads([file])


PROFILE = "/profile"


async def test_an_upload_shows_at_once_on_another_members_page(
    user: User, another_user: Callable[[], User], demo: helpers.DemoWorld
) -> None:
    viewer = another_user()
    await sign_in(viewer, "student5", path=f"/workspaces/{demo.workspace_id}")
    await viewer.should_see(marker="members")
    assert pictures_shown(viewer) == []  # nobody has a picture: initials
    assert elements(viewer, marker="avatar-initials")

    await sign_in(user, "student1", path=PROFILE)
    await user.should_see(marker="picture-section", retries=PATIENCE)
    await upload_through(user, png())
    await wait_for_notice(user, "Picture saved.")
    assert elements(user, marker="profile-avatar")
    me = await account("student1")
    assert me.picture_key is not None
    address = avatars.address(me.id, me.picture_key)
    assert pictures_shown(user) == [address]

    await eventually(lambda: address in pictures_shown(viewer), what="the picture on the list")
    # on the member list and the leaderboard
    shown = [e for e in elements(viewer, marker="avatar-picture") if e.props["src"] == address]
    assert len(shown) == 2 and {image.props["alt"] for image in shown} == {"Алексей Иванов"}


async def test_a_file_that_is_no_picture_is_refused_and_nothing_changes(
    user: User, demo: helpers.DemoWorld
) -> None:
    await sign_in(user, "student1", path=PROFILE)
    await user.should_see(marker="picture-section", retries=PATIENCE)
    await upload_through(user, b"%PDF-1.7\n" + b"x" * 500, name="holiday.png")
    await wait_for_notice(user, "This file is not a picture: choose a JPEG, PNG, WebP or GIF.")
    assert (await account("student1")).picture_key is None
    assert pictures_shown(user) == [] and elements(user, marker="avatar-initials")


async def test_removing_the_picture_shows_the_initials_again(
    user: User, demo: helpers.DemoWorld
) -> None:
    await avatars.upload_picture(png(), actor=await account("student1"))
    await sign_in(user, "student1", path=PROFILE)
    await user.should_see(marker="remove-picture", retries=PATIENCE)
    user.find(marker="remove-picture").click()
    await wait_for_notice(user, "Picture removed.")
    assert (await account("student1")).picture_key is None
    await user.should_not_see(marker="avatar-picture")
    await user.should_not_see(marker="remove-picture")


async def test_the_console_desk_card_shows_who_was_called(
    user: User, demo: helpers.DemoWorld
) -> None:
    # student1 is at the desk in the demo's open queue
    shown = await avatars.upload_picture(png(), actor=await account("student1"))
    assert shown.picture_key is not None
    await sign_in(user, "teacher", path=f"/queues/{demo.open_subject.queue_id}/console")
    await user.should_see(marker="at-desk", retries=PATIENCE)
    (desk_avatar,) = elements(user, marker="desk-avatar")
    (image,) = [e for e in desk_avatar.descendants() if e.tag == "img"]
    assert image.props["src"] == avatars.address(shown.id, shown.picture_key)
    assert image.props["alt"] == "Алексей Иванов"


async def test_queue_lists_carry_the_picture_and_show_a_new_one_live(
    user: User, demo: helpers.DemoWorld
) -> None:
    await sign_in(user, "student5", path=f"/queues/{demo.open_subject.queue_id}")
    await user.should_see(marker="queue-view", retries=PATIENCE)
    shown = await avatars.upload_picture(png(), actor=await account("student2"))
    await eventually(
        lambda: any(
            entry.picture_key == shown.picture_key for entry in queue_snapshot(user).entries
        ),
        what="the queue list with the new picture",
    )
    data = json.loads(payload_json(queue_snapshot(user)))
    (row,) = [entry for entry in data["entries"] if entry["user_id"] == shown.id]
    assert row["pic"] == shown.picture_key


async def test_the_board_shows_pictures_only_when_the_subject_allows_them(
    user: User, demo: helpers.DemoWorld
) -> None:
    subject = demo.open_subject
    teacher = await account("teacher")
    await avatars.upload_picture(png(), actor=await account("student1"))
    link = await boards.create_display_link(subject.queue_id, actor=teacher)
    await user.open(f"/board/{link.token}")
    await user.should_see(marker="board", retries=PATIENCE)
    first = user.client
    assert board_view(user).props["pictures"] is False  # off unless the subject allows them

    await boards.set_board_pictures(subject.id, True, actor=teacher)

    await eventually(lambda: user.client is not first, what="the board to reload")
    await user.should_see(marker="board", retries=PATIENCE)
    assert board_view(user).props["pictures"] is True
    assert any(entry.picture_key for entry in board_view(user).snapshot.entries)


async def test_pictures_on_the_board_are_switched_on_in_the_queue_settings(
    user: User, demo: helpers.DemoWorld
) -> None:
    subject = demo.open_subject
    await sign_in(user, "leader", path=f"/subjects/{subject.id}/settings")
    await user.should_see(marker="open-queue-settings", retries=PATIENCE)
    assert "No pictures on the board" in texts(user, "queue-fact")
    user.find(marker="open-queue-settings").click()
    await user.should_see(marker="queue-settings", retries=PATIENCE)
    user.find(marker="setting-board-pictures").click()
    user.find(marker="save-settings").click()
    await wait_for_notice(user, "Saved.")
    await eventually(lambda: "Pictures on the board" in texts(user, "queue-fact"), what="summary")
    board = await boards.board_for_operator(subject.queue_id, actor=await account("leader"))
    assert board.pictures is True

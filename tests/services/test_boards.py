"""Classroom boards (SPEC §6): secret display links that show a queue's board without signing
in, the board a signed-in operator opens, and whether it shows names in full."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from db.models import DisplayLink, Subject
from equeue_ui.errors import ForbiddenError, InvalidError, NotFoundError
from equeue_ui.events import DisplayLinkRevoked
from equeue_ui.runtime import Runtime
from equeue_ui.services import boards, site
from equeue_ui.services.boards import BoardInfo, NewDisplayLink
from tests.services import queue_world
from tests.services.queue_world import QueueWorld

# Users who run the queue: the subject's teacher, the workspace's admin, a site admin.
OPERATORS = ["teacher", "admin", "site_admin"]
# Everybody else, including members (who see the queue) and teachers of other subjects.
NOT_OPERATORS = ["member", "pending", "outsider", "stranger", "other_teacher", "unassigned_teacher"]


@pytest.fixture
async def qw(rt: Runtime) -> QueueWorld:
    return await queue_world.make_queue_world(rt)


async def make_link(qw: QueueWorld, label: str = "Room 101") -> NewDisplayLink:
    """A display link of the queue world's queue, made by its teacher."""
    return await boards.create_display_link(qw.queue_id, actor=qw.teacher, label=label)


async def stored_links(rt: Runtime) -> list[DisplayLink]:
    async with rt.db.read_session() as session:
        return list(await session.scalars(select(DisplayLink).order_by(DisplayLink.id)))


async def stored_board_names(rt: Runtime, subject_id: int) -> bool | None:
    async with rt.db.read_session() as session:
        subject = await session.get(Subject, subject_id)
        assert subject is not None
        return subject.board_full_names


async def set_subject_board_names(rt: Runtime, subject_id: int, value: bool | None) -> None:
    async with rt.db.write_session() as session:
        subject = await session.get(Subject, subject_id)
        assert subject is not None
        subject.board_full_names = value
        await session.commit()


async def set_site_board_names(rt: Runtime, value: bool) -> None:
    async with rt.db.write_session() as session:
        await site.put_setting(session, "board_full_names", value)
        await session.commit()


def record_revocations(rt: Runtime) -> list[DisplayLinkRevoked]:
    seen: list[DisplayLinkRevoked] = []
    rt.bus.subscribe(DisplayLinkRevoked, seen.append)
    return seen


# --- who manages display links ----------------------------------------------------------------


@pytest.mark.parametrize("role", OPERATORS)
async def test_the_queues_operators_create_list_and_revoke_display_links(
    qw: QueueWorld, role: str
) -> None:
    actor = qw.by_role(role)
    made = await boards.create_display_link(qw.queue_id, actor=actor, label="  Room 101 ")
    assert (made.link.queue_id, made.link.label, made.link.revoked) == (
        qw.queue_id,
        "Room 101",
        False,
    )
    assert await boards.list_display_links(qw.queue_id, actor=actor) == [made.link]

    await boards.revoke_display_link(made.link.id, actor=actor)
    [listed] = await boards.list_display_links(qw.queue_id, actor=actor)
    assert (listed.id, listed.revoked) == (made.link.id, True)


@pytest.mark.parametrize("role", NOT_OPERATORS)
async def test_nobody_else_creates_lists_or_revokes_display_links(
    rt: Runtime, qw: QueueWorld, role: str
) -> None:
    actor = qw.by_role(role)
    made = await make_link(qw)

    with pytest.raises(ForbiddenError):
        await boards.create_display_link(qw.queue_id, actor=actor)
    with pytest.raises(ForbiddenError):
        await boards.list_display_links(qw.queue_id, actor=actor)
    with pytest.raises(ForbiddenError):
        await boards.revoke_display_link(made.link.id, actor=actor)

    [stored] = await stored_links(rt)
    assert stored.revoked_at is None
    assert (await boards.board_for_link(made.token)).queue_id == qw.queue_id


async def test_links_are_listed_newest_first_per_queue(rt: Runtime, qw: QueueWorld) -> None:
    first, second = await make_link(qw, "Front"), await make_link(qw, "Back")
    elsewhere = await queue_world.make_subject_queue(rt, qw.world.workspace_id, "Chemistry")
    await boards.create_display_link(elsewhere.queue_id, actor=qw.world.admin)

    listed = await boards.list_display_links(qw.queue_id, actor=qw.teacher)
    assert [(link.id, link.label) for link in listed] == [
        (second.link.id, "Back"),
        (first.link.id, "Front"),
    ]


async def test_a_label_longer_than_255_characters_is_refused(rt: Runtime, qw: QueueWorld) -> None:
    with pytest.raises(InvalidError):
        await make_link(qw, "x" * 256)
    assert await stored_links(rt) == []
    assert (await make_link(qw, "x" * 255)).link.label == "x" * 255


async def test_links_of_an_unknown_queue_or_link_are_refused(qw: QueueWorld) -> None:
    with pytest.raises(NotFoundError):
        await boards.create_display_link(999_999, actor=qw.world.site_admin)
    with pytest.raises(NotFoundError):
        await boards.revoke_display_link(999_999, actor=qw.world.site_admin)


# --- the secret -------------------------------------------------------------------------------


async def test_the_token_is_returned_once_and_only_its_hash_is_stored(
    rt: Runtime, qw: QueueWorld
) -> None:
    made, other = await make_link(qw), await make_link(qw)
    assert len(made.token) >= 32 and made.token != other.token

    stored = (await stored_links(rt))[0]
    assert stored.token_hash == hashlib.sha256(made.token.encode()).hexdigest()
    assert made.token not in {str(value) for value in vars(stored).values()}
    listed = await boards.list_display_links(qw.queue_id, actor=qw.teacher)
    assert all(not hasattr(link, "token") for link in listed)


# --- opening a board --------------------------------------------------------------------------


async def test_a_display_link_shows_the_board_without_any_user(qw: QueueWorld) -> None:
    made = await make_link(qw)
    assert await boards.board_for_link(made.token) == BoardInfo(
        queue_id=qw.queue_id,
        subject_id=qw.subject_id,
        subject_name="Algebra",
        full_names=False,
        link_id=made.link.id,
    )


async def test_an_unknown_token_shows_no_board(qw: QueueWorld) -> None:
    made = await make_link(qw)
    for token in ["", "not-a-token", made.token + "x", made.token.upper()]:
        with pytest.raises(NotFoundError):
            await boards.board_for_link(token)


async def test_a_revoked_link_stops_showing_the_board_at_once(qw: QueueWorld) -> None:
    made, kept = await make_link(qw), await make_link(qw)
    await boards.board_for_link(made.token)

    await boards.revoke_display_link(made.link.id, actor=qw.world.admin)

    with pytest.raises(NotFoundError):
        await boards.board_for_link(made.token)
    assert (await boards.board_for_link(kept.token)).link_id == kept.link.id


async def test_revoking_publishes_display_link_revoked_once_committed(
    rt: Runtime, qw: QueueWorld
) -> None:
    made = await make_link(qw)
    refused: list[bool] = []

    async def open_the_board_again(event: DisplayLinkRevoked) -> None:
        try:
            await boards.board_for_link(made.token)
            refused.append(False)
        except NotFoundError:
            refused.append(True)

    seen = record_revocations(rt)
    rt.bus.subscribe(DisplayLinkRevoked, open_the_board_again)
    await boards.revoke_display_link(made.link.id, actor=qw.teacher)

    assert seen == [DisplayLinkRevoked(qw.queue_id, made.link.id)]
    assert refused == [True]


async def test_revoking_twice_publishes_once_and_keeps_the_first_time(
    rt: Runtime, qw: QueueWorld
) -> None:
    made = await make_link(qw)
    seen = record_revocations(rt)
    await boards.revoke_display_link(made.link.id, actor=qw.teacher)
    [first] = await stored_links(rt)

    await boards.revoke_display_link(made.link.id, actor=qw.world.admin)

    [second] = await stored_links(rt)
    assert second.revoked_at == first.revoked_at is not None
    assert seen == [DisplayLinkRevoked(qw.queue_id, made.link.id)]


async def test_a_refused_revocation_publishes_nothing(rt: Runtime, qw: QueueWorld) -> None:
    made = await make_link(qw)
    seen = record_revocations(rt)
    with pytest.raises(ForbiddenError):
        await boards.revoke_display_link(made.link.id, actor=qw.world.member)
    assert seen == []


@pytest.mark.parametrize("role", OPERATORS)
async def test_operators_open_the_board_signed_in(qw: QueueWorld, role: str) -> None:
    board = await boards.board_for_operator(qw.queue_id, actor=qw.by_role(role))
    assert board == BoardInfo(
        queue_id=qw.queue_id,
        subject_id=qw.subject_id,
        subject_name="Algebra",
        full_names=False,
        link_id=None,
    )


@pytest.mark.parametrize("role", NOT_OPERATORS)
async def test_nobody_else_opens_the_board_signed_in(qw: QueueWorld, role: str) -> None:
    with pytest.raises(ForbiddenError):
        await boards.board_for_operator(qw.queue_id, actor=qw.by_role(role))


async def test_a_blocked_teacher_cannot_open_the_board(rt: Runtime, qw: QueueWorld) -> None:
    await queue_world.block(rt, qw.teacher)
    with pytest.raises(ForbiddenError):
        await boards.board_for_operator(qw.queue_id, actor=qw.teacher)


# --- names in full or "First L." ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("subject_setting", "site_setting", "full_names"),
    [
        (None, None, False),  # nothing set: the site's default, short names
        (None, True, True),
        (None, False, False),
        (True, False, True),
        (False, True, False),
        (True, None, True),
    ],
)
async def test_full_names_follow_the_subject_falling_back_to_the_site_setting(
    rt: Runtime,
    qw: QueueWorld,
    subject_setting: bool | None,
    site_setting: bool | None,
    full_names: bool,
) -> None:
    made = await make_link(qw)
    await set_subject_board_names(rt, qw.subject_id, subject_setting)
    if site_setting is not None:
        await set_site_board_names(rt, site_setting)

    assert (await boards.board_for_link(made.token)).full_names is full_names
    assert (await boards.board_for_operator(qw.queue_id, actor=qw.teacher)).full_names is full_names


@pytest.mark.parametrize("role", OPERATORS)
async def test_operators_choose_how_the_board_shows_names(
    rt: Runtime, qw: QueueWorld, role: str
) -> None:
    made = await make_link(qw)
    await set_site_board_names(rt, True)
    actor = qw.by_role(role)

    await boards.set_board_names(qw.subject_id, False, actor=actor)
    assert await stored_board_names(rt, qw.subject_id) is False
    assert (await boards.board_for_link(made.token)).full_names is False

    await boards.set_board_names(qw.subject_id, None, actor=actor)  # back to the site's default
    assert await stored_board_names(rt, qw.subject_id) is None
    assert (await boards.board_for_link(made.token)).full_names is True


async def test_changing_the_names_setting_tells_the_queues_boards(
    rt: Runtime, qw: QueueWorld
) -> None:
    seen = record_revocations(rt)
    await boards.set_board_names(qw.subject_id, True, actor=qw.teacher)
    assert seen == [DisplayLinkRevoked(qw.queue_id, None)]


@pytest.mark.parametrize("role", NOT_OPERATORS)
async def test_nobody_else_chooses_how_the_board_shows_names(
    rt: Runtime, qw: QueueWorld, role: str
) -> None:
    seen = record_revocations(rt)
    with pytest.raises(ForbiddenError):
        await boards.set_board_names(qw.subject_id, True, actor=qw.by_role(role))
    assert await stored_board_names(rt, qw.subject_id) is None
    assert seen == []

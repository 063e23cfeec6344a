"""One's profile (issue 20, point 1): names and a tidied status line, shown at once wherever
the person appears; names of accounts eCourses made stay eCourses'."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from db.models import User
from equeue_ui.errors import ForbiddenError, InvalidError
from equeue_ui.events import MembershipChanged, QueueChanged, UserChanged
from equeue_ui.runtime import Runtime
from equeue_ui.services import accounts, queues
from equeue_ui.services.status_line import MAX_LENGTH, clean_status
from tests.services import factories
from tests.services.queue_world import make_queue_world


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("Страшно учусь 🥲", "Страшно учусь 🥲"),
        ("  two\n\tlines   here ", "two lines here"),
        ("evil\u202etxt.exe", "eviltxt.exe"),  # the right-to-left override would turn it round
        ("in\u200bvis\u2066ible\ufeff", "invisible"),
        ("nul\x00 and bell\x07", "nul and bell"),
        ("👩\u200d💻 coding", "👩\u200d💻 coding"),  # the joiner inside an emoji stays
        ("a\u200db", "ab"),  # and only there
        ("👍🏽 ok", "👍🏽 ok"),
        ("\u202e\u200b", ""),
    ],
)
def test_the_status_line_keeps_emoji_and_drops_what_hides_or_turns_text(
    typed: str, shown: str
) -> None:
    assert clean_status(typed) == shown


def test_a_too_long_status_line_is_refused_with_its_limit() -> None:
    assert clean_status("й" * MAX_LENGTH) == "й" * MAX_LENGTH
    with pytest.raises(InvalidError) as refused:
        clean_status("й" * (MAX_LENGTH + 1))
    assert (
        refused.value.render("en") == f"The status is too long (at most {MAX_LENGTH} characters)."
    )


async def test_a_renamed_student_shows_renamed_in_the_queue_and_member_lists(rt: Runtime) -> None:
    qw = await make_queue_world(rt, students=2)
    student = qw.students[0]
    await queues.join_queue(qw.queue_id, actor=student)
    before = await queues.load_snapshot(qw.queue_id)
    assert before is not None
    seen: list[object] = []
    for kind in (QueueChanged, MembershipChanged, UserChanged):
        rt.bus.subscribe(kind, seen.append)

    renamed = await accounts.update_profile(
        actor=student, first_name=" Анна ", last_name="Петрова", status_text="Учусь 🥲"
    )

    assert (renamed.display_name, renamed.status_text) == ("Анна Петрова", "Учусь 🥲")
    after = await queues.load_snapshot(qw.queue_id)
    assert after is not None and after.version > before.version
    assert [entry.display_name for entry in after.entries] == ["Анна Петрова"]
    assert QueueChanged(qw.queue_id, after.version) in seen
    assert MembershipChanged(qw.world.workspace_id, student.id) in seen
    assert UserChanged(student.id) in seen


async def test_saving_the_same_profile_again_changes_nothing(rt: Runtime) -> None:
    qw = await make_queue_world(rt, students=1)
    student = qw.students[0]
    await queues.join_queue(qw.queue_id, actor=student)
    before = await queues.load_snapshot(qw.queue_id)
    seen: list[object] = []
    rt.bus.subscribe(UserChanged, seen.append)

    await accounts.update_profile(
        actor=student, first_name=student.first_name, last_name=student.last_name
    )

    after = await queues.load_snapshot(qw.queue_id)
    assert before is not None and after is not None and after.version == before.version
    assert seen == []


async def test_names_of_an_account_ecourses_made_stay_but_its_status_changes(
    rt: Runtime,
) -> None:
    made = await factories.make_user(rt, "ivanov@ecourses", first_name="Иван", last_name="Иванов")
    async with rt.db.write_session() as session:
        await session.execute(update(User).where(User.id == made.id).values(ecourses_user_id=7))
        await session.commit()
    ivan = await accounts.get_user(made.id)
    assert accounts.names_from_ecourses(ivan)

    with pytest.raises(ForbiddenError) as refused:
        await accounts.update_profile(actor=ivan, first_name="Ваня", last_name="Иванов")
    assert "eCourses" in refused.value.render("en")

    kept = await accounts.update_profile(
        actor=ivan, first_name="Иван", last_name="Иванов", status_text="На паре"
    )
    assert (kept.display_name, kept.status_text) == ("Иван Иванов", "На паре")


async def test_a_local_account_linked_to_ecourses_keeps_its_own_names(rt: Runtime) -> None:
    alice = await accounts.register("alice", "correct horse battery", first_name="Alice")
    async with rt.db.write_session() as session:
        await session.execute(update(User).where(User.id == alice.id).values(ecourses_user_id=8))
        await session.commit()
    linked = await accounts.get_user(alice.id)
    assert not accounts.names_from_ecourses(linked)
    renamed = await accounts.update_profile(actor=linked, first_name="Alicia", last_name="")
    assert renamed.display_name == "Alicia"

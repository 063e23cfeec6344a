"""Teacher invites: a workspace admin makes one on the subject page; a user with the teacher role
who accepts it teaches the subject; revoked, unknown or misused invites are refused."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from nicegui.testing.user import User

from equeue_ui.services import accounts, subjects, teaching
from tests.ui.helpers import (
    PATIENCE,
    DemoWorld,
    account,
    elements,
    eventually,
    settle,
    sign_in,
    texts,
    wait_for_notice,
)

INVITE_INVALID = "This invite link is not valid: it was revoked, has expired or never existed."
DOCENT_PASSWORD = "long-enough-1"


async def _docent() -> None:
    """A new user outside every group, given the teacher role by the site admin."""
    docent = await accounts.register(
        "docent", DOCENT_PASSWORD, first_name="Олег", last_name="Доцентов", enforce_setting=False
    )
    await accounts.set_roles(docent.id, actor=await account("admin"), teacher=True)


async def _make_invite(user: User, subject_id: int) -> str:
    """The workspace admin makes an invite on the subject page; returns the invite's path."""
    await sign_in(user, "leader", path=f"/subjects/{subject_id}")
    await user.should_see(marker="teachers")
    user.find(marker="make-invite").click()
    await eventually(lambda: "/invites/teacher/" in "".join(texts(user, "new-invite")), what="link")
    (url,) = texts(user, "new-invite")
    assert url.startswith("http://test/invites/teacher/")
    await user.should_see(marker="teacher-invite", retries=PATIENCE)
    await settle(user)
    return "/invites/teacher/" + url.rsplit("/invites/teacher/", 1)[1]


@pytest.mark.usefixtures("quick_passwords")
async def test_an_invite_made_on_the_subject_page_makes_a_teacher_of_the_subject(
    user: User, another_user: Callable[[], User], demo: DemoWorld
) -> None:
    subject = demo.closed_subject  # nobody teaches it yet
    await _docent()
    path = await _make_invite(user, subject.id)
    docent = another_user()
    await sign_in(docent, "docent", DOCENT_PASSWORD, path=path)
    assert texts(docent, "invite-subject") == [f"You are invited to teach {subject.name}"]
    docent.find(marker="accept-invite").click()
    # They land on their queues, and run this one from there.
    await docent.should_see(marker="teaching-subject", retries=PATIENCE)
    await docent.should_see(subject.name)
    docent.find(marker="open-console").click()
    await docent.should_see(marker="call-next", retries=PATIENCE)
    assert texts(docent, "console-subject") == [subject.name]
    taught = await subjects.list_teacher_subjects(actor=await account("docent"))
    assert [s.id for s in taught] == [subject.id]
    # The admin sees the new teacher listed for the subject.
    await user.open(f"/subjects/{subject.id}")
    assert texts(user, "subject-teacher") == ["Олег Доцентов"]


@pytest.mark.usefixtures("quick_passwords")
async def test_a_revoked_invite_is_refused_even_to_a_page_opened_before(
    user: User, another_user: Callable[[], User], demo: DemoWorld
) -> None:
    subject = demo.closed_subject
    await _docent()
    path = await _make_invite(user, subject.id)
    docent = another_user()
    await sign_in(docent, "docent", DOCENT_PASSWORD, path=path)
    await docent.should_see(marker="accept-invite")
    user.find(marker="revoke-invite").click()
    await user.should_not_see(marker="teacher-invite", retries=PATIENCE)
    await settle(user)
    docent.find(marker="accept-invite").click()
    await wait_for_notice(docent, INVITE_INVALID)
    assert await subjects.list_teacher_subjects(actor=await account("docent")) == []
    await docent.open(path)
    await docent.should_see(marker="refusal")
    await docent.should_see(INVITE_INVALID)
    await docent.should_not_see(marker="accept-invite", retries=1)
    await docent.should_not_see(marker="invite-subject", retries=1)


async def test_an_unknown_invite_is_refused(user: User, demo: DemoWorld) -> None:
    await sign_in(user, "teacher", path="/invites/teacher/not-an-invite")
    await user.should_see(marker="refusal")
    await user.should_see(INVITE_INVALID)
    await user.should_not_see(marker="accept-invite", retries=1)


async def test_a_user_without_the_teacher_role_is_refused_with_a_notice(
    user: User, demo: DemoWorld
) -> None:
    subject = demo.closed_subject
    made = await teaching.create_invite(subject.id, actor=await account("leader"))
    await sign_in(user, "student5", path=f"/invites/teacher/{made.token}")
    user.find(marker="accept-invite").click()
    await wait_for_notice(
        user, "Only teachers can accept this link. Ask a site administrator for the role."
    )
    await user.should_see(marker="accept-invite")  # still here, nothing changed
    student = await account("student5")
    assert await subjects.list_teacher_subjects(actor=student) == []
    assert [t.display_name for t in await subjects.list_teachers(subject.id, actor=student)] == []
    await user.open(f"/queues/{subject.queue_id}/console")
    await user.should_see(marker="refusal")
    await user.should_not_see(marker="call-next", retries=1)


async def test_only_workspace_admins_see_the_teacher_invites(
    user: User, another_user: Callable[[], User], demo: DemoWorld
) -> None:
    subject = demo.open_subject
    await sign_in(user, "student5", path=f"/subjects/{subject.id}")
    await user.should_see(marker="queue-panel")
    for marker in ("teachers", "make-invite", "teacher-invite"):
        await user.should_not_see(marker=marker, retries=1)
    teacher = another_user()
    await sign_in(teacher, "teacher", path=f"/subjects/{subject.id}")  # teaches, is no admin
    await teacher.should_see(marker="open-console")
    await teacher.should_not_see(marker="make-invite", retries=1)
    leader = another_user()
    await sign_in(leader, "leader", path=f"/subjects/{subject.id}")
    await leader.should_see(marker="make-invite")
    assert texts(leader, "subject-teacher") == ["Ирина Петрова"]
    assert elements(leader, marker="teacher-invite") == []

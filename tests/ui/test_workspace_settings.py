"""`/workspaces/{id}/settings` (issue 6): a workspace's admins rename and delete it, decide join
requests, manage members and subjects, and make student invite links; other people are refused,
and a second admin's open page follows every change live."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from nicegui import ui
from nicegui.testing.user import User

from db.models import MemberRole, MemberStatus
from equeue_ui import demo as seeded
from equeue_ui.services import student_invites, subjects, workspaces
from equeue_ui.services.views import UserView
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


def settings_path(demo: DemoWorld) -> str:
    return f"/workspaces/{demo.workspace_id}/settings"


async def open_settings(user: User, demo: DemoWorld, username: str = "leader") -> None:
    password = seeded.ADMIN_PASSWORD if username == "admin" else seeded.DEMO_PASSWORD
    await sign_in(user, username, password, path=settings_path(demo))
    await user.should_see(marker="settings-workspace-name", retries=PATIENCE)


async def members_of(demo: DemoWorld) -> dict[str, tuple[MemberRole, MemberStatus]]:
    leader = await account("leader")
    found = await workspaces.list_members(
        demo.workspace_id,
        actor=leader,
        statuses=(MemberStatus.APPROVED, MemberStatus.PENDING, MemberStatus.REJECTED),
    )
    return {m.user.username: (m.role, m.status) for m in found}


def button(user: User, marker: str) -> ui.button:
    """The one button with ``marker`` in the current scope."""
    (found,) = elements(user, ui.button, marker=marker)
    return found


async def role_is(demo: DemoWorld, username: str, role: MemberRole) -> bool:
    found = (await members_of(demo)).get(username)
    return found is not None and found[0] is role


async def has_no_workspaces(user: UserView) -> bool:
    return not await workspaces.list_my_workspaces(actor=user)


# --- who may open it --------------------------------------------------------------------------


async def test_the_workspace_page_links_admins_to_the_settings(user: User, demo: DemoWorld) -> None:
    await sign_in(user, "leader", path=f"/workspaces/{demo.workspace_id}")
    await user.should_see(marker="workspace-settings-link", retries=PATIENCE)
    user.find(marker="workspace-settings-link").click()
    await user.should_see(marker="settings-workspace-name", retries=PATIENCE)
    assert texts(user, "settings-workspace-name") == [demo.workspace_name]


@pytest.mark.parametrize("username", ["student5", "applicant", "newcomer", "teacher"])
async def test_everyone_else_is_refused_and_sees_nothing(
    user: User, demo: DemoWorld, username: str
) -> None:
    await sign_in(user, username, path=settings_path(demo))
    await user.should_see(marker="refusal", retries=PATIENCE)
    await user.should_not_see(marker="settings-workspace-name")
    await user.should_not_see(marker="member-admin")
    if username == "student5":  # a plain member sees the workspace but no way to its settings
        await user.open(f"/workspaces/{demo.workspace_id}")
        await user.should_see(marker="workspace-name", retries=PATIENCE)
        await user.should_not_see(marker="workspace-settings-link")


async def test_the_admin_of_another_workspace_is_refused(user: User, demo: DemoWorld) -> None:
    newcomer = await account("newcomer")
    await workspaces.create_workspace("Своё пространство", actor=newcomer)
    await sign_in(user, "newcomer", path=settings_path(demo))
    await user.should_see(marker="refusal", retries=PATIENCE)
    await user.should_not_see(marker="settings-workspace-name")


async def test_a_site_admin_may_open_it(user: User, demo: DemoWorld) -> None:
    await open_settings(user, demo, "admin")
    await user.should_see(marker="member-admin")


# --- general: rename and delete ---------------------------------------------------------------


async def test_an_admin_renames_the_workspace(user: User, demo: DemoWorld) -> None:
    await open_settings(user, demo)
    user.find(marker="workspace-name-input").clear().type("  Весна   2027 ")
    user.find(marker="rename").click()
    await wait_for_notice(user, "Saved.")
    await eventually(
        lambda: texts(user, "settings-workspace-name") == ["Весна 2027"], what="the new title"
    )
    leader = await account("leader")
    assert (await workspaces.get_workspace(demo.workspace_id, actor=leader)).name == "Весна 2027"


async def test_an_empty_name_is_refused_with_a_notice(user: User, demo: DemoWorld) -> None:
    await open_settings(user, demo)
    user.find(marker="workspace-name-input").clear()
    user.find(marker="rename").click()
    await wait_for_notice(user, "The name must not be empty.")
    leader = await account("leader")
    workspace = await workspaces.get_workspace(demo.workspace_id, actor=leader)
    assert workspace.name == demo.workspace_name


async def test_deleting_needs_the_exact_name_typed(user: User, demo: DemoWorld) -> None:
    leader = await account("leader")
    await open_settings(user, demo)
    user.find(marker="delete-confirmation").type("not the name")
    user.find(marker="delete-workspace-button").click()
    await wait_for_notice(user, "Type the workspace's name exactly to delete it.")
    assert await workspaces.list_my_workspaces(actor=leader)

    user.find(marker="delete-confirmation").clear().type(demo.workspace_name)
    user.find(marker="delete-workspace-button").click()
    await wait_for_notice(user, "Deleted.")
    await eventually(lambda: has_no_workspaces(leader), what="the deletion")


# --- join requests and members ----------------------------------------------------------------


async def test_an_admin_approves_a_request_and_rejects_the_next_one(
    user: User, demo: DemoWorld
) -> None:
    await open_settings(user, demo)
    assert texts(user, "pending-count") == ["1"]  # on the tab, seen from any tab
    user.find(marker="tab-requests").click()
    with user.scope(marker="join-request"):
        await user.should_see("Георгий Орлов")
        user.find(marker="approve").click()
    await user.should_not_see(marker="join-request", retries=PATIENCE)
    await user.should_not_see(marker="pending-count")
    await user.should_see(marker="member-applicant", retries=PATIENCE)  # now among the members

    # A new request shows up on the open page by itself.
    await workspaces.request_to_join(demo.workspace_id, actor=await account("newcomer"))
    await user.should_see(marker="join-request", retries=PATIENCE)
    with user.scope(marker="join-request"):
        await user.should_see("Вера Белова")
        user.find(marker="reject").click()
    await user.should_not_see(marker="join-request", retries=PATIENCE)
    members = await members_of(demo)
    assert members["applicant"] == (MemberRole.MEMBER, MemberStatus.APPROVED)
    assert members["newcomer"] == (MemberRole.MEMBER, MemberStatus.REJECTED)


async def test_an_admin_promotes_demotes_and_removes_members(user: User, demo: DemoWorld) -> None:
    await open_settings(user, demo)
    user.find(marker="tab-members").click()
    with user.scope(marker="member-student5"):
        user.find(marker="promote").click()
    await eventually(lambda: role_is(demo, "student5", MemberRole.ADMIN), what="promotion")
    with user.scope(marker="member-student5"):
        await user.should_see(marker="admin-badge", retries=PATIENCE)
        user.find(marker="demote").click()
    await eventually(lambda: role_is(demo, "student5", MemberRole.MEMBER), what="demotion")
    with user.scope(marker="member-student5"):
        await user.should_see(marker="promote", retries=PATIENCE)
        user.find(marker="remove-member").click()
    await user.should_see(marker="confirm-removal", retries=PATIENCE)
    user.find(marker="confirm-remove").click()
    await user.should_not_see(marker="member-student5", retries=PATIENCE)
    assert "student5" not in await members_of(demo)


async def test_the_last_admin_rule_is_shown_and_upheld(user: User, demo: DemoWorld) -> None:
    leader = await account("leader")
    await workspaces.demote(demo.workspace_id, demo.users["student1"], actor=leader)
    await open_settings(user, demo)
    user.find(marker="tab-members").click()
    await user.should_see(marker="last-admin-notice", retries=PATIENCE)
    (notice,) = texts(user, "last-admin-notice")
    assert notice.startswith(f"{leader.display_name} is the only admin.")
    with user.scope(marker="member-leader"):
        assert not button(user, "demote").enabled
        assert not button(user, "remove-member").enabled
    # Making a second admin lifts it.
    with user.scope(marker="member-student1"):
        user.find(marker="promote").click()
    await user.should_not_see(marker="last-admin-notice", retries=PATIENCE)
    with user.scope(marker="member-leader"):
        assert button(user, "demote").enabled


# --- subjects -----------------------------------------------------------------------------------


async def test_an_admin_creates_edits_and_deletes_a_subject(user: User, demo: DemoWorld) -> None:
    leader = await account("leader")
    await open_settings(user, demo)
    user.find(marker="tab-subjects").click()
    user.find(marker="new-subject").click()
    await user.should_see(marker="subject-form", retries=PATIENCE)
    user.find(marker="subject-name-input").type("Компьютерные сети")
    user.find(marker="subject-teacher").type("Иванов И. И.")
    user.find(marker="subject-contact").type("ivanov@sfu-kras.ru")
    user.find(marker="subject-ecourses").type("https://e.sfu-kras.ru/course/view.php?id=1")
    user.find(marker="subject-requirements").type("**Отчёт** обязателен")
    user.find(marker="save-subject").click()
    await wait_for_notice(user, "Saved.")
    await user.should_see(marker="subject-row-name", content="Компьютерные сети", retries=PATIENCE)
    (made,) = [
        s
        for s in await subjects.list_subjects(demo.workspace_id, actor=leader)
        if s.name == "Компьютерные сети"
    ]
    assert (made.teacher_name, made.teacher_contact, made.requirements, made.ecourses_url) == (
        "Иванов И. И.",
        "ivanov@sfu-kras.ru",
        "**Отчёт** обязателен",
        "https://e.sfu-kras.ru/course/view.php?id=1",
    )

    with user.scope(marker=f"subject-row-{made.id}"):
        user.find(marker="edit-subject").click()
    await user.should_see(marker="subject-form", retries=PATIENCE)
    user.find(marker="subject-name-input").clear().type("Сети ЭВМ")
    user.find(marker="subject-ecourses").clear()
    user.find(marker="save-subject").click()
    await user.should_see(marker="subject-row-name", content="Сети ЭВМ", retries=PATIENCE)
    edited = await subjects.get_subject(made.id, actor=leader)
    assert (edited.name, edited.ecourses_url, edited.teacher_name) == (
        "Сети ЭВМ",
        None,
        "Иванов И. И.",
    )

    with user.scope(marker=f"subject-row-{made.id}"):
        user.find(marker="delete-subject").click()
    await user.should_see(marker="confirm-subject-delete", retries=PATIENCE)
    user.find(marker="confirm-delete-subject").click()
    await user.should_not_see(marker=f"subject-row-{made.id}", retries=PATIENCE)
    names = [s.name for s in await subjects.list_subjects(demo.workspace_id, actor=leader)]
    assert "Сети ЭВМ" not in names and len(names) == 3


async def test_a_taken_subject_name_or_a_bad_link_is_refused_and_nothing_written(
    user: User, demo: DemoWorld
) -> None:
    await open_settings(user, demo)
    user.find(marker="tab-subjects").click()
    user.find(marker="new-subject").click()
    user.find(marker="subject-name-input").type(demo.open_subject.name)
    user.find(marker="save-subject").click()
    await wait_for_notice(user, "A subject with this name already exists in this workspace.")
    user.find(marker="subject-name-input").clear().type("Новый")
    user.find(marker="subject-ecourses").type("javascript:alert(1)")
    user.find(marker="save-subject").click()
    await wait_for_notice(user, "A link must start with http:// or https://.")
    await user.should_see(marker="subject-form")  # kept open with what was typed
    leader = await account("leader")
    assert len(await subjects.list_subjects(demo.workspace_id, actor=leader)) == 3


async def test_each_subject_links_to_its_settings(user: User, demo: DemoWorld) -> None:
    await open_settings(user, demo)
    user.find(marker="tab-subjects").click()
    with user.scope(marker=f"subject-row-{demo.closed_subject.id}"):
        user.find(marker="subject-settings-link").click()
    await user.should_see(marker="settings-subject-name", retries=PATIENCE)
    assert texts(user, "settings-subject-name") == [demo.closed_subject.name]


# --- student invite links -----------------------------------------------------------------------


async def test_a_student_invite_link_lets_someone_of_another_group_join_at_once(
    user: User, another_user: Callable[[], User], demo: DemoWorld
) -> None:
    await open_settings(user, demo)
    user.find(marker="tab-invites").click()
    user.find(marker="make-student-invite").click()
    await eventually(
        lambda: "/invites/workspace/" in "".join(texts(user, "new-student-invite")), what="link"
    )
    (url,) = texts(user, "new-student-invite")
    assert url.startswith("http://test/invites/workspace/")
    user.find(marker="copy-student-invite").click()
    await wait_for_notice(user, "Copied.")
    await user.should_see(marker="student-invite", retries=PATIENCE)
    await settle(user)
    path = "/invites/workspace/" + url.rsplit("/invites/workspace/", 1)[1]

    # The teacher belongs to no group; a signed-out visitor signs in and comes back to the link.
    guest = another_user()
    await sign_in(guest, "teacher", path=path)
    await guest.should_see(marker="invite-workspace", retries=PATIENCE)
    assert texts(guest, "invite-workspace") == [
        f"You are invited to the workspace {demo.workspace_name}"
    ]
    guest.find(marker="accept-student-invite").click()
    await guest.should_see(marker="workspace-name", retries=PATIENCE)
    members = await members_of(demo)
    assert members["teacher"] == (MemberRole.MEMBER, MemberStatus.APPROVED)
    # The admin's open member list shows the newcomer without a reload.
    await user.should_see(marker="member-teacher", retries=PATIENCE)

    # Opening the link again says so instead of joining twice.
    await guest.open(path)
    await guest.should_see(marker="already-member", retries=PATIENCE)
    await guest.should_not_see(marker="accept-student-invite")


async def test_a_revoked_invite_is_refused(
    user: User, another_user: Callable[[], User], demo: DemoWorld
) -> None:
    leader = await account("leader")
    made = await student_invites.create_invite(demo.workspace_id, actor=leader, days=1)
    await open_settings(user, demo)
    user.find(marker="tab-invites").click()
    await user.should_see(marker="student-invite", retries=PATIENCE)
    user.find(marker="revoke-student-invite").click()
    await user.should_not_see(marker="student-invite", retries=PATIENCE)

    guest = another_user()
    await sign_in(guest, "newcomer", path=f"/invites/workspace/{made.token}")
    await guest.should_see(marker="refusal", retries=PATIENCE)
    await guest.should_see(
        "This invite link is not valid: it was revoked, has expired or never existed."
    )
    assert "newcomer" not in await members_of(demo)


# --- two admins at once ---------------------------------------------------------------------------


async def test_a_member_approved_by_one_admin_appears_in_the_other_admins_open_list(
    user: User, another_user: Callable[[], User], demo: DemoWorld
) -> None:
    await open_settings(user, demo)
    user.find(marker="tab-members").click()
    await user.should_see(marker="member-student5")
    await user.should_not_see(marker="member-applicant")

    second = another_user()
    await open_settings(second, demo, "student1")  # the demo's second admin
    second.find(marker="tab-requests").click()
    with second.scope(marker="join-request"):
        second.find(marker="approve").click()
    await second.should_not_see(marker="join-request", retries=PATIENCE)

    await user.should_see(marker="member-applicant", retries=PATIENCE)
    await user.should_not_see(marker="join-request")


async def test_an_admin_who_loses_the_rights_sees_the_refusal_at_once(
    user: User, demo: DemoWorld
) -> None:
    await open_settings(user, demo, "student1")
    user.find(marker="tab-members").click()
    await user.should_see(marker="member-admin")
    await workspaces.demote(
        demo.workspace_id, demo.users["student1"], actor=await account("leader")
    )
    await user.should_see(marker="refusal", retries=PATIENCE)
    await user.should_not_see(marker="member-admin")


async def test_a_subject_made_elsewhere_appears_in_the_open_subject_list(
    user: User, demo: DemoWorld
) -> None:
    await open_settings(user, demo)
    user.find(marker="tab-subjects").click()
    await subjects.create_subject(
        demo.workspace_id, actor=await account("student1"), name="Компьютерные сети"
    )
    await user.should_see(marker="subject-row-name", content="Компьютерные сети", retries=PATIENCE)


async def test_a_deleted_workspace_turns_other_open_settings_pages_into_a_refusal(
    user: User, demo: DemoWorld
) -> None:
    await open_settings(user, demo, "student1")
    await workspaces.delete_workspace(demo.workspace_id, actor=await account("leader"))
    await user.should_see(marker="refusal", retries=PATIENCE)
    await user.should_see("This workspace does not exist.")

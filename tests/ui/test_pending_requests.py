"""A leader sees waiting join requests without hunting for them, and a student is told at once
when let in (issue 14, point 9)."""

from __future__ import annotations

from nicegui.testing.user import User

from equeue_ui.services import workspaces
from tests.ui.helpers import PATIENCE, DemoWorld, account, sign_in, texts, wait_for_notice


async def test_the_leaders_workspace_card_counts_waiting_requests_and_follows_new_ones(
    user: User, demo: DemoWorld
) -> None:
    await sign_in(user, "leader")
    await user.should_see("Join requests waiting: 1", retries=PATIENCE)  # the demo's applicant

    await workspaces.request_to_join(demo.workspace_id, actor=await account("newcomer"))
    await user.should_see("Join requests waiting: 2", retries=PATIENCE)


async def test_the_workspace_page_tells_its_admins_at_the_top_how_many_wait(
    user: User, demo: DemoWorld
) -> None:
    await sign_in(user, "leader")
    await user.open(f"/workspaces/{demo.workspace_id}")
    await user.should_see(marker="pending-requests", retries=PATIENCE)
    assert texts(user, "pending-requests") == ["Join requests waiting: 1"]

    leader = await account("leader")
    applicant = await account("applicant")
    await workspaces.approve(demo.workspace_id, applicant.id, actor=leader)
    await user.should_not_see(marker="pending-requests", retries=PATIENCE)


async def test_members_see_no_request_count(user: User, demo: DemoWorld) -> None:
    await sign_in(user, "student2")
    await user.should_see(marker=f"workspace-{demo.workspace_id}", retries=PATIENCE)
    await user.should_not_see(marker="pending-requests")
    await user.open(f"/workspaces/{demo.workspace_id}")
    await user.should_see(marker="workspace-name", retries=PATIENCE)
    await user.should_not_see(marker="pending-requests")


async def test_a_student_waiting_on_the_start_page_is_told_when_let_in(
    user: User, demo: DemoWorld
) -> None:
    await sign_in(user, "applicant")
    await user.should_see(marker="pending", retries=PATIENCE)

    applicant = await account("applicant")
    await workspaces.approve(demo.workspace_id, applicant.id, actor=await account("leader"))
    await wait_for_notice(user, "You are now a member of")
    await user.should_see(marker="open-workspace", retries=PATIENCE)

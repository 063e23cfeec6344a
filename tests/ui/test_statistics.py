"""Statistics pages: a queue's charts and history download, a subject's progress matrix,
leaderboard and submissions download; links to them; students refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import ui
from nicegui.testing.user import User

from equeue_ui.services import exports, subjects, submissions
from tests.ui.helpers import (
    PATIENCE,
    DemoSubject,
    DemoWorld,
    account,
    elements,
    eventually,
    settle,
    sign_in,
    texts,
)

# The demo's open queue had three earlier lab sessions of six services each, all by the teacher.
PAST_SERVICES = 18


def chart(user: User, marker: str) -> dict[str, Any]:
    (found,) = elements(user, ui.echart, marker=marker)
    options: dict[str, Any] = found.options
    return options


async def open_progress_as_teacher(user: User, demo: DemoWorld) -> DemoSubject:
    """The open subject's statistics page, signed in as its teacher."""
    subject = demo.open_subject
    await sign_in(user, "teacher", path=f"/subjects/{subject.id}/stats")
    await user.should_see(marker="progress-matrix")
    return subject


def table_rows(user: User, marker: str) -> list[dict[str, Any]]:
    (found,) = elements(user, ui.table, marker=marker)
    return list(found.rows)


async def test_the_teacher_sees_the_queues_charts_with_the_demo_sessions(
    user: User, demo: DemoWorld
) -> None:
    queue_id = demo.open_subject.queue_id
    await sign_in(user, "teacher", path=f"/queues/{queue_id}/stats")
    await user.should_see(marker="chart-per-day")
    (summary,) = texts(user, "stats-summary")
    assert summary.startswith(f"Served: {PAST_SERVICES} · typical wait ")
    per_day = chart(user, "chart-per-day")
    assert len(per_day["xAxis"]["data"]) == 3
    assert sum(sum(series["data"]) for series in per_day["series"]) == PAST_SERVICES
    for marker in ("chart-wait", "chart-service"):
        (bars,) = chart(user, marker)["series"]
        assert sum(bars["data"]) == PAST_SERVICES
    (teacher,) = table_rows(user, "teacher-table")
    assert teacher["name"] == "Ирина Петрова" and teacher["served"] == PAST_SERVICES
    await settle(user)


async def test_the_period_narrows_the_charts(user: User, demo: DemoWorld) -> None:
    queue_id = demo.open_subject.queue_id
    # The demo's sessions were 2, 7 and 14 days ago (at least three hours before seeding).
    await sign_in(user, "teacher", path=f"/queues/{queue_id}/stats?days=30")
    await user.should_see(marker="chart-per-day")
    assert len(chart(user, "chart-per-day")["xAxis"]["data"]) == 3
    (period,) = elements(user, ui.toggle, marker="period")
    with user:
        period.set_value(7)  # as a click on "Last 7 days" does
    await eventually(lambda: len(chart(user, "chart-per-day")["xAxis"]["data"]) == 1)
    per_day = chart(user, "chart-per-day")
    assert sum(sum(series["data"]) for series in per_day["series"]) == 6
    await user.open(f"/queues/{queue_id}/stats?days=abc")  # a hand-edited address: all time
    await user.should_see(marker="chart-per-day")
    assert len(chart(user, "chart-per-day")["xAxis"]["data"]) == 3
    await settle(user)


async def test_the_queues_history_downloads_as_csv_with_cyrillic_names(
    user: User, demo: DemoWorld
) -> None:
    queue_id = demo.open_subject.queue_id
    await sign_in(user, "leader", path=f"/queues/{queue_id}/stats")
    user.find(marker="download-history").click()
    response = await user.download.next(timeout=5)
    rows = exports.read_csv(response.content)
    assert rows[0][:2] == ["Time", "Event"]
    kinds = [row[1] for row in rows[1:]]
    assert kinds.count("accepted") + kinds.count("returned") == PAST_SERVICES
    assert "joined" in kinds and "called" in kinds
    assert any(row[5] == "Ирина Петрова" for row in rows[1:])
    await settle(user)


async def test_the_subject_page_shows_the_progress_matrix_and_leaderboard(
    user: User, demo: DemoWorld
) -> None:
    subject = await open_progress_as_teacher(user, demo)
    rows = {row["student"]: row for row in table_rows(user, "progress-matrix")}
    # In the demo student N handed in the first (N mod 3) tasks; the leader is a member too.
    assert len(rows) == 11
    first, second, third = (f"t{task_id}" for task_id in subject.task_ids[:3])
    dmitry = rows["Дмитрий Соколов"]  # student3: two tasks
    assert dmitry[first].startswith("○") and dmitry[second].startswith("○")
    assert dmitry[third] == "—" and dmitry["total"] == f"2/{len(subject.task_ids)}"
    board = table_rows(user, "leaderboard")
    assert [row["handed_in"] for row in board[:3]] == [2, 2, 2]
    assert board[-1]["handed_in"] == 0


async def test_submissions_download_as_csv(user: User, demo: DemoWorld) -> None:
    subject = demo.open_subject
    await sign_in(user, "leader", path=f"/subjects/{subject.id}/stats")
    user.find(marker="download-submissions").click()
    response = await user.download.next(timeout=5)
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = exports.read_csv(response.content)
    assert rows[0][:2] == ["Username", "Student"]
    assert len(rows) == 1 + 9  # the demo's self-reports
    assert {row[3] for row in rows[1:]} == {"self_reported"}
    assert ("student3", "Дмитрий Соколов") in {(row[0], row[1]) for row in rows[1:]}


async def test_a_student_is_refused_both_pages(user: User, demo: DemoWorld) -> None:
    subject = demo.open_subject
    await sign_in(user, "student2", path=f"/queues/{subject.queue_id}/stats")
    await user.should_see(marker="refusal")
    await user.should_see("Only the subject's teachers and workspace admins can see")
    await user.should_not_see(marker="chart-per-day")
    await user.should_not_see(marker="download-history")
    await user.open(f"/subjects/{subject.id}/stats")
    await user.should_see(marker="refusal")
    await user.should_not_see(marker="progress-matrix")
    await settle(user)


async def test_links_to_statistics_are_shown_to_those_who_may_see_them(
    user: User, another_user: Callable[[], User], demo: DemoWorld
) -> None:
    subject = demo.open_subject
    await sign_in(user, "student2", path=f"/subjects/{subject.id}")
    await user.should_see(marker="subject-name")
    await user.should_not_see(marker="open-stats")
    teacher = another_user()
    await sign_in(teacher, "teacher", path="/teaching")
    await teacher.should_see(marker="open-stats")
    await teacher.open(f"/subjects/{subject.id}")
    await teacher.should_see(marker="open-stats")
    await teacher.open(f"/queues/{subject.queue_id}/console")
    await teacher.should_see(marker="open-stats")
    teacher.find(marker="open-stats").click()
    await teacher.should_see(marker="chart-per-day")


async def test_the_leader_sees_every_subject_and_downloads_all_submissions(
    user: User, demo: DemoWorld
) -> None:
    await sign_in(user, "leader", path=f"/workspaces/{demo.workspace_id}")
    user.find(marker="workspace-stats-link").click()
    await user.should_see(marker="workspace-stats")
    rows = {row["name"]: row for row in table_rows(user, "workspace-stats")}
    assert set(rows) == {subject.name for subject in demo.subjects}
    assert rows[demo.open_subject.name]["served"] == PAST_SERVICES
    user.find(marker="download-workspace-submissions").click()
    response = await user.download.next(timeout=5)
    data = exports.read_csv(response.content)
    assert data[0][:2] == ["Subject", "Username"]
    assert {row[0] for row in data[1:]} == {demo.open_subject.name}
    await settle(user)


async def test_a_student_sees_no_workspace_statistics(user: User, demo: DemoWorld) -> None:
    await sign_in(user, "student2", path=f"/workspaces/{demo.workspace_id}")
    await user.should_see(marker="workspace-name")
    await user.should_not_see(marker="workspace-stats-link")
    await user.open(f"/workspaces/{demo.workspace_id}/stats")
    await user.should_see(marker="refusal")
    await user.should_not_see(marker="download-workspace-submissions")
    await settle(user)


async def test_the_subject_page_follows_hand_ins_without_a_reload(
    user: User, demo: DemoWorld
) -> None:
    subject = await open_progress_as_teacher(user, demo)
    third = f"t{subject.task_ids[2]}"

    def dmitry() -> dict[str, Any]:
        rows = {row["student"]: row for row in table_rows(user, "progress-matrix")}
        return dict(rows["Дмитрий Соколов"])  # student3: two tasks in the demo

    assert dmitry()[third] == "—"
    await submissions.mark_handed_in(subject.task_ids[2], actor=await account("student3"))

    await eventually(lambda: dmitry()[third].startswith("○"), what="the third task handed in")
    assert dmitry()["total"] == f"3/{len(subject.task_ids)}"
    await eventually(
        lambda: table_rows(user, "leaderboard")[0]["handed_in"] == 3, what="the leaderboard"
    )


async def test_the_workspace_page_follows_hand_ins_and_new_subjects(
    user: User, demo: DemoWorld
) -> None:
    await sign_in(user, "leader", path=f"/workspaces/{demo.workspace_id}/stats")
    await user.should_see(marker="workspace-stats")
    name = demo.open_subject.name

    def done() -> Any:
        return {row["name"]: row for row in table_rows(user, "workspace-stats")}[name]["done"]

    before = done()
    await submissions.mark_handed_in(demo.open_subject.task_ids[2], actor=await account("student3"))
    await eventually(lambda: done() != before, what="the hand-in counted")

    leader = await account("leader")
    await subjects.create_subject(demo.workspace_id, name="Теория игр", actor=leader)
    await eventually(
        lambda: "Теория игр" in {row["name"] for row in table_rows(user, "workspace-stats")},
        what="the new subject listed",
    )
    await settle(user)


async def test_a_teacher_removed_meanwhile_is_shown_the_refusal(
    user: User, demo: DemoWorld
) -> None:
    subject = await open_progress_as_teacher(user, demo)
    teacher, leader = await account("teacher"), await account("leader")
    await subjects.unassign_teacher(subject.id, teacher.id, actor=leader)

    await submissions.mark_handed_in(subject.task_ids[2], actor=await account("student3"))

    await user.should_see(marker="refusal", retries=PATIENCE)
    await user.should_not_see(marker="progress-matrix")
    await settle(user)

"""Migration 0006 (issue 15, point 1): names imported from eCourses before the client decoded
them are decoded in place — only eCourses-sourced fields, only what Moodle escapes — on SQLite
and PostgreSQL, with rows built on revision 0005 and then upgraded."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text

from equeue_ui.migrate import upgrade
from tests.services.test_migrations import assert_schema_is_models, connect

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


async def execute(url: str, statement: str, **values: Any) -> None:
    async with connect(url) as connection:
        await connection.execute(text(statement), values)
        await connection.commit()


async def names(url: str, table: str, column: str = "name") -> dict[int, str]:
    async with connect(url) as connection:
        rows = await connection.execute(text(f"SELECT id, {column} FROM {table} ORDER BY id"))
        return {row_id: value for row_id, value in rows}


async def build_0005_world(url: str) -> None:
    await upgrade(url, "0005")
    await execute(
        url, "INSERT INTO groups (id, name, created_at) VALUES (1, 'КИ21-16/2Б', :t)", t=NOW
    )
    users = [
        (1, "o.brien@ecourses", "Се&#039;ан", "O&#039;Brien &amp; Sons", 3001),
        (2, "local", "Анна &amp; Ко", "O&#039;Neil", None),  # typed here: not touched
        (3, "plain@ecourses", "Анна", "Смирнова", 3002),
    ]
    for user_id, username, first, last, ecourses_id in users:
        await execute(
            url,
            "INSERT INTO users (id, username, first_name, last_name, status_text, is_teacher, "
            "is_site_admin, ecourses_user_id, blocked, created_at) VALUES "
            "(:id, :u, :f, :l, '', false, false, :e, false, :t)",
            id=user_id,
            u=username,
            f=first,
            l=last,
            e=ecourses_id,
            t=NOW,
        )
    await execute(
        url,
        "INSERT INTO workspaces (id, group_id, name, created_at, updated_at) "
        "VALUES (1, 1, 'Осень', :t, :t)",
        t=NOW,
    )
    subjects = [
        (1, "Сети &amp; протоколы &lt;TCP/IP&gt;", 206),
        (2, "Тема &amp; вариации", None),  # made by hand: not touched
        (3, "A &amp; B", 207),  # decodes to the hand-made "A & B" below: kept as it is
        (4, "A & B", None),
    ]
    for subject_id, name, course_id in subjects:
        await execute(
            url,
            "INSERT INTO subjects (id, workspace_id, name, teacher_name, teacher_contact, "
            "requirements, ecourses_course_id, created_at) "
            "VALUES (:id, 1, :n, '', '', '', :c, :t)",
            id=subject_id,
            n=name,
            c=course_id,
            t=NOW,
        )
    tasks = [
        (1, 1, "Лаба 1: O&#039;Reilly &amp; Co", 7411),
        (2, 1, "Разбор &#171;TCP&#187; &#x2014; отчёт", 7412),
        (3, 1, "&quot;Мой&quot; отчёт &amp;amp; &copy; &#1; &nbsp;", 7413),
        (4, 1, "Свой &amp; ручной", None),
        (5, 2, "Лаба &amp; 2", 7420),
    ]
    for task_id, subject_id, name, ecourses_id in tasks:
        await execute(
            url,
            "INSERT INTO tasks (id, subject_id, name, order_index, ecourses_id) "
            "VALUES (:id, :s, :n, :o, :e)",
            id=task_id,
            s=subject_id,
            n=name,
            o=task_id,
            e=ecourses_id,
        )


async def test_upgrading_decodes_what_came_from_ecourses_only(empty_database_url: str) -> None:
    url = empty_database_url
    await build_0005_world(url)

    await upgrade(url)

    assert await names(url, "users", "first_name") == {1: "Се'ан", 2: "Анна &amp; Ко", 3: "Анна"}
    assert await names(url, "users", "last_name") == {
        1: "O'Brien & Sons",
        2: "O&#039;Neil",
        3: "Смирнова",
    }
    assert await names(url, "subjects") == {
        1: "Сети & протоколы <TCP/IP>",
        2: "Тема &amp; вариации",
        3: "A &amp; B",
        4: "A & B",
    }
    assert await names(url, "tasks") == {
        1: "Лаба 1: O'Reilly & Co",
        2: "Разбор «TCP» — отчёт",
        # Once; no other entities; no control character from a numeric one.
        3: '"Мой" отчёт &amp; &copy; &#1; &nbsp;',
        4: "Свой &amp; ручной",
        5: "Лаба & 2",  # a task from eCourses in a hand-made subject
    }
    await assert_schema_is_models(url)

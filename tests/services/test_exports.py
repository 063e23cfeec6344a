"""CSV exports (SPEC §9): what is written reads back equal — Cyrillic names, quotes, commas,
semicolons, newlines and would-be formulas included — in a form spreadsheets open as is."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from db.models import QueueEvent, QueueEventKind, Submission, User
from equeue_ui.errors import ForbiddenError
from equeue_ui.runtime import Runtime
from equeue_ui.services import exports, queues
from equeue_ui.services.views import UserView
from tests.services import factories, queue_world
from tests.services.queue_world import QueueWorld

TRICKY_NAMES = [
    "Пётр Иванов",
    'Анна "Аня" Смирнова',
    "Ёлкин; Семён",
    "Щукина, Юлия",
    "Иван\nДвустрочный",
    '=HYPERLINK("http://evil")',
    "+7 913",
    "-1",
    "@user",
    "'апостроф",
    "",
    " пробелы ",
]


@pytest.fixture
async def qw(rt: Runtime) -> QueueWorld:
    return await queue_world.make_queue_world(rt)


async def rename(rt: Runtime, user: UserView, first: str, last: str = "") -> None:
    async with rt.db.write_session() as session:
        await session.execute(
            update(User).where(User.id == user.id).values(first_name=first, last_name=last)
        )
        await session.commit()


def test_written_rows_read_back_equal() -> None:
    header = ["Студент", "Задание", "Кто; принял"]
    rows = [[name, f"Лаб. {i}", name[::-1]] for i, name in enumerate(TRICKY_NAMES)]
    data = exports.write_csv(header, rows)
    assert exports.read_csv(data) == [header, *rows]


def test_file_is_utf8_with_a_byte_order_mark_and_semicolons() -> None:
    data = exports.write_csv(["Имя", "Задание"], [["Пётр", "Лаб, 1"], ["Ян; мл.", "Лаб 2"]])
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig") == 'Имя;Задание\r\nПётр;Лаб, 1\r\n"Ян; мл.";Лаб 2\r\n'


def test_a_plain_csv_reader_sees_formulas_as_text() -> None:
    data = exports.write_csv(["name"], [["=1+1"], ["-2"], ["Ян"]])
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows == [["name"], ["'=1+1"], ["'-2"], ["Ян"]]


def test_file_names_keep_cyrillic_and_lose_what_file_systems_refuse(rt: Runtime) -> None:
    name = exports.file_name('Базы данных: ООП/ФП "2"', "сдачи")
    assert name.startswith("Базы данных_ ООП_ФП _2_ — сдачи 20")
    assert name.endswith(".csv")
    assert "/" not in name and ":" not in name and '"' not in name


async def test_submissions_export_round_trips_with_cyrillic_names(
    rt: Runtime, qw: QueueWorld
) -> None:
    s1, s2, *_ = qw.students
    lab1, lab2, _ = qw.task_ids
    await rename(rt, s1, 'Анна "Аня"', "Смирнова; Ёлкина")
    await rename(rt, s2, "=HYPERLINK(1)", "Щукин,\nЮрий")
    await rename(rt, qw.teacher, "Ирина", "Петрова")
    await factories.add_submission(rt, s1, lab1, kind="accepted", accepted_by=qw.teacher)
    await factories.add_submission(rt, s1, lab2)
    await factories.add_submission(rt, s2, lab1)
    async with rt.db.write_session() as session:
        await session.execute(
            update(Submission).values(submitted_at=datetime(2026, 3, 2, 3, 4, 5, tzinfo=UTC))
        )
        await session.commit()
    file = await exports.submissions_csv(qw.subject_id, actor=qw.teacher, language="en")
    assert file.filename.startswith("Algebra — submissions ")
    rows = exports.read_csv(file.data)
    assert rows[0] == ["Username", "Student", "Task", "Kind", "Handed in at", "Accepted by"]
    # Lab 1 before Lab 2; within a task, by last name (Смирнова before Щукин).
    assert rows[1:] == [
        [
            "student001",
            'Анна "Аня" Смирнова; Ёлкина',
            "Lab 1",
            "accepted",
            "2026-03-02 10:04:05",
            "Ирина Петрова",
        ],
        [
            "student002",
            "=HYPERLINK(1) Щукин,\nЮрий",
            "Lab 1",
            "self_reported",
            "2026-03-02 10:04:05",
            "",
        ],
        [
            "student001",
            'Анна "Аня" Смирнова; Ёлкина',
            "Lab 2",
            "self_reported",
            "2026-03-02 10:04:05",
            "",
        ],
    ]


async def test_headers_follow_the_readers_language(rt: Runtime, qw: QueueWorld) -> None:
    file = await exports.submissions_csv(qw.subject_id, actor=qw.world.admin, language="ru")
    header = exports.read_csv(file.data)[0]
    assert header[0] == "Логин" and header[1] == "Студент"
    assert "сдачи" in file.filename


async def test_queue_history_export_round_trips(rt: Runtime, qw: QueueWorld) -> None:
    s1, s2, *_ = qw.students
    await rename(rt, s1, "Пётр", "Иванов; мл.")
    await queue_world.join_all(qw, s1, s2)
    entry = await queues.call_next(qw.queue_id, actor=qw.teacher)
    assert entry is not None
    await queues.accept(entry, actor=qw.teacher)
    await queues.leave_queue(qw.queue_id, actor=s2)
    file = await exports.queue_history_csv(qw.queue_id, actor=qw.teacher, language="en")
    rows = exports.read_csv(file.data)
    assert rows[0] == [
        "Time",
        "Event",
        "Username",
        "Student",
        "Task",
        "By",
        "Joined at",
        "Called at",
        "Details",
    ]
    events = [(row[1], row[2], row[3], row[4], row[5]) for row in rows[1:]]
    assert events == [
        ("joined", "student001", "Пётр Иванов; мл.", "Lab 1", "Пётр Иванов; мл."),
        ("joined", "student002", "Student 002", "Lab 1", "Student 002"),
        ("called", "student001", "Пётр Иванов; мл.", "Lab 1", "Tom Teach"),
        ("accepted", "student001", "Пётр Иванов; мл.", "Lab 1", "Tom Teach"),
        ("left", "student002", "Student 002", "Lab 1", "Student 002"),
    ]
    accepted = rows[4]
    assert accepted[6] and accepted[7] and accepted[6] <= accepted[7] <= accepted[0]
    assert file.filename.startswith("Algebra — queue history ")


async def test_history_times_are_local(rt: Runtime, qw: QueueWorld) -> None:
    async with rt.db.write_session() as session:
        session.add(
            QueueEvent(
                queue_id=qw.queue_id,
                kind=QueueEventKind.OPENED,
                actor_id=qw.teacher.id,
                at=datetime(2026, 3, 3, 17, 10, tzinfo=UTC),
                version=1,
            )
        )
        await session.commit()
    file = await exports.queue_history_csv(qw.queue_id, actor=qw.teacher, language="en")
    assert exports.read_csv(file.data)[1] == [
        "2026-03-04 00:10:00",
        "opened",
        "",
        "",
        "",
        "Tom Teach",
        "",
        "",
        "",
    ]


@pytest.mark.parametrize("role", ["member", "pending", "outsider", "other_teacher"])
async def test_students_cannot_export(qw: QueueWorld, role: str) -> None:
    with pytest.raises(ForbiddenError):
        await exports.submissions_csv(qw.subject_id, actor=qw.by_role(role), language="en")
    with pytest.raises(ForbiddenError):
        await exports.queue_history_csv(qw.queue_id, actor=qw.by_role(role), language="en")

"""The fake eCourses' demo users, courses, sections and assignments (SFU-like, in Russian).

Times are fixed (autumn semester 2026) so tests can assert due dates; ``lastaccess`` is given in
hours before the server started, so "recently used first" has something to sort. Texts are kept
here as a person typed them (one assignment name as Moodle stores text with numeric entities);
the answers escape them for HTML as Moodle does (``shapes``). Course 206 has what real courses
have and the others lack: names with ``& ' " <``, an assignment hidden from students, one whose
access is restricted, and a hidden section.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

DEMO_PASSWORD = "ecourses123"
SITE_NAME = "еКурсы СФУ (учебный стенд)"


def _at(day: str, time: str = "23:59") -> int:
    """A Krasnoyarsk (UTC+7) wall-clock time as a Unix timestamp."""
    local = datetime.fromisoformat(f"{day}T{time}:00+07:00")
    return int(local.astimezone(UTC).timestamp())


@dataclass
class FakeUser:
    id: int
    username: str
    password: str
    firstname: str
    lastname: str
    email: str
    picture_rev: int = 1


@dataclass
class FakeModule:
    cmid: int
    modname: str  # "assign", "resource", "forum", "quiz", "url"…
    name: str
    instance: int
    duedate: int = 0
    opens: int = 0
    intro: str = ""
    url: str = ""  # what the answers give as its link; empty: the usual view.php address
    visible: bool = True  # False: hidden from students (the fake's users see it, as teachers)
    # False: access restricted for the user ("uservisible": false); mod_assign_get_assignments
    # then leaves it out with a warning, as Moodle does.
    available: bool = True


@dataclass
class FakeSection:
    id: int
    number: int
    name: str
    modules: list[FakeModule] = field(default_factory=list)
    visible: bool = True


@dataclass
class FakeCourse:
    id: int
    shortname: str
    fullname: str
    summary: str
    category: int
    visible: bool
    # user id → hours since that user last opened the course (None: never)
    enrolled: dict[int, int | None]
    sections: list[FakeSection]
    startdate: int = _at("2026-09-01", "00:00")
    enddate: int = _at("2027-01-31", "00:00")


def demo_users() -> list[FakeUser]:
    return [
        FakeUser(3001, "a.smirnova", DEMO_PASSWORD, "Анна", "Смирнова", "a.smirnova@example.edu"),
        FakeUser(3002, "a.ivanov", DEMO_PASSWORD, "Алексей", "Иванов", "a.ivanov@example.edu"),
        FakeUser(3003, "m.kuznetsova", DEMO_PASSWORD, "Мария", "Кузнецова", "m.k@example.edu"),
        FakeUser(3004, "i.petrova", DEMO_PASSWORD, "Ирина", "Петрова", "i.petrova@example.edu"),
        FakeUser(3005, "p.oneil", DEMO_PASSWORD, "Патрик", "О'Нил", "p.oneil@example.edu"),
    ]


def _assign(
    cmid: int,
    name: str,
    due: int = 0,
    intro: str = "",
    *,
    visible: bool = True,
    available: bool = True,
) -> FakeModule:
    return FakeModule(
        cmid,
        "assign",
        name,
        instance=cmid + 500,
        duedate=due,
        opens=_at("2026-09-01", "08:00"),
        intro=intro,
        visible=visible,
        available=available,
    )


def demo_courses() -> list[FakeCourse]:
    return [
        FakeCourse(
            201,
            "СП-2026",
            "Системное программирование",
            "<p>Процессы, потоки и синхронизация в POSIX.</p>",
            category=12,
            visible=True,
            enrolled={3001: 2, 3002: 30, 3004: 1},
            sections=[
                FakeSection(
                    2010,
                    0,
                    "Общее",
                    [
                        FakeModule(7001, "forum", "Объявления", instance=901),
                        FakeModule(7002, "resource", "Рабочая программа дисциплины", instance=902),
                    ],
                ),
                FakeSection(
                    2011,
                    1,
                    "Лабораторные работы",
                    [
                        _assign(
                            7011,
                            "Лабораторная работа 1. Процессы",
                            _at("2026-09-20"),
                            "<p>Создание процессов: fork, exec, wait.</p>",
                        ),
                        _assign(7012, "Лабораторная работа 2. Потоки", _at("2026-10-04")),
                        FakeModule(7013, "quiz", "Тест по процессам и потокам", instance=903),
                        _assign(7014, "Лабораторная работа 3. Синхронизация", _at("2026-10-18")),
                    ],
                ),
                FakeSection(
                    2012,
                    2,
                    "Дополнительные задания",
                    [
                        _assign(7021, "Лабораторная работа 1. Процессы", _at("2026-11-01")),
                        _assign(7022, "Реферат"),
                    ],
                ),
            ],
        ),
        FakeCourse(
            202,
            "КС-2026",
            "Компьютерные сети",
            "<p>Стек TCP/IP на практике.</p>",
            category=12,
            visible=True,
            enrolled={3001: 20, 3002: 5},
            sections=[
                FakeSection(
                    2020,
                    0,
                    "Общее",
                    [
                        FakeModule(7101, "url", "Учебник на сайте кафедры", instance=904),
                    ],
                ),
                FakeSection(
                    2021,
                    1,
                    "Практика",
                    [
                        _assign(7111, "Практическая работа 1. Wireshark", _at("2026-09-27")),
                        _assign(7112, "Практическая работа 2. Маршрутизация", _at("2026-10-25")),
                    ],
                ),
            ],
        ),
        FakeCourse(
            203,
            "WEB-2026",
            "Web-программирование",
            "<p>HTML, CSS, JavaScript и немного Python.</p>",
            category=14,
            visible=True,
            enrolled={3001: None, 3003: 3},
            sections=[
                FakeSection(2030, 0, "Общее", []),
                FakeSection(
                    2031,
                    1,
                    "Проекты",
                    [
                        _assign(7211, "Проект: личная страница", _at("2026-10-11")),
                    ],
                ),
            ],
        ),
        FakeCourse(
            204,
            "ИНФ-2025",
            "Архив: Информатика (2025)",
            "<p>Курс прошлого года, скрыт от студентов.</p>",
            category=9,
            visible=False,
            enrolled={3001: 4000},
            sections=[FakeSection(2040, 0, "Общее", [])],
            startdate=_at("2025-09-01", "00:00"),
            enddate=_at("2026-01-31", "00:00"),
        ),
        # Named like a subject of eQueue's demo workspace: shows how a taken name is handled.
        FakeCourse(
            205,
            "БД-2026",
            "Базы данных",
            "<p>Проектирование и SQL.</p>",
            category=12,
            visible=True,
            enrolled={3001: 50},
            sections=[
                FakeSection(
                    2050,
                    1,
                    "Лабораторные работы",
                    [
                        _assign(7311, "Лабораторная работа №1. ER-диаграмма", _at("2026-09-30")),
                        _assign(7312, "Индексы и планы запросов", _at("2026-10-28")),
                    ],
                ),
            ],
        ),
        FakeCourse(
            206,
            "С&П-2026",
            "Сети & протоколы <TCP/IP>",
            "<p>Протоколы прикладного уровня.</p>",
            category=12,
            visible=True,
            enrolled={3001: 8, 3005: 1},
            sections=[
                FakeSection(2060, 0, "Общее", []),
                FakeSection(
                    2061,
                    1,
                    'Лабы "по выбору"',
                    [
                        _assign(7411, "Лаба 1: O'Reilly & Co", _at("2026-09-25")),
                        _assign(7412, "Разбор &#171;TCP&#187; &#x2014; отчёт", _at("2026-10-09")),
                        _assign(7413, "Контрольная (черновик)", _at("2026-10-16"), visible=False),
                        _assign(7414, "Бонус для отличников", _at("2026-10-23"), available=False),
                    ],
                ),
                FakeSection(
                    2062,
                    2,
                    "Резерв",
                    [_assign(7421, "Запасное задание", _at("2026-11-20"))],
                    visible=False,
                ),
            ],
        ),
    ]

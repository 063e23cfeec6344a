"""Demo data that shows every feature: `equeue seed-demo` (and `make run` on first start).

Everything is created through the services, so the demo obeys the same rules as real use.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from db.models import Queue, QueueEvent, QueueEventKind, QueueState
from db.types import utcnow
from equeue_ui import runtime
from equeue_ui.services import accounts, groups, queues, subjects, submissions, tasks, workspaces
from equeue_ui.services.views import UserView

DEMO_PASSWORD = "demo12345"
ADMIN_PASSWORD = "admin12345"
DEMO_GROUP = "КИ21-16/2Б"
OTHER_GROUPS = [
    "КИ21-16/1Б",
    "КИ21-17/1Б",
    "КИ21-17/2Б",
    "КИ22-01Б",
    "КИ22-02Б",
    "КИ23-11Б",
    "ФИ21-01Б",
    "ФИ22-03Б",
    "ИМ22-05Б",
    "ЭК23-07Б",
    "ПИ24-01Б",
    "ПИ24-02Б",
]
STUDENTS = [
    ("student1", "Алексей", "Иванов"),
    ("student2", "Мария", "Кузнецова"),
    ("student3", "Дмитрий", "Соколов"),
    ("student4", "Елена", "Попова"),
    ("student5", "Никита", "Лебедев"),
    ("student6", "Ольга", "Козлова"),
    ("student7", "Артём", "Новиков"),
    ("student8", "Полина", "Морозова"),
    ("student9", "Иван", "Волков"),
    ("student10", "Софья", "Фёдорова"),
]


@dataclass(frozen=True)
class DemoSubject:
    name: str
    teacher_name: str
    teacher_contact: str
    requirements: str
    tasks: list[str]
    queue: QueueState


SUBJECTS = [
    DemoSubject(
        name="Алгоритмы и структуры данных",
        teacher_name="Петрова Ирина Александровна",
        teacher_contact="i.petrova@example.edu, ауд. 4-12",
        requirements=(
            "## Как сдавать\n\n"
            "1. Код — в репозитории, ссылку приложить в eКурсах.\n"
            "2. На защите объяснить **сложность** алгоритма.\n"
            "3. Тесты обязательны.\n"
        ),
        tasks=["Сортировки", "Стек и очередь", "Деревья поиска", "Хеш-таблицы", "Графы"],
        queue=QueueState.OPEN,
    ),
    DemoSubject(
        name="Базы данных",
        teacher_name="Сидоров Павел Игоревич",
        teacher_contact="Telegram @p_sidorov",
        requirements="Отчёт в PDF и SQL-скрипты. Защита — по одному.",
        tasks=["ER-диаграмма", "Нормализация", "Запросы SQL", "Транзакции"],
        queue=QueueState.PAUSED,
    ),
    DemoSubject(
        name="Операционные системы",
        teacher_name="Ким Сергей Викторович",
        teacher_contact="s.kim@example.edu",
        requirements="Сдача только при наличии отчёта. *Опоздания — в конец очереди.*",
        tasks=["Процессы", "Потоки", "Синхронизация", "Файловые системы"],
        queue=QueueState.CLOSED,
    ),
]


async def seed() -> bool:
    """Create the demo world unless it exists; returns whether anything was created."""
    if await accounts.find_user("leader") is not None:
        return False
    await groups.import_group_names([DEMO_GROUP, *OTHER_GROUPS])
    group = (await groups.search_groups(DEMO_GROUP, limit=1))[0]
    admin = await accounts.create_admin("admin", ADMIN_PASSWORD)
    admin = await accounts.update_profile(actor=admin, first_name="Администратор", last_name="")
    teacher = await _user("teacher", "Ирина", "Петрова")
    await accounts.set_roles(teacher.id, actor=admin, teacher=True)
    leader = await _user("leader", "Анна", "Смирнова", group_id=group.id)
    students = [await _user(u, f, last, group_id=group.id) for u, f, last in STUDENTS]
    applicant = await _user("applicant", "Георгий", "Орлов", group_id=group.id)
    await _user("newcomer", "Вера", "Белова", group_id=group.id)

    workspace = await workspaces.create_workspace("Осенний семестр 2026", actor=leader)
    for student in [*students, applicant]:
        await workspaces.request_to_join(workspace.id, actor=student)
    for student in students:
        await workspaces.approve(workspace.id, student.id, actor=leader)
    await workspaces.promote(workspace.id, students[0].id, actor=leader)

    made = []
    for number, spec in enumerate(SUBJECTS):
        subject = await subjects.create_subject(
            workspace.id,
            actor=leader,
            name=spec.name,
            teacher_name=spec.teacher_name,
            teacher_contact=spec.teacher_contact,
            requirements=spec.requirements,
        )
        for index, name in enumerate(spec.tasks):
            await tasks.create_task(
                subject.id,
                actor=leader,
                name=f"Лабораторная работа №{index + 1}. {name}",
                due_at=utcnow() + timedelta(days=7 * (index + 1) - 10 + number),
            )
        made.append(subject)
    await subjects.assign_teacher(made[0].id, teacher.id, actor=admin)
    await subjects.assign_teacher(made[1].id, teacher.id, actor=admin)

    # Some work already handed in, so progress bars and the leaderboard have something to show.
    first_tasks = await tasks.list_tasks(made[0].id, actor=leader)
    for offset, student in enumerate(students):
        for task in first_tasks[: offset % 3]:
            await submissions.mark_handed_in(task.id, actor=student)

    for subject, spec in zip(made, SUBJECTS, strict=True):
        assert subject.queue_id is not None
        # The demo's lines stand in joining order (no fair start); the closed queue shows the
        # presence code: join only from the classroom, with the code its board shows.
        await queues.update_settings(
            subject.queue_id,
            actor=leader,
            members_can_freeze=True,
            max_size=None,
            fair_start_seconds=0,
            presence_required=spec.queue is QueueState.CLOSED,
        )
        await queues.set_state(subject.queue_id, QueueState.OPEN, actor=leader)
        members = students[:7] if spec.queue is QueueState.OPEN else students[5:8]
        if spec.queue is QueueState.CLOSED:
            members = []
        for student in members:
            await queues.join_queue(subject.queue_id, actor=student)
        await queues.set_state(subject.queue_id, spec.queue, actor=leader)
    open_queue = made[0].queue_id
    assert open_queue is not None
    await _past_lab_sessions(open_queue, students, teacher)
    await queues.freeze(open_queue, actor=students[2])
    await queues.call_next(open_queue, actor=teacher)
    return True


async def _past_lab_sessions(queue_id: int, students: list[UserView], teacher: UserView) -> None:
    """History of earlier lab sessions, so wait estimates and statistics have data at once.

    The services stamp events with the current time; the past can only be written directly.
    """
    rng = random.Random(2026)  # the same demo every time
    async with runtime.current().db.write_session() as session:
        queue = await session.get(Queue, queue_id)
        assert queue is not None
        for days_ago in (14, 7, 2):
            moment = utcnow().replace(microsecond=0) - timedelta(days=days_ago, hours=3)
            for student in rng.sample(students, 6):
                joined = moment - timedelta(minutes=rng.randint(5, 40))
                called = moment
                moment += timedelta(minutes=rng.randint(4, 11))
                kind = QueueEventKind.ACCEPTED if rng.random() < 0.8 else QueueEventKind.RETURNED
                queue.version += 1
                session.add(
                    QueueEvent(
                        queue_id=queue_id,
                        user_id=student.id,
                        actor_id=teacher.id,
                        kind=kind,
                        at=moment,
                        joined_at=joined,
                        called_at=called,
                        version=queue.version,
                    )
                )
        await session.commit()


async def _user(username: str, first: str, last: str, *, group_id: int | None = None) -> UserView:
    user = await accounts.register(
        username, DEMO_PASSWORD, first_name=first, last_name=last, enforce_setting=False
    )
    if group_id is not None:
        user = await accounts.set_group(group_id, actor=user)
    return user

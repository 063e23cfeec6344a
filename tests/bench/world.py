"""The benchmark's world, built through the service layer before the app starts.

One group and workspace; per queue a subject with a few tasks, its queue OPEN with 30 students
in it, a display link for its board; the same approved students (who may stand in several
queues at once) join and leave every queue; a teacher of every subject who calls and accepts
(and whose session the consoles share), and one approved "viewer" student whose session every
simulated student's tab shares.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from db.models import QueueState
from equeue_ui import migrate, runtime
from equeue_ui.services import (
    accounts,
    api_tokens,
    boards,
    groups,
    queues,
    subjects,
    tasks,
    workspaces,
)
from equeue_ui.services.views import UserView
from equeue_ui.settings import Settings

try:
    from argon2 import PasswordHasher
except ImportError:  # pragma: no cover - argon2 is an app dependency
    PasswordHasher = None  # type: ignore[assignment,misc]

PASSWORD = "bench-password-1"
GROUP = "BENCH-01"
TASKS = ("Lab 1", "Lab 2", "Lab 3", "Lab 4", "Lab 5")
# Concurrent registrations (their password hashes run in threads).
REGISTER_CONCURRENCY = 4
# Queues set up at once. Every step is its own service call (the services have no batch form:
# about 0.35 s of this process's CPU per queue of 30). On PostgreSQL the server's share
# overlaps; on SQLite they would only take turns at the one writer (measured 10 % slower).
QUEUE_SETUP_CONCURRENCY = {"sqlite": 1, "postgresql": 8}


@dataclass(frozen=True)
class BenchQueue:
    queue_id: int
    board_token: str  # a display link's secret: /board/<token>
    in_queue: tuple[str, ...]  # in queue order
    spares: tuple[str, ...]  # approved students not in this queue


@dataclass(frozen=True)
class BenchWorld:
    queues: tuple[BenchQueue, ...]
    viewer: str  # the account every simulated student's tab is signed in as
    teacher: str  # assigned to every subject: calls and accepts; the consoles' account
    api_token: str  # the viewer's API token (read), for API viewers

    @property
    def queue_id(self) -> int:
        """The first queue (the one queue of a single-queue run)."""
        return self.queues[0].queue_id

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def build_world(
    data_dir: Path,
    database_url: str | None,
    *,
    queue_size: int = 30,
    spares: int = 40,
    queue_count: int = 1,
) -> BenchWorld:
    """Migrate the database and create the world; runs its own event loop."""
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=data_dir,
        database_url=database_url,
        secret="bench-" + "s" * 40,
        default_language="en",
    )
    return asyncio.run(_build(settings, queue_size, spares, queue_count))


async def _build(
    settings: Settings, queue_size: int, spare_count: int, queue_count: int
) -> BenchWorld:
    await migrate.upgrade(settings.resolved_database_url)
    _cheap_password_hashes()
    built = runtime.build(settings, load_snapshot=queues.load_snapshot)
    runtime.install(built)
    try:
        return await _create(queue_size, spare_count, queue_count)
    finally:
        await built.hub.close()
        runtime.install(None)
        await built.db.dispose()


async def _create(queue_size: int, spare_count: int, queue_count: int) -> BenchWorld:
    await groups.import_group_names([GROUP])
    group = (await groups.search_groups(GROUP, limit=1))[0]
    admin = await accounts.create_admin("benchadmin", PASSWORD)
    teacher = await _register("benchteacher", "Tess", "Teacher")
    await accounts.set_roles(teacher.id, actor=admin, teacher=True)
    leader = await accounts.set_group(group.id, actor=await _register("benchleader", "Lee", "Lead"))
    names = [f"student{n:03d}" for n in range(queue_size + spare_count)]
    semaphore = asyncio.Semaphore(REGISTER_CONCURRENCY)

    async def student(username: str) -> UserView:
        async with semaphore:
            user = await _register(username, "Student", username.removeprefix("student"))
        return await accounts.set_group(group.id, actor=user)

    students = list(await asyncio.gather(*(student(name) for name in names)))
    viewer = await accounts.set_group(group.id, actor=await _register("benchviewer", "Vi", "Ewer"))

    workspace = await workspaces.create_workspace("Bench semester", actor=leader)
    for user in [*students, viewer]:
        await workspaces.request_to_join(workspace.id, actor=user)
        await workspaces.approve(workspace.id, user.id, actor=leader)

    async def one_queue(number: int) -> BenchQueue:
        name = "Benchmarking" if number == 0 else f"Benchmarking {number + 1:03d}"
        subject = await subjects.create_subject(
            workspace.id, actor=leader, name=name, teacher_name="Tess Teacher"
        )
        for task in TASKS:
            await tasks.create_task(subject.id, actor=leader, name=task)
        await subjects.assign_teacher(subject.id, teacher.id, actor=admin)
        assert subject.queue_id is not None
        queue_id = subject.queue_id
        # Places in joining order from the start: the teacher's calls are part of what is
        # measured.
        await queues.update_settings(
            queue_id, actor=leader, members_can_freeze=True, max_size=None, fair_start_seconds=0
        )
        await queues.set_state(queue_id, QueueState.OPEN, actor=leader)
        # Each queue's students are the pool turned by its number, so the queues differ.
        turned = names[number % len(names) :] + names[: number % len(names)]
        members = {user.username: user for user in students}
        for username in turned[:queue_size]:
            await queues.join_queue(queue_id, actor=members[username])
        link = await boards.create_display_link(queue_id, actor=teacher, label="bench board")
        return BenchQueue(
            queue_id=queue_id,
            board_token=link.token,
            in_queue=tuple(turned[:queue_size]),
            spares=tuple(turned[queue_size:]),
        )

    limit = QUEUE_SETUP_CONCURRENCY.get(runtime.current().db.dialect, 1)
    made = await _bounded(limit, one_queue, range(queue_count))
    token = await api_tokens.create_token("bench", actor=viewer, scopes=[], expires_in_days=30)
    return BenchWorld(
        queues=tuple(made),
        viewer=viewer.username,
        teacher=teacher.username,
        api_token=token.secret,
    )


async def _bounded(
    limit: int, function: Callable[[int], Awaitable[BenchQueue]], numbers: Iterable[int]
) -> list[BenchQueue]:
    """``function`` over ``numbers``, at most ``limit`` at a time; the results in order."""
    semaphore = asyncio.Semaphore(limit)

    async def one(number: int) -> BenchQueue:
        async with semaphore:
            return await function(number)

    return list(await asyncio.gather(*(one(number) for number in numbers)))


def _cheap_password_hashes() -> None:
    """Nobody signs in with a password here (the viewer gets its session from the bench hook),
    so this process hashes with the cheapest argon2 parameters: 70 accounts take a second
    instead of twenty. The hashes stay valid argon2id hashes."""
    if PasswordHasher is not None and hasattr(accounts, "_hasher"):
        accounts._hasher = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)


async def _register(username: str, first: str, last: str) -> UserView:
    return await accounts.register(
        username, PASSWORD, first_name=first, last_name=last, enforce_setting=False
    )

"""The benchmark's world, built through the service layer before the app starts.

One group and workspace, one subject with a few tasks, its queue OPEN with 30 students in it,
spare approved students who join and leave during the run, a teacher who calls and accepts,
and one approved "viewer" student whose session every simulated browser shares.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass
from pathlib import Path

from db.models import QueueState
from equeue_ui import migrate, runtime
from equeue_ui.services import accounts, api_tokens, groups, queues, subjects, tasks, workspaces
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


@dataclass(frozen=True)
class BenchWorld:
    queue_id: int
    viewer: str  # the account every simulated browser is signed in as
    teacher: str  # assigned to the subject: calls and accepts
    in_queue: tuple[str, ...]  # in queue order
    spares: tuple[str, ...]  # approved students not in the queue
    api_token: str  # the viewer's API token (read), for API viewers

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def build_world(
    data_dir: Path, database_url: str | None, *, queue_size: int = 30, spares: int = 40
) -> BenchWorld:
    """Migrate the database and create the world; runs its own event loop."""
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=data_dir,
        database_url=database_url,
        secret="bench-" + "s" * 40,
        default_language="en",
    )
    return asyncio.run(_build(settings, queue_size, spares))


async def _build(settings: Settings, queue_size: int, spare_count: int) -> BenchWorld:
    await migrate.upgrade(settings.resolved_database_url)
    _cheap_password_hashes()
    built = runtime.build(settings, load_snapshot=queues.load_snapshot)
    runtime.install(built)
    try:
        return await _create(queue_size, spare_count)
    finally:
        await built.hub.close()
        runtime.install(None)
        await built.db.dispose()


async def _create(queue_size: int, spare_count: int) -> BenchWorld:
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
    subject = await subjects.create_subject(
        workspace.id, actor=leader, name="Benchmarking", teacher_name="Tess Teacher"
    )
    for name in TASKS:
        await tasks.create_task(subject.id, actor=leader, name=name)
    await subjects.assign_teacher(subject.id, teacher.id, actor=admin)
    assert subject.queue_id is not None
    # Places in joining order from the start: the teacher's calls are part of what is measured.
    await queues.update_settings(
        subject.queue_id, actor=leader, members_can_freeze=True, max_size=None, fair_start_seconds=0
    )
    await queues.set_state(subject.queue_id, QueueState.OPEN, actor=leader)
    for user in students[:queue_size]:
        await queues.join_queue(subject.queue_id, actor=user)
    token = await api_tokens.create_token("bench", actor=viewer, scopes=[], expires_in_days=30)
    return BenchWorld(
        queue_id=subject.queue_id,
        viewer=viewer.username,
        teacher=teacher.username,
        in_queue=tuple(names[:queue_size]),
        spares=tuple(names[queue_size:]),
        api_token=token.secret,
    )


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

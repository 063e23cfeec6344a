"""The demo world renamed with text that looks like markup or code (issue 13, point 2).

Seeded through the services into a copy of the demo database before the app starts. Names of
things carry the whole set, a right-to-left override included; people's names carry the
quote, ``:title=``, ``\\N``, ``{{ }}`` and tag parts only (the services refuse direction
overrides in them).
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from db.models import Task
from equeue_ui import demo, runtime
from equeue_ui.services import (
    accounts,
    boards,
    groups,
    student_invites,
    subjects,
    tasks,
    teaching,
    workspaces,
)
from equeue_ui.services.queues import load_snapshot
from equeue_ui.services.views import UserView
from equeue_ui.settings import Settings
from tests.e2e.server import DATABASE_FILE, SECRET

QUOTE = 'x" :title="alert(document.domain)'
BACKSLASH = "\\N"  # a backslash and an N, as typed
BRACES = "{{ 7*7 }}"
TAG = "<img src=x onerror=alert(1)>"
RTL = "\u202e"  # RIGHT-TO-LEFT OVERRIDE
SCRIPT_URL = "javascript:alert(1)"
HOSTILE = f"{QUOTE} {BACKSLASH} {BRACES} {TAG}"

GROUP = f"{demo.DEMO_GROUP} {QUOTE} {BRACES} {RTL}RTL"
WORKSPACE = f"Осень {HOSTILE} {RTL}2026"
SUBJECT = f"Алгоритмы {HOSTILE} {RTL}ASD"
TASK = f"Лаба {HOSTILE} {RTL}1"
LABEL = f"Room {HOSTILE} {RTL}4-12"
TEACHER_NAME = f"{TAG} {QUOTE}"
TEACHER_CONTACT = f"{BRACES} {BACKSLASH}"
REQUIREMENTS = (
    f"Read {BRACES} and {TAG} first.\n\n"
    f'[click me]({SCRIPT_URL}) and <a href="{SCRIPT_URL}">raw</a>\n'
)
# username -> (first name, last name)
PEOPLE = {
    "student1": (BRACES, TAG),  # at the desk in the demo
    "student2": (QUOTE, f"{BACKSLASH}slash"),  # waiting, second in line
    "teacher": (TAG, QUOTE),
    "leader": (BACKSLASH, BRACES),
    "applicant": (QUOTE, BRACES),  # asked to join, waiting for approval
}
# Registered through the form in the browser.
NEWCOMER = "hostile.student"
NEWCOMER_FIRST = QUOTE
NEWCOMER_LAST = f"{BACKSLASH} {BRACES} {TAG}"
NEWCOMER_PASSWORD = "hostile-password-1"


@dataclass(frozen=True)
class HostileWorld:
    workspace_id: int
    subject_id: int
    queue_id: int
    names: dict[str, str]  # username -> display name
    script_task: str  # a task whose stored address is a javascript: one
    board_path: str  # a display link's path
    teacher_invite_path: str
    student_invite_path: str

    @property
    def texts(self) -> list[str]:
        """Every hostile text the pages may show."""
        return [
            GROUP,
            WORKSPACE,
            SUBJECT,
            TASK,
            LABEL,
            TEACHER_NAME,
            TEACHER_CONTACT,
            *self.names.values(),
            f"{NEWCOMER_FIRST} {NEWCOMER_LAST}",
        ]


def seed(data_dir: Path) -> HostileWorld:
    """Rename the demo world in ``data_dir``'s database (in a loop of its own)."""
    settings = Settings(
        environment="test",
        database_url=f"sqlite+aiosqlite:///{data_dir / DATABASE_FILE}",
        data_dir=data_dir,
        secret=SECRET,
    )

    async def run() -> HostileWorld:
        built = runtime.build(settings, load_snapshot=load_snapshot)
        runtime.install(built)
        try:
            return await _rename_everything()
        finally:
            runtime.install(None)
            await built.db.dispose()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(run())).result()


async def _user(username: str) -> UserView:
    found = await accounts.find_user(username)
    assert found is not None, username
    return found


async def _rename_everything() -> HostileWorld:
    admin, leader, teacher = await _user("admin"), await _user("leader"), await _user("teacher")
    names = {}
    for username, (first, last) in PEOPLE.items():
        renamed = await accounts.update_profile(
            actor=await _user(username), first_name=first, last_name=last
        )
        names[username] = renamed.display_name
    leader, teacher = await _user("leader"), await _user("teacher")

    (group,) = await groups.search_groups(demo.DEMO_GROUP, limit=1)
    await groups.rename_group(group.id, GROUP, actor=admin)
    (workspace,) = await workspaces.list_my_workspaces(actor=leader)
    await workspaces.rename_workspace(workspace.id, WORKSPACE, actor=leader)
    subject = next(
        s
        for s in await subjects.list_subjects(workspace.id, actor=leader)
        if s.name == demo.SUBJECTS[0].name  # the open queue, with people in it
    )
    assert subject.queue_id is not None
    await subjects.update_subject(
        subject.id,
        actor=leader,
        name=SUBJECT,
        teacher_name=TEACHER_NAME,
        teacher_contact=TEACHER_CONTACT,
        requirements=REQUIREMENTS,
    )
    await tasks.create_task(subject.id, actor=leader, name=TASK, url="https://example.org/lab")
    # The services refuse such an address; eCourses answers and older rows are not checked.
    first_task = (await tasks.list_tasks(subject.id, actor=leader))[0]
    async with runtime.current().db.write_session() as session:
        stored = await session.get(Task, first_task.id)
        assert stored is not None
        stored.url = SCRIPT_URL
        await session.commit()

    display = await boards.create_display_link(subject.queue_id, actor=teacher, label=LABEL)
    teacher_invite = await teaching.create_invite(subject.id, actor=leader)
    student_invite = await student_invites.create_invite(workspace.id, actor=leader)
    return HostileWorld(
        workspace_id=workspace.id,
        subject_id=subject.id,
        queue_id=subject.queue_id,
        names=names,
        script_task=first_task.name,
        board_path=f"/board/{display.token}",
        teacher_invite_path=f"/invites/teacher/{teacher_invite.token}",
        student_invite_path=f"/invites/workspace/{student_invite.token}",
    )

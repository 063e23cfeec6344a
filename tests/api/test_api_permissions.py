"""Every endpoint × role × scope (issue 21, points 2, 3 and 6), on both databases.

The API calls the services with the token's user as the actor, so it refuses exactly what the
pages refuse: each row names an endpoint, what must be true before it is called, the scope it
needs, and the status each role gets with a token that has every scope. Roles that are refused
go first and must change nothing; the allowed role goes last. A token without the endpoint's
scope is refused (403) even for the allowed role, and changes nothing either.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from equeue_ui.runtime import Runtime
from equeue_ui.services import queues
from equeue_ui.services.views import UserView
from tests.api.conftest import bearer
from tests.services.queue_world import QueueWorld, snapshot

ROLES = ("stranger", "other_teacher", "teacher", "student")
Setup = Callable[[QueueWorld], Awaitable[dict[str, int]]]


async def nothing(qw: QueueWorld) -> dict[str, int]:
    return {}


async def student_waits(qw: QueueWorld) -> dict[str, int]:
    return {"entry": await queues.join_queue(qw.queue_id, actor=qw.students[0])}


async def student_frozen(qw: QueueWorld) -> dict[str, int]:
    found = await student_waits(qw)
    await queues.freeze(qw.queue_id, actor=qw.students[0])
    return found


async def student_at_desk(qw: QueueWorld) -> dict[str, int]:
    found = await student_waits(qw)
    await queues.call_next(qw.queue_id, actor=qw.teacher)
    return found


@dataclass(frozen=True)
class Row:
    method: str
    path: str  # formatted with queue, subject, workspace, task and the setup's ids
    scope: str
    statuses: dict[str, int]  # role -> status with every scope
    setup: Setup = nothing
    body: dict[str, Any] | None = field(default=None)


READ_ALL = {"stranger": 200, "other_teacher": 200, "teacher": 200, "student": 200}
# Teachers see the subjects they teach, not the rest of the workspace.
SUBJECT_READ = {"stranger": 403, "other_teacher": 403, "teacher": 200, "student": 200}
MEMBERS_READ = {**SUBJECT_READ, "teacher": 403}
STUDENT_ONLY = {"stranger": 403, "other_teacher": 403, "teacher": 403, "student": 204}
TEACHER_ONLY = {"stranger": 403, "other_teacher": 403, "teacher": 204, "student": 403}

ROWS: dict[str, Row] = {
    "me": Row("GET", "/me", "read", READ_ALL),
    "workspaces": Row("GET", "/workspaces", "read", READ_ALL),
    "subjects": Row("GET", "/workspaces/{workspace}/subjects", "read", MEMBERS_READ),
    "subject": Row("GET", "/subjects/{subject}", "read", SUBJECT_READ),
    "tasks": Row("GET", "/subjects/{subject}/tasks", "read", SUBJECT_READ),
    "queue": Row("GET", "/queues/{queue}", "read", SUBJECT_READ),
    "mark": Row("PUT", "/tasks/{task}/hand-in", "queue", STUDENT_ONLY),
    "unmark": Row("DELETE", "/tasks/{task}/hand-in", "queue", STUDENT_ONLY),
    "join": Row(
        "POST", "/queues/{queue}/entries", "queue", {**STUDENT_ONLY, "student": 201}, body={}
    ),
    # Whoever is not in the queue is told so: "not found".
    "leave": Row(
        "DELETE",
        "/queues/{queue}/entries/me",
        "queue",
        {"stranger": 404, "other_teacher": 404, "teacher": 404, "student": 204},
        setup=student_waits,
    ),
    "freeze": Row(
        "POST", "/queues/{queue}/entries/me/freeze", "queue", STUDENT_ONLY, setup=student_waits
    ),
    "unfreeze": Row(
        "POST", "/queues/{queue}/entries/me/unfreeze", "queue", STUDENT_ONLY, setup=student_frozen
    ),
    "call next": Row(
        "POST",
        "/queues/{queue}/call-next",
        "teach",
        {**TEACHER_ONLY, "teacher": 200},
        setup=student_waits,
    ),
    "accept": Row("POST", "/entries/{entry}/accept", "teach", TEACHER_ONLY, setup=student_at_desk),
    "return": Row("POST", "/entries/{entry}/return", "teach", TEACHER_ONLY, setup=student_at_desk),
    "skip": Row("POST", "/entries/{entry}/skip", "teach", TEACHER_ONLY, setup=student_at_desk),
}


def user_of(qw: QueueWorld, role: str) -> UserView:
    return qw.students[0] if role == "student" else qw.by_role(role)


async def state(qw: QueueWorld, client: httpx.AsyncClient, headers: dict[str, str]) -> object:
    """What a refused request must leave as it was: the queue and the student's hand-ins."""
    tasks = await client.get(f"/api/v1/subjects/{qw.subject_id}/tasks", headers=headers)
    return (await snapshot(qw)).version, tasks.json()


@pytest.mark.parametrize("name", sorted(ROWS))
async def test_each_role_gets_what_the_services_allow(
    rt: Runtime, qw: QueueWorld, client: httpx.AsyncClient, name: str
) -> None:
    row = ROWS[name]
    ids = {
        "queue": qw.queue_id,
        "subject": qw.subject_id,
        "workspace": qw.world.workspace_id,
        "task": qw.task_ids[0],
        **await row.setup(qw),
    }
    url = "/api/v1" + row.path.format(**ids)
    watcher = await bearer(qw.students[1], ["read"])
    before = await state(qw, client, watcher)
    got = {}
    for role in ROLES:
        if row.statuses[role] >= 300:
            response = await client.request(
                row.method, url, json=row.body, headers=await bearer(user_of(qw, role))
            )
            got[role] = response.status_code
            assert await state(qw, client, watcher) == before, role
    allowed = [role for role in ROLES if row.statuses[role] < 300]
    for role in allowed:
        response = await client.request(
            row.method, url, json=row.body, headers=await bearer(user_of(qw, role))
        )
        got[role] = response.status_code
    assert got == row.statuses


@pytest.mark.parametrize("name", sorted(name for name, row in ROWS.items() if row.scope != "read"))
async def test_a_token_without_the_scope_is_refused_and_changes_nothing(
    rt: Runtime, qw: QueueWorld, client: httpx.AsyncClient, name: str
) -> None:
    row = ROWS[name]
    ids = {
        "queue": qw.queue_id,
        "subject": qw.subject_id,
        "workspace": qw.world.workspace_id,
        "task": qw.task_ids[0],
        **await row.setup(qw),
    }
    url = "/api/v1" + row.path.format(**ids)
    (role,) = [role for role in ROLES if row.statuses[role] < 300 and role != "stranger"][:1]
    other_scopes = [scope for scope in ("queue", "teach") if scope != row.scope]
    watcher = await bearer(qw.students[1], ["read"])
    before = await state(qw, client, watcher)
    response = await client.request(
        row.method, url, json=row.body, headers=await bearer(user_of(qw, role), other_scopes)
    )
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert row.scope in response.json()["detail"]
    assert await state(qw, client, watcher) == before

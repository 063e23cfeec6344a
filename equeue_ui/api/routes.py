"""The API's endpoints: each calls one or two services with the token's user as the actor, so
the API has the pages' permission checks and rules, never a set of its own."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request, Response

from equeue_ui.api import models
from equeue_ui.api.auth import Caller, scoped
from equeue_ui.api.problems import ProblemRoute, documented
from equeue_ui.api.reads import DEFAULT_LIMIT, ETAG_RESPONSES, MAX_LIMIT, json_with_etag, page_of
from equeue_ui.services import groups, queues, subjects, submissions, tasks, workspaces
from equeue_ui.services.api_tokens import QUEUE, READ, TEACH, ApiCaller

READ_ERRORS = documented(401, 403, 404, 422, 429)
WRITE_ERRORS = documented(401, 403, 404, 409, 422, 429)
NO_CONTENT: dict[str, Any] = {
    "status_code": 204,
    "response_class": Response,
    "responses": WRITE_ERRORS,
}
LIMIT = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page.")
CURSOR = Query(None, max_length=19, description="`next_cursor` of the page before.")


def build(current_caller: Caller) -> APIRouter:
    """The endpoints, for the callers ``current_caller`` finds (auth.caller_dependency)."""
    router = APIRouter(route_class=ProblemRoute)
    reader = Depends(scoped(current_caller, READ))
    student = Depends(scoped(current_caller, QUEUE))
    teacher = Depends(scoped(current_caller, TEACH))
    _reads(router, reader)
    _student_writes(router, student)
    _teacher_writes(router, teacher)
    return router


def _reads(router: APIRouter, reader: Any) -> None:
    read: dict[str, Any] = {"responses": READ_ERRORS | ETAG_RESPONSES}

    @router.get("/me", response_model=models.Me, tags=["me"], **read)
    async def me(request: Request, caller: ApiCaller = reader) -> Response:
        """The token's user, their study group, and what the token may do."""
        user = caller.user
        group = await groups.get_group(user.group_id) if user.group_id is not None else None
        return json_with_etag(request, models.Me.of(user, group, caller.scopes))

    @router.get("/workspaces", response_model=models.Page[models.Workspace], tags=["me"], **read)
    async def my_workspaces(
        request: Request,
        caller: ApiCaller = reader,
        limit: int = LIMIT,
        cursor: str | None = CURSOR,
    ) -> Response:
        """The workspaces the user is an approved member of, by id."""
        found = await workspaces.list_my_workspaces(actor=caller.user)
        chosen, following = page_of(found, lambda w: w.id, limit=limit, cursor=cursor)
        items = [models.Workspace.model_validate(view) for view in chosen]
        return json_with_etag(
            request, models.Page[models.Workspace](items=items, next_cursor=following)
        )

    @router.get(
        "/workspaces/{workspace_id}/subjects",
        response_model=models.Page[models.Subject],
        tags=["subjects"],
        **read,
    )
    async def workspace_subjects(
        request: Request,
        workspace_id: int,
        caller: ApiCaller = reader,
        limit: int = LIMIT,
        cursor: str | None = CURSOR,
    ) -> Response:
        """The subjects of a workspace, by id."""
        found = await subjects.list_subjects(workspace_id, actor=caller.user)
        chosen, following = page_of(found, lambda s: s.id, limit=limit, cursor=cursor)
        items = [models.Subject.model_validate(view) for view in chosen]
        return json_with_etag(
            request, models.Page[models.Subject](items=items, next_cursor=following)
        )

    @router.get("/subjects/{subject_id}", response_model=models.Subject, tags=["subjects"], **read)
    async def subject(request: Request, subject_id: int, caller: ApiCaller = reader) -> Response:
        """One subject."""
        view = await subjects.get_subject(subject_id, actor=caller.user)
        return json_with_etag(request, models.Subject.model_validate(view))

    @router.get(
        "/subjects/{subject_id}/tasks",
        response_model=models.Page[models.Task],
        tags=["subjects"],
        **read,
    )
    async def subject_tasks(
        request: Request,
        subject_id: int,
        caller: ApiCaller = reader,
        limit: int = LIMIT,
        cursor: str | None = CURSOR,
    ) -> Response:
        """A subject's tasks by id, each with whether the user has handed it in."""
        found = await tasks.list_tasks(subject_id, actor=caller.user)
        handed_in = await submissions.handed_in_task_ids(subject_id, actor=caller.user)
        chosen, following = page_of(found, lambda t: t.id, limit=limit, cursor=cursor)
        items = [models.Task.of(view, view.id in handed_in) for view in chosen]
        page = models.Page[models.Task](items=items, next_cursor=following)
        return json_with_etag(request, page)

    @router.get("/queues/{queue_id}", response_model=models.Queue, tags=["queues"], **read)
    async def queue(request: Request, queue_id: int, caller: ApiCaller = reader) -> Response:
        """A queue as every page that shows it shows it now."""
        snapshot = await queues.get_snapshot(queue_id, actor=caller.user)
        return json_with_etag(request, models.Queue.model_validate(snapshot))


def _student_writes(router: APIRouter, student: Any) -> None:
    done: dict[str, Any] = {
        "status_code": 204,
        "response_class": Response,
        "responses": WRITE_ERRORS,
    }

    @router.put("/tasks/{task_id}/hand-in", tags=["subjects"], **done)
    async def mark(task_id: int, caller: ApiCaller = student) -> None:
        """Mark a task handed in (scope `queue`); marking twice changes nothing."""
        await submissions.mark_handed_in(task_id, actor=caller.user)

    @router.delete("/tasks/{task_id}/hand-in", tags=["subjects"], **done)
    async def unmark(task_id: int, caller: ApiCaller = student) -> None:
        """Take back a mark (scope `queue`); refused once a teacher accepted the task."""
        await submissions.unmark_handed_in(task_id, actor=caller.user)

    @router.post(
        "/queues/{queue_id}/entries",
        status_code=201,
        response_model=models.Joined,
        tags=["queues"],
        responses=WRITE_ERRORS,
    )
    async def join(
        queue_id: int, body: models.JoinRequest, caller: ApiCaller = student
    ) -> models.Joined:
        """Stand in the queue with a task (scope `queue`), with the classroom's code when the
        queue asks for one; wrong codes are counted and held off as on the page."""
        entry_id = await queues.join_queue(
            queue_id, actor=caller.user, task_id=body.task_id, code=body.presence_code
        )
        return models.Joined(entry_id=entry_id)

    @router.delete("/queues/{queue_id}/entries/me", tags=["queues"], **done)
    async def leave(queue_id: int, caller: ApiCaller = student) -> None:
        """Leave the queue (scope `queue`)."""
        await queues.leave_queue(queue_id, actor=caller.user)

    @router.post("/queues/{queue_id}/entries/me/freeze", tags=["queues"], **done)
    async def freeze(queue_id: int, caller: ApiCaller = student) -> None:
        """Let others go first while keeping the place (scope `queue`)."""
        await queues.freeze(queue_id, actor=caller.user)

    @router.post("/queues/{queue_id}/entries/me/unfreeze", tags=["queues"], **done)
    async def unfreeze(queue_id: int, caller: ApiCaller = student) -> None:
        """Take the place up again (scope `queue`)."""
        await queues.unfreeze(queue_id, actor=caller.user)


def _teacher_writes(router: APIRouter, teacher: Any) -> None:
    done: dict[str, Any] = {
        "status_code": 204,
        "response_class": Response,
        "responses": WRITE_ERRORS,
    }

    @router.post(
        "/queues/{queue_id}/call-next",
        response_model=models.Called,
        tags=["teaching"],
        responses=WRITE_ERRORS,
    )
    async def call_next(queue_id: int, caller: ApiCaller = teacher) -> models.Called:
        """Call the next student to the desk (scope `teach`, the queue's teachers)."""
        return models.Called(entry_id=await queues.call_next(queue_id, actor=caller.user))

    @router.post("/entries/{entry_id}/accept", tags=["teaching"], **done)
    async def accept(entry_id: int, caller: ApiCaller = teacher) -> None:
        """Accept the work of the student at the desk (scope `teach`)."""
        await queues.accept(entry_id, actor=caller.user)

    @router.post("/entries/{entry_id}/return", tags=["teaching"], **done)
    async def return_entry(entry_id: int, caller: ApiCaller = teacher) -> None:
        """Send the student back to the queue (scope `teach`)."""
        await queues.return_entry(entry_id, actor=caller.user)

    @router.post("/entries/{entry_id}/skip", tags=["teaching"], **done)
    async def skip(entry_id: int, caller: ApiCaller = teacher) -> None:
        """Skip the student at the desk (scope `teach`)."""
        await queues.skip(entry_id, actor=caller.user)

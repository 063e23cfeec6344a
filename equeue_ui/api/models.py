"""What the API answers with: pydantic models made from the services' read models."""

from __future__ import annotations

from datetime import datetime
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from equeue_ui.services.views import (
    EntryStatus,
    GroupView,
    MemberRole,
    MemberStatus,
    QueueState,
    TaskView,
    UserView,
)

Item = TypeVar("Item")


class FromView(BaseModel):
    """An answer read from a service's read model by its fields' names
    (``Model.model_validate(view)``), so the fields are not copied one by one."""

    model_config = ConfigDict(from_attributes=True)


class Page(BaseModel, Generic[Item]):
    """One page of a list, in a stable order. Ask for the next one with
    ``?cursor=<next_cursor>``; ``next_cursor`` is null on the last page."""

    items: list[Item]
    next_cursor: str | None = Field(description="Where the next page starts; null at the end.")


class Group(BaseModel):
    id: int
    name: str


class Me(BaseModel):
    id: int
    username: str
    display_name: str
    first_name: str
    last_name: str
    group_id: int | None
    group: Group | None = Field(description="The user's study group.")
    is_teacher: bool
    scopes: list[str] = Field(description="What the token used for this request may do.")

    @classmethod
    def of(cls, user: UserView, group: GroupView | None, scopes: frozenset[str]) -> Me:
        return cls(
            id=user.id,
            username=user.username,
            display_name=user.display_name,
            first_name=user.first_name,
            last_name=user.last_name,
            group_id=user.group_id,
            group=Group(id=group.id, name=group.name) if group is not None else None,
            is_teacher=user.is_teacher,
            scopes=sorted(scopes),
        )


class Workspace(FromView):
    id: int
    group_id: int
    name: str
    my_role: MemberRole | None
    my_status: MemberStatus | None


class Subject(FromView):
    id: int
    workspace_id: int
    name: str
    teacher_name: str
    teacher_contact: str
    requirements: str = Field(description="Markdown, as the subject's page shows it.")
    queue_id: int | None


class Task(FromView):
    id: int
    subject_id: int
    name: str
    url: str | None
    order_index: int
    due_at: datetime | None
    handed_in: bool = Field(
        description="Whether the user marked it handed in (or it was accepted)."
    )

    @classmethod
    def of(cls, view: TaskView, handed_in: bool) -> Task:
        return cls.model_validate({**vars(view), "handed_in": handed_in})


class Entry(FromView):
    id: int
    position: int = Field(description="1 for the head of the queue.")
    user_id: int
    display_name: str
    task_id: int | None
    task_name: str | None
    status: EntryStatus
    joined_at: datetime
    called_at: datetime | None


class Queue(FromView):
    """A queue at one version: what every page that shows it shows."""

    id: int = Field(validation_alias="queue_id")
    subject_id: int
    workspace_id: int
    subject_name: str
    state: QueueState
    members_can_freeze: bool
    max_size: int | None
    version: int = Field(description="Grows with every change; the stream's event id.")
    entries: list[Entry] = Field(description="In queue order.")
    opens_at: datetime | None
    closes_at: datetime | None


class JoinRequest(BaseModel):
    task_id: int | None = Field(
        default=None, description="The task to hand in; by default the first not handed in."
    )
    presence_code: str | None = Field(
        default=None,
        max_length=32,
        description="For a queue joined only from the classroom: the code its board shows.",
    )


class Joined(BaseModel):
    entry_id: int


class Called(BaseModel):
    entry_id: int | None = Field(description="The entry called to the desk; null if nobody waits.")

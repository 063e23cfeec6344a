"""Read models the services hand out: small frozen dataclasses, never ORM objects."""

from __future__ import annotations

from collections.abc import Iterable, Set
from dataclasses import dataclass
from datetime import UTC, datetime

# The enums are re-exported: pages and components read them from here, never from db.
from db.models import (
    EntryStatus,
    Group,
    MemberRole,
    MemberStatus,
    QueueState,
    Subject,
    Task,
    User,
    Workspace,
)


def display_name(username: str, first_name: str, last_name: str) -> str:
    """How a person is named on every page: "First Last", or the username without a name."""
    full = f"{first_name} {last_name}".strip()
    return full or username


def short_name(username: str, first_name: str, last_name: str) -> str:
    """ "First L." — for boards where full names are not shown."""
    if not first_name:
        return username
    initial = f" {last_name[0]}." if last_name else ""
    return f"{first_name}{initial}"


@dataclass(frozen=True)
class UserView:
    id: int
    username: str
    first_name: str
    last_name: str
    avatar_url: str | None
    status_text: str
    group_id: int | None
    is_teacher: bool
    is_site_admin: bool
    language: str | None
    dark_mode: bool | None
    has_password: bool
    from_ecourses: bool
    # The picture's version (services/avatars.py); None shows the initials avatar.
    picture_key: str | None = None

    @property
    def display_name(self) -> str:
        return display_name(self.username, self.first_name, self.last_name)

    @property
    def short_name(self) -> str:
        """ "First L." — for boards where full names are not shown."""
        return short_name(self.username, self.first_name, self.last_name)

    @classmethod
    def of(cls, user: User) -> UserView:
        return cls(
            id=user.id,
            username=user.username,
            first_name=user.first_name,
            last_name=user.last_name,
            avatar_url=user.avatar_url,
            status_text=user.status_text,
            group_id=user.group_id,
            is_teacher=user.is_teacher,
            is_site_admin=user.is_site_admin,
            language=user.language,
            dark_mode=user.dark_mode,
            has_password=user.password_hash is not None,
            from_ecourses=user.ecourses_user_id is not None,
            picture_key=user.picture_key,
        )


@dataclass(frozen=True)
class GroupView:
    id: int
    name: str

    @classmethod
    def of(cls, group: Group) -> GroupView:
        return cls(id=group.id, name=group.name)


@dataclass(frozen=True)
class WorkspaceView:
    id: int
    group_id: int
    name: str
    my_role: MemberRole | None = None
    my_status: MemberStatus | None = None

    @property
    def is_admin(self) -> bool:
        return self.my_role is MemberRole.ADMIN and self.my_status is MemberStatus.APPROVED

    @classmethod
    def of(
        cls,
        workspace: Workspace,
        role: MemberRole | None = None,
        status: MemberStatus | None = None,
    ) -> WorkspaceView:
        return cls(
            id=workspace.id,
            group_id=workspace.group_id,
            name=workspace.name,
            my_role=role,
            my_status=status,
        )


@dataclass(frozen=True)
class MemberView:
    user: UserView
    workspace_id: int
    role: MemberRole
    status: MemberStatus
    joined_at: datetime


@dataclass(frozen=True)
class SubjectView:
    id: int
    workspace_id: int
    name: str
    teacher_name: str
    teacher_contact: str
    requirements: str
    ecourses_course_id: int | None
    ecourses_url: str | None
    queue_id: int | None = None

    @classmethod
    def of(cls, subject: Subject, queue_id: int | None = None) -> SubjectView:
        return cls(
            id=subject.id,
            workspace_id=subject.workspace_id,
            name=subject.name,
            teacher_name=subject.teacher_name,
            teacher_contact=subject.teacher_contact,
            requirements=subject.requirements,
            ecourses_course_id=subject.ecourses_course_id,
            ecourses_url=subject.ecourses_url,
            queue_id=queue_id,
        )


@dataclass(frozen=True)
class TaskView:
    id: int
    subject_id: int
    name: str
    url: str | None
    order_index: int
    due_at: datetime | None
    ecourses_id: int | None

    @classmethod
    def of(cls, task: Task) -> TaskView:
        return cls(
            id=task.id,
            subject_id=task.subject_id,
            name=task.name,
            url=task.url,
            order_index=task.order_index,
            due_at=task.due_at,
            ecourses_id=task.ecourses_id,
        )


def default_task(tasks: Iterable[TaskView], handed_in: Set[int]) -> int | None:
    """The task one stands in a queue with unless one chooses: the subject's first (in its
    order) not handed in yet; None when every one is (or there are none)."""
    ordered = sorted(tasks, key=lambda task: (task.order_index, task.id))
    return next((task.id for task in ordered if task.id not in handed_in), None)


@dataclass(frozen=True)
class EntryView:
    id: int
    position: int
    user_id: int
    display_name: str
    short_name: str
    task_id: int | None
    task_name: str | None
    status: EntryStatus
    joined_at: datetime
    called_at: datetime | None
    called_by: int | None = None
    picture_key: str | None = None
    # Joined during the fair start: placed by the draw, which is not made yet.
    in_draw: bool = False
    joined_with_code: bool = False


@dataclass(frozen=True)
class QueueSnapshot:
    """The queue as every viewer sees it at one version."""

    queue_id: int
    subject_id: int
    workspace_id: int
    subject_name: str
    state: QueueState
    members_can_freeze: bool
    max_size: int | None
    version: int
    entries: tuple[EntryView, ...]
    # Recent service durations in seconds (called → accepted or returned), newest first.
    service_seconds: tuple[float, ...] = ()
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    # When the fair start's draw places those who joined in its window; None: no draw pending.
    draw_at: datetime | None = None
    presence_required: bool = False
    presence_window_seconds: int = 180
    fair_start_seconds: int = 0

    def entry_of(self, user_id: int) -> EntryView | None:
        return next((e for e in self.entries if e.user_id == user_id), None)

    # The queue's numbers, defined once here for every screen (student page, board, console).

    def people_ahead(self, user_id: int) -> int | None:
        """The people "call next" would call before ``user_id``: those waiting ahead of them.
        Whoever is at the desk and frozen places (they let others go first) do not count."""
        entry = self.entry_of(user_id)
        if entry is None:
            return None
        return sum(
            1
            for other in self.entries
            if other.position < entry.position and other.status is EntryStatus.WAITING
        )

    def is_next(self, user_id: int) -> bool:
        """Whether ``user_id`` is the one "call next" would call now."""
        entry = self.entry_of(user_id)
        return (
            entry is not None
            and entry.status is EntryStatus.WAITING
            and not entry.in_draw  # the draw decides who is next
            and self.people_ahead(user_id) == 0
        )

    @property
    def at_desk(self) -> tuple[EntryView, ...]:
        """Those called to the desk, in queue order."""
        return tuple(e for e in self.entries if e.status is EntryStatus.CALLED)

    @property
    def in_line(self) -> tuple[EntryView, ...]:
        """Everyone in the queue who is not at the desk (frozen places too), in queue order."""
        return tuple(e for e in self.entries if e.status is not EntryStatus.CALLED)

    @property
    def waiting_count(self) -> int:
        """Everyone in the queue who is not at the desk (frozen places too)."""
        return len(self.in_line)

    @property
    def callable_count(self) -> int:
        """The people "call next" would call before someone who joined now."""
        return sum(1 for e in self.entries if e.status is EntryStatus.WAITING)

    def desk_entry_for(self, teacher_id: int) -> EntryView | None:
        """The one at the desk a teacher's Accept, Return and Skip keys act on: the one this
        teacher called last; someone another teacher called only when none is theirs."""
        mine = [e for e in self.at_desk if e.called_by == teacher_id]
        candidates = mine or list(self.at_desk)
        # A called entry always carries called_at; one without it would be the latest call.
        latest = datetime.max.replace(tzinfo=UTC)
        return max(candidates, key=lambda e: e.called_at or latest, default=None)


@dataclass(frozen=True)
class LeaderboardRow:
    """One approved member's standing in a workspace: tasks handed in, and of them accepted."""

    user: UserView
    handed_in: int
    accepted: int


@dataclass(frozen=True)
class QueuePage:
    """What a queue page needs besides the live snapshot, read in one go."""

    queue_id: int
    subject_id: int
    subject_name: str
    workspace_id: int
    tasks: tuple[TaskView, ...]
    handed_in: frozenset[int]
    can_operate: bool
    can_manage: bool  # a workspace admin (or site admin): invites teachers, edits the subject

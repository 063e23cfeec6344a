"""SQLAlchemy models for every entity of the product (SPEC §1) and their constraints."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from db.types import BigKey, Key, UTCDateTime, str_enum, utcnow

NAME_LENGTH = 255

# Deterministic constraint names, so migrations can refer to them on both databases.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    # Every `Mapped[int]` column without a type of its own is an id or a reference to one:
    # an id beyond its range is "no such row", not a database error (db.types.Key).
    type_annotation_map: ClassVar[dict[Any, Any]] = {int: Key}


class MemberRole(enum.StrEnum):
    MEMBER = "member"
    ADMIN = "admin"


class MemberStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class SubmissionKind(enum.StrEnum):
    SELF_REPORTED = "self_reported"
    ACCEPTED = "accepted"


class QueueState(enum.StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    PAUSED = "paused"


class EntryStatus(enum.StrEnum):
    WAITING = "waiting"
    FROZEN = "frozen"
    CALLED = "called"


class QueueEventKind(enum.StrEnum):
    JOINED = "joined"
    LEFT = "left"
    FROZEN = "frozen"
    UNFROZEN = "unfrozen"
    CALLED = "called"
    ACCEPTED = "accepted"
    RETURNED = "returned"
    SKIPPED = "skipped"
    REMOVED = "removed"
    OPENED = "opened"
    CLOSED = "closed"
    PAUSED = "paused"
    CLEARED = "cleared"
    SETTINGS = "settings"
    # The student took back a "leave" within seconds: the entry is back at its former place.
    RESTORED = "restored"
    # The fair start's draw: ``QueueEvent.details`` holds the drawn order.
    DRAWN = "drawn"


class Group(Base):
    __tablename__ = "groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(150), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    first_name: Mapped[str] = mapped_column(String(NAME_LENGTH), default="")
    last_name: Mapped[str] = mapped_column(String(NAME_LENGTH), default="")
    # The eCourses picture's address as eCourses last gave it (never shown: it needs a token).
    avatar_url: Mapped[str | None] = mapped_column(String(1024))
    # A digest of the picture shown (UserPicture), None for the initials avatar. It versions the
    # picture's address, so browsers may keep each picture for good.
    picture_key: Mapped[str | None] = mapped_column(String(32))
    status_text: Mapped[str] = mapped_column(String(NAME_LENGTH), default="")
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="SET NULL"))
    is_teacher: Mapped[bool] = mapped_column(Boolean, default=False)
    is_site_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    # NULLs are distinct in unique constraints on both databases: unique only when set.
    ecourses_user_id: Mapped[int | None] = mapped_column(BigKey, unique=True)
    ecourses_token_encrypted: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(8))
    dark_mode: Mapped[bool | None] = mapped_column(Boolean)
    blocked: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when the person deleted their account: the row stays, emptied of personal data, so
    # statistics keep counting what was handed in, anonymously.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class UserPicture(Base):
    """A user's picture as served: re-encoded, square, without metadata (services/avatars.py)."""

    __tablename__ = "user_pictures"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    # Empty when the eCourses picture at ``source_url`` was no usable image: the user keeps the
    # initials avatar, and that address is not fetched again.
    image: Mapped[bytes] = mapped_column(LargeBinary)
    source: Mapped[str] = mapped_column(String(16))  # "upload" or "ecourses"
    # The eCourses address it was fetched from: fetched again only when eCourses names another.
    source_url: Mapped[str | None] = mapped_column(String(1024))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Workspace(Base):
    __tablename__ = "workspaces"
    __table_args__ = (UniqueConstraint("group_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class WorkspaceMember(Base):
    __tablename__ = "workspace_members"
    __table_args__ = (UniqueConstraint("workspace_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[MemberRole] = mapped_column(str_enum(MemberRole, "member_role"))
    status: Mapped[MemberStatus] = mapped_column(str_enum(MemberStatus, "member_status"))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Subject(Base):
    __tablename__ = "subjects"
    __table_args__ = (
        UniqueConstraint("workspace_id", "name"),
        UniqueConstraint("workspace_id", "ecourses_course_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    teacher_name: Mapped[str] = mapped_column(String(NAME_LENGTH), default="")
    teacher_contact: Mapped[str] = mapped_column(String(NAME_LENGTH), default="")
    requirements: Mapped[str] = mapped_column(Text, default="")
    ecourses_course_id: Mapped[int | None] = mapped_column(BigKey)
    ecourses_url: Mapped[str | None] = mapped_column(String(1024))
    # Names on the classroom board: in full, or "First L."; None follows the site's default.
    board_full_names: Mapped[bool | None] = mapped_column(Boolean)
    # Pictures on the classroom board: off unless the subject's admins or teachers want them.
    board_pictures: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SubjectTeacher(Base):
    """A teacher account assigned to a subject; it runs the subject's queue."""

    __tablename__ = "subject_teachers"

    subject_id: Mapped[int] = mapped_column(
        ForeignKey("subjects.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Task(Base):
    __tablename__ = "tasks"
    __table_args__ = (
        UniqueConstraint("subject_id", "name"),
        UniqueConstraint("subject_id", "ecourses_id"),
        Index("ix_tasks_subject_order", "subject_id", "order_index"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subjects.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    url: Mapped[str | None] = mapped_column(String(1024))
    order_index: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ecourses_id: Mapped[int | None] = mapped_column(BigKey)


class Submission(Base):
    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("user_id", "task_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[SubmissionKind] = mapped_column(str_enum(SubmissionKind, "submission_kind"))
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class Queue(Base):
    __tablename__ = "queues"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(
        ForeignKey("subjects.id", ondelete="CASCADE"), unique=True
    )
    state: Mapped[QueueState] = mapped_column(str_enum(QueueState, "queue_state"))
    members_can_freeze: Mapped[bool] = mapped_column(Boolean, default=True)
    max_size: Mapped[int | None] = mapped_column(Integer)
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Bumped by every change; clients never go back to an older version.
    version: Mapped[int] = mapped_column(BigInteger, default=0)
    # Source of QueueEntry.seq: joining order without read-then-write races.
    next_seq: Mapped[int] = mapped_column(BigInteger, default=1)
    # "Join only from the classroom": joining takes the code the board shows, made from this
    # secret and the time (services/presence.py). The secret never leaves the server.
    presence_required: Mapped[bool] = mapped_column(Boolean, default=False)
    presence_secret: Mapped[str | None] = mapped_column(String(64))
    presence_window_seconds: Mapped[int] = mapped_column(Integer, default=180)
    # Joins in the first seconds after opening are placed by a draw (0: no fair start).
    fair_start_seconds: Mapped[int] = mapped_column(Integer, default=30)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the pending draw is due; None when none is pending. Clearing it claims the draw.
    draw_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The entry last pushed "you are next" (services/push_sending.py); None when nobody is
    # next. Setting it claims the push, so each becoming-next is pushed once, by one process.
    # No foreign key: the entry may be gone, and then it is simply not the one next any more.
    next_announced_entry_id: Mapped[int | None] = mapped_column(Integer)


class QueueEntry(Base):
    __tablename__ = "queue_entries"
    __table_args__ = (
        UniqueConstraint("queue_id", "user_id"),
        UniqueConstraint("queue_id", "seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    queue_id: Mapped[int] = mapped_column(ForeignKey("queues.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="SET NULL"))
    status: Mapped[EntryStatus] = mapped_column(str_enum(EntryStatus, "entry_status"))
    # Order key; positions 1..N are computed from it, never stored.
    seq: Mapped[int] = mapped_column(BigInteger)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    called_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    called_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # When the called student answered "I'm going"; until then every page of theirs that loads
    # or reconnects raises the alert again. Cleared by every new call.
    call_acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    joined_with_code: Mapped[bool] = mapped_column(Boolean, default=False)
    # Joined during the fair start: no place of its own until the draw.
    in_draw: Mapped[bool] = mapped_column(Boolean, default=False)


class QueueEvent(Base):
    """Append-only queue history for statistics and audit."""

    __tablename__ = "queue_events"
    __table_args__ = (Index("ix_queue_events_queue_at", "queue_id", "at"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    queue_id: Mapped[int] = mapped_column(ForeignKey("queues.id", ondelete="CASCADE"))
    # Entries are deleted when served; their id is kept as a plain number.
    entry_id: Mapped[int | None] = mapped_column(BigInteger)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="SET NULL"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[QueueEventKind] = mapped_column(str_enum(QueueEventKind, "queue_event_kind"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(BigInteger)
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    called_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A draw's order as JSON (user ids and names), for anyone who disputes it.
    details: Mapped[str | None] = mapped_column(Text)


class Session(Base):
    """A signed-in browser; the cookie holds the token, the table only its hash."""

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    user_agent: Mapped[str] = mapped_column(String(512), default="")
    address: Mapped[str] = mapped_column(String(64), default="")


class SignInThrottle(Base):
    """A counter of recent failed sign-ins (or registrations) for one key: an account from one
    address, an address alone, or one browser that signed in to the account before.

    Counters are rows so that the check and the count are one locked update: parallel tries
    cannot all slip under the limit (services/sign_in_throttle.py)."""

    __tablename__ = "sign_in_throttles"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # No attempt for this key is verified before this moment (growing delays).
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SiteSetting(Base):
    __tablename__ = "site_settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class AuditLog(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(100))
    target: Mapped[str] = mapped_column(String(NAME_LENGTH), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    details: Mapped[str] = mapped_column(Text, default="")


class LoginTicket(Base):
    """A one-time, short-lived proof of a sign-in, exchanged for the session cookie.

    Sign-in happens over the live socket, which cannot set cookies; the browser then loads
    ``/auth/complete`` with the ticket and receives the cookie in that HTTP response.
    """

    __tablename__ = "login_tickets"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The hash of the sign-in cookie of the browser that typed the password: only that browser
    # can redeem the ticket (a link to it opened elsewhere must not sign that browser in).
    binding_hash: Mapped[str] = mapped_column(String(64), default="")


class PasswordResetToken(Base):
    """A one-time link a site admin makes for someone who forgot their password (there is no
    e-mail here to send one): it sets a new password once, within a day."""

    __tablename__ = "password_reset_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class TeacherInvite(Base):
    """A revocable, expiring link that makes the teacher who opens it a subject's teacher."""

    __tablename__ = "teacher_invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(
        ForeignKey("subjects.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class StudentInvite(Base):
    """A revocable, expiring link that makes whoever opens it an approved workspace member."""

    __tablename__ = "student_invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DisplayLink(Base):
    """A secret, revocable link that shows a queue's classroom board without signing in."""

    __tablename__ = "display_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    queue_id: Mapped[int] = mapped_column(ForeignKey("queues.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(NAME_LENGTH), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ApiToken(Base):
    """A personal access token for the HTTP API (equeue_ui/api): the person sees it once, the
    table keeps only its hash and a short prefix to tell tokens apart in a list."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    # Space-separated scope names (services/api_tokens.SCOPES).
    scopes: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PushSubscription(Base):
    """One browser's Web Push subscription (issue 17): the push service's address for it and the
    keys its messages are encrypted with. Tied to the session it was made in, so signing that
    browser out (or signing out everywhere) removes it with the session."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    endpoint: Mapped[str] = mapped_column(String(2048), unique=True)
    p256dh: Mapped[str] = mapped_column(String(128))  # the browser's public key (base64url)
    auth: Mapped[str] = mapped_column(String(64))  # the browser's auth secret (base64url)
    user_agent: Mapped[str] = mapped_column(String(512), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

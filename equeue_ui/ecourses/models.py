"""What eQueue reads from eCourses answers: small frozen dataclasses, parsed defensively.

A field of the wrong type makes the whole answer unreadable (``EcoursesBadAnswer``) rather than
half-imported. Every string read goes through :func:`_text`, which undoes Moodle's HTML
escaping exactly once (``equeue_ui.ecourses.text``): nothing past this module sees ``&amp;``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from equeue_ui.ecourses.errors import EcoursesBadAnswer
from equeue_ui.ecourses.text import decode_entities

T = TypeVar("T")


def _parsing(build: Callable[[], T]) -> T:
    try:
        return build()
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        raise EcoursesBadAnswer() from error


def _text(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError("text expected")
    return decode_entities(value)


def _flag(value: Any, default: bool = True) -> bool:
    """Moodle's booleans: 0/1 in some answers, false/true in others; absent → ``default``."""
    if value is None:
        return default
    if not isinstance(value, bool | int):
        raise TypeError("a flag expected")
    return bool(value)


def _moment(timestamp: Any) -> datetime | None:
    """A Unix timestamp in seconds; Moodle uses 0 for "none"."""
    seconds = int(timestamp or 0)
    return datetime.fromtimestamp(seconds, UTC) if seconds > 0 else None


@dataclass(frozen=True)
class SiteInfo:
    userid: int
    username: str
    firstname: str
    lastname: str
    userpictureurl: str
    sitename: str

    @classmethod
    def parse(cls, data: Any) -> SiteInfo:
        return _parsing(
            lambda: cls(
                userid=int(data["userid"]),
                username=_text(data["username"]),
                firstname=_text(data.get("firstname")),
                lastname=_text(data.get("lastname")),
                userpictureurl=_text(data.get("userpictureurl")),
                sitename=_text(data.get("sitename")),
            )
        )


@dataclass(frozen=True)
class Course:
    id: int
    shortname: str
    fullname: str
    visible: bool
    lastaccess: int | None
    url: str

    @classmethod
    def parse(cls, data: Any, base_url: str) -> Course:
        def build() -> Course:
            course_id = int(data["id"])
            last = data.get("lastaccess")
            return cls(
                id=course_id,
                shortname=_text(data.get("shortname")),
                fullname=_text(data.get("displayname") or data["fullname"]),
                visible=bool(data.get("visible", 1)) and not data.get("hidden", False),
                lastaccess=int(last) if last else None,
                url=f"{base_url}/course/view.php?id={course_id}",
            )

        return _parsing(build)


@dataclass(frozen=True)
class Module:
    id: int
    name: str
    modname: str
    instance: int
    url: str
    # Hidden from students (``visible: 0``; an admin who is a teacher still gets it), or not
    # open to this user (``uservisible: false``: restricted access, shown greyed out).
    hidden: bool
    # The due date the course page shows (``dates``); for when mod_assign_get_assignments
    # leaves the assignment out (it does for activities the user may not open).
    due_at: datetime | None

    @classmethod
    def parse(cls, data: Any, *, section_visible: bool = True) -> Module:
        return _parsing(
            lambda: cls(
                id=int(data["id"]),
                name=_text(data["name"]),
                modname=_text(data["modname"]),
                instance=int(data.get("instance") or 0),
                url=_text(data.get("url")),
                hidden=not (
                    section_visible
                    and _flag(data.get("visible"))
                    and _flag(data.get("uservisible"))
                ),
                due_at=_module_due(data.get("dates")),
            )
        )


def _module_due(dates: Any) -> datetime | None:
    for item in dates or []:
        if item.get("dataid") == "duedate":
            return _moment(item.get("timestamp"))
    return None


@dataclass(frozen=True)
class Section:
    id: int
    number: int
    name: str
    modules: tuple[Module, ...]

    @classmethod
    def parse(cls, data: Any) -> Section:
        def build() -> Section:
            visible = _flag(data.get("visible")) and _flag(data.get("uservisible"))
            return cls(
                id=int(data["id"]),
                number=int(data.get("section") or 0),
                name=_text(data.get("name")),
                modules=tuple(
                    Module.parse(item, section_visible=visible)
                    for item in data.get("modules") or []
                ),
            )

        return _parsing(build)


@dataclass(frozen=True)
class Assignment:
    id: int
    cmid: int
    course: int
    name: str
    due_at: datetime | None

    @classmethod
    def parse(cls, data: Any) -> Assignment:
        def build() -> Assignment:
            return cls(
                id=int(data["id"]),
                cmid=int(data["cmid"]),
                course=int(data["course"]),
                name=_text(data["name"]),
                due_at=_moment(data.get("duedate")),
            )

        return _parsing(build)

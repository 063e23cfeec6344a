"""What eQueue reads from eCourses answers: small frozen dataclasses, parsed defensively.

A field of the wrong type makes the whole answer unreadable (``EcoursesBadAnswer``) rather than
half-imported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from equeue_ui.ecourses.errors import EcoursesBadAnswer

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
    return value


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

    @classmethod
    def parse(cls, data: Any) -> Module:
        return _parsing(
            lambda: cls(
                id=int(data["id"]),
                name=_text(data["name"]),
                modname=_text(data["modname"]),
                instance=int(data.get("instance") or 0),
                url=_text(data.get("url")),
            )
        )


@dataclass(frozen=True)
class Section:
    id: int
    number: int
    name: str
    modules: tuple[Module, ...]

    @classmethod
    def parse(cls, data: Any) -> Section:
        return _parsing(
            lambda: cls(
                id=int(data["id"]),
                number=int(data.get("section") or 0),
                name=_text(data.get("name")),
                modules=tuple(Module.parse(item) for item in data.get("modules") or []),
            )
        )


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
            due = int(data.get("duedate") or 0)
            return cls(
                id=int(data["id"]),
                cmid=int(data["cmid"]),
                course=int(data["course"]),
                name=_text(data["name"]),
                # Moodle uses 0 for "no due date".
                due_at=datetime.fromtimestamp(due, UTC) if due > 0 else None,
            )

        return _parsing(build)

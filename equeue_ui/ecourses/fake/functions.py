"""The four web-service functions, with Moodle's checks and its exceptions."""

from __future__ import annotations

from typing import Any

from equeue_ui.ecourses.fake import protocol, shapes
from equeue_ui.ecourses.fake.data import FakeCourse, FakeUser
from equeue_ui.ecourses.fake.state import FakeEcourses


def call(state: FakeEcourses, function: str, base: str, user: FakeUser, params: dict) -> Any:
    if function == "core_webservice_get_site_info":
        return shapes.site_info(base, user)
    if function == "core_enrol_get_users_courses":
        return _users_courses(state, user, params)
    if function == "core_course_get_contents":
        course = _course(state, _int(params, "courseid"))
        if user.id not in course.enrolled:
            raise protocol.WsException(
                "require_login_exception",
                "requireloginerror",
                "Курс или модуль недоступен. (Вы не записаны на курс)",
            )
        return shapes.course_contents(base, course)
    return _assignments(state, user, params)


def _users_courses(state: FakeEcourses, user: FakeUser, params: dict) -> list[dict[str, Any]]:
    if _int(params, "userid") != user.id:
        # Reading someone else's courses needs moodle/course:viewparticipants.
        raise protocol.WsException(
            "required_capability_exception",
            "nopermissions",
            "Извините, но у Вас нет разрешения делать это (Просмотр участников).",
        )
    count = params.get("returnusercount", "1") != "0"
    found = []
    for course in state.courses:
        if user.id in course.enrolled:
            hours = course.enrolled[user.id]
            last = None if hours is None else state.started - hours * 3600
            found.append(shapes.user_course(course, last, count=count))
    return found


def _assignments(state: FakeEcourses, user: FakeUser, params: dict) -> dict[str, Any]:
    wanted = params.get("courseids", [])
    if not isinstance(wanted, list):
        raise protocol.invalid_parameter("courseids")
    ids = [_as_int(value, "courseids") for value in wanted]
    mine = [course for course in state.courses if user.id in course.enrolled]
    if not ids:
        return shapes.assignments(mine, [])
    courses, warnings = [], []
    for course_id in ids:
        course = next((c for c in mine if c.id == course_id), None)
        if course is None:
            warnings.append(
                {
                    "item": "course",
                    "itemid": course_id,
                    "warningcode": "1",
                    "message": "No access rights in course context",
                }
            )
        else:
            courses.append(course)
    return shapes.assignments(courses, warnings)


def _course(state: FakeEcourses, course_id: int) -> FakeCourse:
    course = next((c for c in state.courses if c.id == course_id), None)
    if course is None:
        raise protocol.WsException(
            "dml_missing_record_exception",
            "invalidrecord",
            "Не удается найти запись данных в таблице course из базы данных.",
        )
    return course


def _int(params: dict, name: str) -> int:
    if name not in params:
        raise protocol.invalid_parameter(f"Missing required key in single structure: {name}")
    return _as_int(params[name], name)


def _as_int(value: Any, name: str) -> int:
    if not isinstance(value, str) or not value.lstrip("-").isdigit():
        raise protocol.invalid_parameter(f"{name} => Invalid parameter value detected")
    return int(value)

"""An async client for the Moodle web services eCourses offers (`login/token.php` and the REST
server), answering with small frozen dataclasses or typed errors (`equeue_ui.ecourses.errors`).

Security: the password and the token travel only in POST bodies, never in a URL, and nothing
here logs request bodies. A sign-in is never retried: a retry could count twice against
eCourses' own lockout of failed logins. Every request goes through the fetch guard: an address
a site admin typed must be a public one (or allow-listed); only the operator's own
``EQUEUE_ECOURSES_URL`` is trusted as it is (``trusted=True``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from equeue_ui import fetch_guard
from equeue_ui.ecourses.errors import (
    EcoursesBadAnswer,
    EcoursesTimeout,
    EcoursesUnreachable,
    EcoursesWebPageAnswer,
    EcoursesXmlAnswer,
    from_code,
)
from equeue_ui.ecourses.models import Assignment, Course, Section, SiteInfo
from equeue_ui.i18n import msg, msg_n

REST_PATH = "/webservice/rest/server.php"
TOKEN_PATH = "/login/token.php"
# Answers a reverse proxy gives while Moodle behind it is down or restarting.
_GATEWAY_STATUSES = frozenset({502, 503, 504})
# A large course's contents run to a few megabytes.
MAX_ANSWER_BYTES = 32_000_000

Params = Mapping[str, Any]


def bracket_encode(params: Params, prefix: str = "") -> list[tuple[str, str]]:
    """PHP-style form fields: ``{"ids": [2, 5]}`` → ``ids[0]=2&ids[1]=5``; booleans as 0/1."""
    fields: list[tuple[str, str]] = []
    for key, value in params.items():
        name = f"{prefix}[{key}]" if prefix else str(key)
        if isinstance(value, Mapping):
            fields += bracket_encode(value, name)
        elif isinstance(value, Sequence) and not isinstance(value, str | bytes):
            fields += bracket_encode({str(i): item for i, item in enumerate(value)}, name)
        elif isinstance(value, bool):
            fields.append((name, "1" if value else "0"))
        elif value is not None:
            fields.append((name, str(value)))
    return fields


class EcoursesClient:
    """One eCourses site. Every call is bounded by ``timeout`` seconds in total. ``trusted``
    admits the site's host although it is not public: for the operator's configured address
    only, never for one a site admin typed."""

    def __init__(
        self,
        base_url: str,
        *,
        service: str = "moodle_mobile_app",
        timeout: float = 10.0,
        trusted: bool = False,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.service = service
        self.timeout = timeout
        host = urlsplit(self.base_url).hostname if trusted else None
        self._trusted_hosts = (host,) if host else ()

    # --- the functions eQueue uses ------------------------------------------------------------

    async def get_token(self, username: str, password: str) -> str:
        """Exchange a username and password for a web-service token."""
        data = await self._post(
            TOKEN_PATH,
            [("username", username.strip()), ("password", password), ("service", self.service)],
        )
        if not isinstance(data, dict):
            raise EcoursesBadAnswer()
        if "errorcode" in data or "error" in data:
            raise from_code(str(data.get("errorcode") or "invalidlogin"))
        token = data.get("token")
        if not isinstance(token, str) or not token:
            raise EcoursesBadAnswer()
        return token

    async def site_info(self, token: str) -> SiteInfo:
        return SiteInfo.parse(await self.call(token, "core_webservice_get_site_info"))

    async def users_courses(self, token: str, userid: int) -> list[Course]:
        """The courses the user is actively enrolled in."""
        data = await self.call(
            token, "core_enrol_get_users_courses", {"userid": userid, "returnusercount": False}
        )
        return [Course.parse(item, self.base_url) for item in _as_list(data)]

    async def course_contents(self, token: str, courseid: int) -> list[Section]:
        data = await self.call(token, "core_course_get_contents", {"courseid": courseid})
        return [Section.parse(item) for item in _as_list(data)]

    async def assignments(self, token: str, courseids: Sequence[int]) -> list[Assignment]:
        """The assignments of the given courses (with due dates), in no particular order."""
        answered = await self.course_assignments(token, courseids)
        return [assignment for found in answered.values() for assignment in found]

    async def course_assignments(
        self, token: str, courseids: Sequence[int]
    ) -> dict[int, list[Assignment]]:
        """Course id → its assignments, for the courses eCourses answered about: a course the
        user may not read is left out (Moodle only warns about it). An assignment the user may
        not open is left out of its course too, with a warning of its own."""
        data = await self.call(token, "mod_assign_get_assignments", {"courseids": list(courseids)})
        if not isinstance(data, dict) or not isinstance(data.get("courses"), list):
            raise EcoursesBadAnswer()
        try:
            return {
                int(course["id"]): [
                    Assignment.parse(item) for item in course.get("assignments") or []
                ]
                for course in data["courses"]
            }
        except (AttributeError, KeyError, TypeError, ValueError) as error:
            raise EcoursesBadAnswer() from error

    # --- the protocol -------------------------------------------------------------------------

    async def call(self, token: str, function: str, params: Params | None = None) -> Any:
        """Call a web-service function; an ``exception`` body becomes a typed error."""
        fields = [("wstoken", token), ("wsfunction", function), ("moodlewsrestformat", "json")]
        data = await self._post(REST_PATH, fields + bracket_encode(params or {}))
        if isinstance(data, dict) and "exception" in data:
            raise from_code(str(data.get("errorcode") or ""))
        return data

    async def _post(self, path: str, fields: list[tuple[str, str]]) -> Any:
        try:
            response = await fetch_guard.fetch(
                self.base_url + path,
                method="POST",
                # Bracket encoding gives every field its own name: a dict keeps them all.
                data=dict(fields),
                accept="application/json",
                max_bytes=MAX_ANSWER_BYTES,
                deadline=self.timeout,
                # Not followed: a redirected POST loses its body (typically http → https).
                max_redirects=0,
                trusted_hosts=self._trusted_hosts,
            )
        except fetch_guard.FetchTimeout as error:
            raise EcoursesTimeout(
                msg_n(
                    "eCourses did not answer within {n:g} second. Try again later.",
                    "eCourses did not answer within {n:g} seconds. Try again later.",
                    self.timeout,
                )
            ) from error
        except fetch_guard.FetchTooLarge as error:
            raise EcoursesBadAnswer() from error
        except fetch_guard.FetchError as error:
            # A refused address and a closed port look the same: nothing tells them apart.
            raise EcoursesUnreachable() from error
        if response.status in _GATEWAY_STATUSES:
            raise EcoursesUnreachable()
        if response.is_redirect:
            raise EcoursesBadAnswer(
                msg(
                    "eCourses redirected the request (HTTP {status}). "
                    "Check the eCourses address in the site settings.",
                    status=response.status,
                )
            )
        if response.status != 200:
            raise EcoursesBadAnswer(
                msg(
                    "eCourses answered with an error (HTTP {status}). Try again later.",
                    status=response.status,
                )
            )
        try:
            return json.loads(response.content)
        except ValueError as error:
            raise _unreadable(response.content, response.headers.get("content-type", "")) from error


def _unreadable(content: bytes, content_type: str) -> EcoursesBadAnswer:
    """Why an answer is no JSON: XML (the REST server answering in XML) and a web page (a proxy
    or a sign-in page in the way) each have their own message; anything else is broken JSON."""
    start = content[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html")):
        return EcoursesWebPageAnswer()
    if start.startswith(b"<?xml") or "xml" in content_type.lower():
        return EcoursesXmlAnswer()
    return EcoursesBadAnswer()


def _as_list(data: Any) -> list[Any]:
    if not isinstance(data, list):
        raise EcoursesBadAnswer()
    return data

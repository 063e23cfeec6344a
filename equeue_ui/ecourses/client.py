"""An async client for the Moodle web services eCourses offers (`login/token.php` and the REST
server), answering with small frozen dataclasses or typed errors (`equeue_ui.ecourses.errors`).

Security: the password and the token travel only in POST bodies, never in a URL, and nothing
here logs request bodies. A sign-in is never retried: a retry could count twice against
eCourses' own lockout of failed logins.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from equeue_ui.ecourses.errors import (
    EcoursesBadAnswer,
    EcoursesTimeout,
    EcoursesUnreachable,
    from_code,
)
from equeue_ui.ecourses.models import Assignment, Course, Section, SiteInfo
from equeue_ui.i18n import msg

REST_PATH = "/webservice/rest/server.php"
TOKEN_PATH = "/login/token.php"
# Answers a reverse proxy gives while Moodle behind it is down or restarting.
_GATEWAY_STATUSES = frozenset({502, 503, 504})

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
    """One eCourses site. Every call is bounded by ``timeout`` seconds in total."""

    def __init__(
        self,
        base_url: str,
        *,
        service: str = "moodle_mobile_app",
        timeout: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.service = service
        self.timeout = timeout
        self._transport = transport

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
        data = await self.call(token, "mod_assign_get_assignments", {"courseids": list(courseids)})
        if not isinstance(data, dict) or not isinstance(data.get("courses"), list):
            raise EcoursesBadAnswer()
        try:
            return [
                Assignment.parse(item)
                for course in data["courses"]
                for item in course.get("assignments", [])
            ]
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
        timeout = httpx.Timeout(self.timeout)
        try:
            async with (
                asyncio.timeout(self.timeout),
                httpx.AsyncClient(
                    base_url=self.base_url,
                    timeout=timeout,
                    transport=self._transport,
                    follow_redirects=False,
                ) as http,
            ):
                # Bracket encoding gives every field its own name: a dict keeps them all.
                response = await http.post(path, data=dict(fields))
        except (TimeoutError, httpx.TimeoutException) as error:
            raise EcoursesTimeout(
                msg("eCourses did not answer within {seconds} seconds.", seconds=_s(self.timeout))
            ) from error
        except (httpx.TransportError, OSError) as error:
            raise EcoursesUnreachable() from error
        if response.status_code in _GATEWAY_STATUSES:
            raise EcoursesUnreachable()
        if response.is_redirect:
            # Not followed: a redirected POST loses its body (typically http → https).
            raise EcoursesBadAnswer(
                msg(
                    "eCourses redirected the request (HTTP {status}). "
                    "Check the eCourses address in the site settings.",
                    status=response.status_code,
                )
            )
        if response.status_code != 200:
            raise EcoursesBadAnswer(
                msg(
                    "eCourses answered with an error (HTTP {status}). Try again later.",
                    status=response.status_code,
                )
            )
        try:
            return json.loads(response.content)
        except ValueError as error:
            raise EcoursesBadAnswer() from error


def _as_list(data: Any) -> list[Any]:
    if not isinstance(data, list):
        raise EcoursesBadAnswer()
    return data


def _s(seconds: float) -> str:
    return f"{seconds:g}"

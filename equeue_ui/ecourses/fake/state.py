"""The fake eCourses' mutable state: demo data, issued tokens, the fault mode, a request log."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from equeue_ui.ecourses.fake.data import FakeCourse, FakeUser, demo_courses, demo_users

PICTURE_FAULTS = ("none", "slow", "broken")
FAULTS = (
    "none",
    "slow",
    "down",
    "http500",
    "badjson",
    "maintenance",
    "noservice",
    "redirect",
    "xml",
    "webpage",
)


@dataclass
class FakeEcourses:
    """The server's state: demo data, issued tokens, the current fault and a request log."""

    fault: str = "none"
    delay: float = 30.0
    # How user pictures behave on their own: "none", "slow" (waits ``delay``), "broken".
    picture_fault: str = "none"
    users: list[FakeUser] = field(default_factory=demo_users)
    courses: list[FakeCourse] = field(default_factory=demo_courses)
    tokens: dict[str, int] = field(default_factory=dict)
    log: list[dict[str, Any]] = field(default_factory=list)
    started: int = field(default_factory=lambda: int(time.time()))

    def user(self, user_id: int) -> FakeUser | None:
        return next((u for u in self.users if u.id == user_id), None)

    def token_for(self, user: FakeUser) -> str:
        # Moodle hands out the user's existing token for a service while it is valid.
        for token, owner in self.tokens.items():
            if owner == user.id:
                return token
        token = secrets.token_hex(16)
        self.tokens[token] = user.id
        return token

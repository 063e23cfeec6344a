"""The fake's loopback-only control hook and its home page (the demo accounts)."""

from __future__ import annotations

import html
from typing import Any

from equeue_ui.ecourses.fake.data import DEMO_PASSWORD, SITE_NAME, FakeModule
from equeue_ui.ecourses.fake.state import FAULTS, PICTURE_FAULTS, FakeEcourses


def apply(state: FakeEcourses, command: Any) -> dict[str, Any]:
    """Apply a JSON command: ``{"fault": "slow", "delay": 5}``, ``{"expire_tokens": true}``,
    ``{"picture_fault": "slow"}`` (or "broken": user pictures only),
    ``{"reset": true}``, ``{"user": {"username": "a.ivanov", "firstname": "…",
    "picture_rev": 2}}``, ``{"module": {"cmid": 7011, "url": "…", "name": "…",
    "duedate": 1790000000, "visible": false, "available": false}}`` (what a teacher changes
    during the semester; ``"remove": true`` deletes the activity),
    ``{"add_assignment": {"section": 2011, "cmid": 7015, "name": "…", "duedate": 0}}``.
    Answers with the current fault settings."""
    if not isinstance(command, dict):
        return {"error": "a JSON object expected"}
    if command.get("reset"):
        fresh = FakeEcourses()
        state.users, state.courses, state.tokens = fresh.users, fresh.courses, {}
        state.fault, state.log, state.picture_fault = "none", [], "none"
    if "fault" in command:
        if command["fault"] not in FAULTS:
            return {"error": f"unknown fault; one of {', '.join(FAULTS)}"}
        state.fault = command["fault"]
    if "picture_fault" in command:
        if command["picture_fault"] not in PICTURE_FAULTS:
            return {"error": f"unknown picture fault; one of {', '.join(PICTURE_FAULTS)}"}
        state.picture_fault = command["picture_fault"]
    if "delay" in command:
        if not isinstance(command["delay"], int | float) or command["delay"] < 0:
            return {"error": "delay: seconds expected"}
        state.delay = float(command["delay"])
    if command.get("expire_tokens"):
        state.tokens.clear()
    changes = command.get("user")
    if isinstance(changes, dict):
        user = next((u for u in state.users if u.username == changes.get("username")), None)
        if user is None:
            return {"error": "no such user"}
        for key in ("firstname", "lastname", "password", "picture_rev"):
            if key in changes:
                setattr(user, key, changes[key])
    module_changes = command.get("module")
    if isinstance(module_changes, dict):
        error = _change_module(state, module_changes)
        if error:
            return {"error": error}
    added = command.get("add_assignment")
    if isinstance(added, dict):
        error = _add_assignment(state, added)
        if error:
            return {"error": error}
    return {"fault": state.fault, "delay": state.delay, "tokens": len(state.tokens)}


def _change_module(state: FakeEcourses, changes: dict[str, Any]) -> str | None:
    found = next(
        (
            (section, m)
            for course in state.courses
            for section in course.sections
            for m in section.modules
            if m.cmid == changes.get("cmid")
        ),
        None,
    )
    if found is None:
        return "no such module"
    section, module = found
    if changes.get("remove"):
        section.modules.remove(module)
        return None
    if "url" in changes:
        module.url = str(changes["url"])
    if "name" in changes:
        module.name = str(changes["name"])
    if "duedate" in changes:
        module.duedate = int(changes["duedate"])
    for flag in ("visible", "available"):
        if flag in changes:
            setattr(module, flag, bool(changes[flag]))
    return None


def _add_assignment(state: FakeEcourses, spec: dict[str, Any]) -> str | None:
    section = next(
        (s for course in state.courses for s in course.sections if s.id == spec.get("section")),
        None,
    )
    if section is None:
        return "no such section"
    cmid = int(spec.get("cmid", 0))
    if any(m.cmid == cmid for c in state.courses for s in c.sections for m in s.modules):
        return "this cmid exists"
    section.modules.append(
        FakeModule(
            cmid,
            "assign",
            str(spec.get("name", "")),
            instance=cmid + 500,
            duedate=int(spec.get("duedate", 0)),
            visible=bool(spec.get("visible", True)),
        )
    )
    return None


def home_page(state: FakeEcourses) -> str:
    rows = "".join(
        f"<tr><td><code>{html.escape(u.username)}</code></td><td><code>{DEMO_PASSWORD}</code>"
        f"</td><td>{html.escape(u.firstname)} {html.escape(u.lastname)}</td></tr>"
        for u in state.users
    )
    return (
        f"<!doctype html><meta charset=utf-8><title>{html.escape(SITE_NAME)}</title>"
        f"<h1>{html.escape(SITE_NAME)}</h1><p>A fake Moodle for eQueue. Fault mode: "
        f"<b>{html.escape(state.fault)}</b>.</p><table>{rows}</table>"
    )

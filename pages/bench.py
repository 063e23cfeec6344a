"""Endpoints the load benchmark (tests/bench) drives the app through.

Only registered when EQUEUE_BENCHMARK_HOOKS=1 and only answered on loopback: they sign a
user in without a password and act as anyone, which no real deployment may allow.
"""

from __future__ import annotations

import secrets
import time
from ipaddress import ip_address

from fastapi import HTTPException, Request
from nicegui import app
from pydantic import BaseModel

from components import session
from equeue_ui import tuning
from equeue_ui.errors import DomainError
from equeue_ui.services import accounts, queues
from equeue_ui.services.views import UserView
from equeue_ui.tuning import frame_fanout


class SessionRequest(BaseModel):
    username: str


class ActRequest(BaseModel):
    queue_id: int
    username: str
    action: str


def register() -> None:
    @app.post("/_bench/session", include_in_schema=False)
    async def bench_session(request: Request, body: SessionRequest) -> dict[str, str]:
        _ensure_loopback(request)
        user = await _user(body.username)
        browser = secrets.token_urlsafe(16)  # the ticket goes straight to its own redemption
        ticket = await accounts.issue_ticket(user.id, binding=browser)
        signed_in = await accounts.redeem_ticket(ticket, binding=browser)
        return {"cookie_name": session.COOKIE, "cookie_value": session.sign(signed_in.token)}

    @app.post("/_bench/act", include_in_schema=False)
    async def bench_act(request: Request, body: ActRequest) -> dict[str, object]:
        _ensure_loopback(request)
        user = await _user(body.username)
        try:
            await _perform(body.action, body.queue_id, user)
        except DomainError as error:
            return {"ok": False, "error": error.render("en"), "committed_at": time.time()}
        committed_at = time.time()
        # Only the version, not the whole snapshot: a teacher's click reads nothing after it.
        version = await queues.version_of(body.queue_id)
        return {"ok": True, "version": version or 0, "committed_at": committed_at}

    @app.get("/_bench/fanout", include_in_schema=False)
    async def bench_fanout(request: Request) -> dict[str, object]:
        """How the snapshot copies went out since start-up (equeue_ui/tuning/frame_fanout.py),
        and which tuning patches are in effect."""
        _ensure_loopback(request)
        return {
            "direct": frame_fanout.tally.direct,
            "through_engineio": frame_fanout.tally.through_engineio,
            "through_socketio": frame_fanout.tally.through_socketio,
            "tuning": tuning.installed(),
        }


async def _perform(action: str, queue_id: int, user: UserView) -> None:
    if action == "join":
        await queues.join_queue(queue_id, actor=user)
    elif action == "leave":
        await queues.leave_queue(queue_id, actor=user)
    elif action == "freeze":
        await queues.freeze(queue_id, actor=user)
    elif action == "unfreeze":
        await queues.unfreeze(queue_id, actor=user)
    elif action == "call_next":
        await queues.call_next(queue_id, actor=user)
    elif action == "accept":
        snapshot = await queues.load_snapshot(queue_id)
        called = snapshot.at_desk if snapshot else ()
        if not called:
            raise HTTPException(409, "nobody is at the desk")
        await queues.accept(called[0].id, actor=user)
    else:
        raise HTTPException(400, f"unknown action {action!r}")


async def _user(username: str) -> UserView:
    user = await accounts.find_user(username)
    if user is None:
        raise HTTPException(404, "no such user")
    return user


def _ensure_loopback(request: Request) -> None:
    host = request.client.host if request.client else ""
    try:
        loopback = ip_address(host).is_loopback
    except ValueError:
        loopback = host in ("localhost", "testclient")
    if not loopback:
        raise HTTPException(403, "benchmark hooks answer on loopback only")

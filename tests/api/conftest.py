"""The API on a bare FastAPI app over each database, called in-process through httpx."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
from fastapi import FastAPI

from equeue_ui import api
from equeue_ui.api.stream import Encoder
from equeue_ui.runtime import Runtime
from equeue_ui.services import api_tokens
from equeue_ui.services.views import UserView
from tests.services import queue_world
from tests.services.queue_world import QueueWorld

ALL_SCOPES = ["read", "queue", "teach"]
Headers = dict[str, str]
TokenFor = Callable[..., Awaitable[Headers]]


def build_app(
    requests_per_minute: int = 10_000, heartbeat_s: float = 15.0
) -> tuple[FastAPI, Encoder]:
    app = FastAPI()
    encoder = api.register(app, requests_per_minute=requests_per_minute, heartbeat_s=heartbeat_s)
    return app, encoder


@pytest.fixture
async def client(rt: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    app, _ = build_app()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as found:
        yield found


@pytest.fixture
async def qw(rt: Runtime) -> QueueWorld:
    return await queue_world.make_queue_world(rt)


async def bearer(user: UserView, scopes: list[str] | None = None) -> Headers:
    made = await api_tokens.create_token(
        "tests", actor=user, scopes=ALL_SCOPES if scopes is None else scopes, expires_in_days=30
    )
    return {"Authorization": f"Bearer {made.secret}"}

"""The versioned HTTP API (``/api/v1``): an adapter beside ``pages/`` that calls the services
with a token's user as the actor; docs at ``/api/docs``."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request, Response

from equeue_ui.api import docs, routes, stream
from equeue_ui.api.auth import DEFAULT_REQUESTS_PER_MINUTE, RateLimit, caller_dependency
from equeue_ui.api.problems import language_of, problem
from equeue_ui.errors import NotFoundError
from equeue_ui.i18n import msg

PREFIX = "/api/v1"
DOCS_PATH = "/api/docs"
VERSION = "1.0"


def register(
    app: FastAPI,
    *,
    requests_per_minute: int = DEFAULT_REQUESTS_PER_MINUTE,
    heartbeat_s: float = stream.HEARTBEAT_S,
) -> stream.Encoder:
    """Mount the API on ``app``; returns the stream's encoder (tests count its encodings)."""
    current_caller = caller_dependency(RateLimit(requests_per_minute))
    encoder = stream.Encoder()
    api = APIRouter(prefix=PREFIX)
    api.include_router(routes.build(current_caller))
    api.include_router(stream.build(current_caller, encoder, heartbeat_s=heartbeat_s))
    # Including a router merges its lifespan into the app's, which then holds the router (and
    # every route's validators) for as long as the app lives; the API has no lifespan of its
    # own, and an app that is set up again (as each test does) would keep every old API.
    lifespan = app.router.lifespan_context
    app.include_router(api)
    app.router.lifespan_context = lifespan
    docs.register(app, api, version=VERSION, prefix=PREFIX, docs_path=DOCS_PATH)
    # Last: any other address under the prefix is a problem too, not the pages' HTML 404.
    app.add_api_route(
        f"{PREFIX}/{{rest:path}}",
        _no_such_endpoint,
        methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        include_in_schema=False,
    )
    return encoder


async def _no_such_endpoint(request: Request) -> Response:
    return problem(NotFoundError(msg("The API has no such endpoint.")), language_of(request))

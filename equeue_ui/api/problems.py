"""Errors of the HTTP API as RFC 9457 problem details, in the reader's language.

Every refusal is a service's own DomainError (the same ones the pages show as notices), turned
into ``application/problem+json`` with the HTTP status its kind means. The language is the
best one of ``Accept-Language`` that eQueue speaks, else Russian (the site's default).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field

from equeue_ui.errors import (
    AuthenticationError,
    ConflictError,
    DomainError,
    ForbiddenError,
    InvalidError,
    NotFoundError,
    RateLimitedError,
)
from equeue_ui.i18n import DEFAULT_LANGUAGE, LANGUAGES, Msg, msg

PROBLEM_JSON = "application/problem+json"


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = Field(description="A URI naming the kind of problem.")
    title: str = Field(description="The kind of problem, in the reader's language.")
    status: int = Field(description="The HTTP status code.")
    detail: str = Field(description="What went wrong this time, in the reader's language.")
    errors: list[str] | None = Field(
        default=None, description="For invalid requests: which part of the request is wrong."
    )


# The HTTP status, type and title of each kind of domain error; the most specific kind first.
_KINDS: tuple[tuple[type[DomainError], int, str, Msg], ...] = (
    (AuthenticationError, 401, "unauthorized", msg("Not signed in")),
    (ForbiddenError, 403, "forbidden", msg("Not allowed")),
    (NotFoundError, 404, "not-found", msg("Not found")),
    (ConflictError, 409, "conflict", msg("Conflict")),
    (InvalidError, 422, "invalid", msg("Invalid request")),
    (RateLimitedError, 429, "rate-limited", msg("Too many requests")),
    (DomainError, 400, "refused", msg("Refused")),
)
STATUS_OF = {kind: status for kind, status, _, _ in _KINDS}


def language_of(request: Request) -> str:
    """The first language of ``Accept-Language`` (by its q-values) that eQueue speaks."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(request.headers.get("accept-language", "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        language = tag.strip().lower().split("-")[0]
        if language in LANGUAGES and quality > 0:
            ranked.append((-quality, index, language))
    return min(ranked)[2] if ranked else DEFAULT_LANGUAGE


def problem(
    error: DomainError, language: str, *, headers: dict[str, str] | None = None
) -> Response:
    kind, status, slug, title = next(k for k in _KINDS if isinstance(error, k[0]))
    body = Problem(
        type=f"urn:equeue:problem:{slug}",
        title=title.render(language),
        status=status,
        detail=error.render(language),
    )
    all_headers = dict(headers or {})
    if kind is AuthenticationError:
        all_headers.setdefault("WWW-Authenticate", "Bearer")
    return _response(body, status, all_headers)


def invalid_request(error: RequestValidationError, language: str) -> Response:
    where = [".".join(str(part) for part in item.get("loc", ())) for item in error.errors()]
    body = Problem(
        type="urn:equeue:problem:invalid",
        title=msg("Invalid request").render(language),
        status=422,
        detail=msg("Some parts of the request are missing or not valid.").render(language),
        errors=where,
    )
    return _response(body, 422, {})


def _response(body: Problem, status: int, headers: dict[str, str]) -> Response:
    return Response(
        body.model_dump_json(exclude_none=True),
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI ``responses`` entry of each error status a route may answer."""
    descriptions = {
        401: "The token is missing, unknown, expired or revoked, or its owner is blocked.",
        403: "The token lacks the scope, or the service refuses the user.",
        404: "No such thing, or one the user may not see.",
        409: "The request conflicts with the current state.",
        422: "The request is not valid.",
        429: "Too many requests with this token; see Retry-After.",
    }
    return {
        status: {
            "model": Problem,
            "description": descriptions[status],
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }


class ProblemRoute(APIRoute):
    """A route whose domain errors and invalid input become problem details: the handler is
    wrapped here, so the API needs no app-wide exception handlers (the pages keep theirs)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except DomainError as error:
                headers = getattr(error, "headers", None)
                return problem(error, language_of(request), headers=headers)
            except RequestValidationError as error:
                return invalid_request(error, language_of(request))

        return handle

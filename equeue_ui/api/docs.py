"""The API's OpenAPI document and its Swagger UI page, served by the app itself.

Swagger UI's files come from the installed ``swagger-ui-bundle-v2`` package, never a CDN, so
the page works under the app's Content-Security-Policy (equeue_ui/security_headers.py) as it
is: scripts and styles from 'self', plus the inline start-up script every NiceGUI page needs
already.
"""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import Any

import swagger_ui_bundle
from fastapi import APIRouter, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response

ASSETS = Path(swagger_ui_bundle.swagger_ui_path)
SERVED_ASSETS = ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png")
DESCRIPTION = """\
The JSON API of eQueue, for the bots and apps students build.

**Tokens.** Make a personal access token on your profile page and send it as
`Authorization: Bearer eq_…` with every request. Cookies are ignored. Scopes: `read` (every
token), `queue` (join, leave, freeze, mark tasks handed in), `teach` (the console's actions, for
the subjects you teach).

**Errors** are RFC 9457 problem details (`application/problem+json`) in the language of
`Accept-Language` (Russian by default).

**Reads** carry an `ETag`; send it back as `If-None-Match` to get `304 Not Modified`. Lists
come a page at a time: `?limit=` (1-100, 50 by default) and `?cursor=` set to the
`next_cursor` of the page before (null on the last page).

**Rate limit:** 120 requests a minute per token (the site may set another number) in each
app process; past it `429` with `Retry-After`.

**Live:** `GET /api/v1/queues/{id}/events` is a Server-Sent Events stream; reconnect with
`Last-Event-ID` to get what changed meanwhile.
"""


def document(routes: list[Any], *, version: str) -> dict[str, Any]:
    return get_openapi(
        title="eQueue API",
        version=version,
        description=DESCRIPTION,
        routes=routes,
    )


def register(app: FastAPI, api: APIRouter, *, version: str, prefix: str, docs_path: str) -> None:
    """Serve ``api``'s OpenAPI document at ``prefix``/openapi.json and Swagger UI at
    ``docs_path``."""
    cached: dict[str, Any] = {}
    # Weakly: FastAPI keeps every endpoint function in a cache of thousands, and through this
    # one it would keep the whole API (each route's validators) alive after the app drops it.
    router = weakref.ref(api)

    async def openapi_json() -> JSONResponse:
        if not cached and (api := router()) is not None:
            cached.update(document(list(api.routes), version=version))
        return JSONResponse(cached)

    async def swagger_page() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=f"{prefix}/openapi.json",
            title="eQueue API",
            swagger_js_url=f"{docs_path}/assets/swagger-ui-bundle.js",
            swagger_css_url=f"{docs_path}/assets/swagger-ui.css",
            swagger_favicon_url=f"{docs_path}/assets/favicon-32x32.png",
        )

    async def asset(name: str) -> Response:
        if name not in SERVED_ASSETS:
            return Response(status_code=404)
        return FileResponse(ASSETS / name, headers={"Cache-Control": "public, max-age=86400"})

    app.add_api_route(f"{prefix}/openapi.json", openapi_json, include_in_schema=False)
    app.add_api_route(docs_path, swagger_page, include_in_schema=False)
    app.add_api_route(f"{docs_path}/assets/{{name}}", asset, include_in_schema=False)

"""`/metrics`: the process's Prometheus metrics for operators (equeue_ui/metrics.py).

Served from loopback, or to a scraper that sends ``Authorization: Bearer <EQUEUE_METRICS_TOKEN>``;
anyone else gets 403. Not 404: the address is in the README, so a 404 would hide nothing, and
a 403 tells an operator whose token is wrong what is wrong.

Loopback means the address the app trusts for the request (components/session.client_address,
which follows X-Forwarded-For only from EQUEUE_TRUSTED_PROXIES) is a loopback address, and the
request did not come through a proxy the app was not told to trust: a reverse proxy on the same
machine connects from 127.0.0.1 on behalf of anyone on the internet, and says so only in a
forwarding header.
"""

from __future__ import annotations

import hmac
from ipaddress import ip_address

from fastapi import Request
from fastapi.responses import PlainTextResponse, Response
from nicegui import app

from components import session
from equeue_ui import runtime

FORWARDING_HEADERS = ("forwarded", "x-forwarded-for", "x-real-ip")
REFUSED = "/metrics answers on loopback, or with the metrics token (EQUEUE_METRICS_TOKEN)\n"


def register() -> None:
    # async: the levels are read on the event loop that changes them, not in a worker thread.
    @app.get("/metrics", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        if not (_has_token(request) or _from_loopback(request)):
            return PlainTextResponse(REFUSED, status_code=403)
        body, content_type = runtime.current().metrics.exposition(request.headers.get("accept"))
        return Response(body, headers={"Content-Type": content_type, "Cache-Control": "no-store"})


def _has_token(request: Request) -> bool:
    expected = runtime.current().settings.metrics_token
    if not expected:
        return False
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    # compare_digest: how long the comparison takes does not tell how much of a guess was right.
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), expected.encode()
    )


def _from_loopback(request: Request) -> bool:
    peer = request.client.host if request.client else ""
    forwarded = any(header in request.headers for header in FORWARDING_HEADERS)
    if forwarded and not session.is_trusted_proxy(peer):
        return False  # passed on by a proxy nobody vouched for: the client is unknown
    try:
        return ip_address(session.client_address(request)).is_loopback
    except ValueError:
        return False

"""Security headers on every HTTP response: pages, redirects, static files, errors, 404s.

A plain ASGI middleware around the whole stack (outside Starlette's error handler and the
start-up gate, so 500s and 503s get them too) that adds headers to the response's first
message and never touches the body. A header the response already has is left as it is.

- ``X-Content-Type-Options: nosniff``: a browser never runs an upload or a JSON answer as
  script or style because it looks like one.
- ``Referrer-Policy: same-origin``: board and invite tokens live in page URLs
  (``/board/<token>``, ``/invites/…/<token>``), and task and requirement links lead to other
  sites; those get no ``Referer`` at all. Not ``no-referrer``: with it browsers send
  ``Origin: null`` on the app's own form posts (Fetch standard), which the cross-site check
  (equeue_ui/browser_guard.py) would have to treat as foreign.
- ``X-Frame-Options: DENY`` and CSP ``frame-ancestors 'none'``: no site can frame the console
  and trick a teacher into pressing its buttons (old browsers know only the first).
- ``Strict-Transport-Security: max-age=31536000`` (a year) only when ``EQUEUE_PUBLIC_URL`` is
  https: over plain http it would be ignored, and a site that is not https yet must not be
  told to be. No ``includeSubDomains``/``preload``: other hosts of the domain are not ours.
- ``Content-Security-Policy``, as strict as NiceGUI 3 allows. Each relaxation and why:

  - ``script-src 'unsafe-inline'``: NiceGUI writes every page's elements and start-up code
    into inline ``<script>`` blocks that differ per page (so no hash fits), and has no nonce
    support; the import map is inline too.
  - ``script-src 'unsafe-eval'``: NiceGUI ships Vue's full build and compiles components'
    templates in the browser (``new Function``), and runs ``run_javascript``, ``:``-props and
    JavaScript event handlers with ``eval``.
  - ``style-src 'unsafe-inline'``: the page template's ``<style>`` blocks and ``ui.add_css``
    add ``<style>`` elements; Quasar and the page elements set ``style`` attributes.
  - ``img-src data:``: NiceGUI hands an emoji favicon (eQueue's 🎓) to the page as an SVG
    ``data:`` URL.
  - ``connect-src 'self'``: the live socket (socket.io over WebSocket, with long polling
    as the fallback) is same-origin; in CSP 3, ``'self'`` also allows ``ws:``/``wss:`` to this
    host (checked in Chromium by tests/e2e/test_security_headers.py).

  Everything else is ``'self'`` (``default-src``, ``form-action``) or ``'none'``
  (``object-src``, ``base-uri``, ``frame-ancestors``). Pictures of eCourses profiles are not
  shown, and requirements' Markdown allows no images (equeue_ui/markdown.py), so no other
  site is needed. Each relaxation was checked by taking it out: Chromium then reports
  violations on every page (and without ``'unsafe-eval'`` no page starts at all);
  tests/e2e/test_security_headers.py fails on any violation on the main pages.
"""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from equeue_ui.settings import Settings

HSTS_MAX_AGE_S = 365 * 24 * 3600
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

RawHeaders = list[tuple[bytes, bytes]]


def security_headers(*, public_url: str | None) -> RawHeaders:
    """The headers every response gets (HSTS only for an https public address)."""
    headers = {
        "x-content-type-options": "nosniff",
        "referrer-policy": "same-origin",
        "x-frame-options": "DENY",
        "content-security-policy": CONTENT_SECURITY_POLICY,
    }
    if (public_url or "").lower().startswith("https://"):
        headers["strict-transport-security"] = f"max-age={HSTS_MAX_AGE_S}"
    return [(name.encode(), value.encode()) for name, value in headers.items()]


class SecurityHeaders:
    """Adds ``headers`` to every HTTP response that does not already set them."""

    def __init__(self, app: ASGIApp, *, headers: RawHeaders) -> None:
        self.app = app
        self.headers = headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = list(message.get("headers", ()))
                names = {name.lower() for name, _ in present}
                # A new list: a response may hand over the same header list each time it is sent.
                message["headers"] = present + [h for h in self.headers if h[0] not in names]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def middleware(settings: Settings) -> Middleware:
    """The headers for the app's stack (app.py puts it outermost: the gate's 503s get them too)."""
    return Middleware(SecurityHeaders, headers=security_headers(public_url=settings.public_url))

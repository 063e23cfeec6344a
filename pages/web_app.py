"""The installable web app: its manifest, its service worker, its icons and the page the worker
shows when there is no connection.

The manifest and the offline page are in the reader's language (their account's, else their
language cookie, else the site's default), so an installed app is named in it. The worker
lives at the site root so that its scope is the whole site (equeue_ui/static/sw.js says what
it does). Every page links the manifest and registers the worker through the shared head:
fixed text, nothing from data.
"""

from __future__ import annotations

import html
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from nicegui import Client, app, ui

from components import session
from equeue_ui.i18n import msg

STATIC = Path(__file__).resolve().parents[1] / "equeue_ui" / "static"
ICONS_URL = "/icons"
THEME_LIGHT = "#1565c0"  # the header's colours (components/theme.py)
THEME_DARK = "#1e293b"
BACKGROUND_LIGHT = "#fafafa"
# Shared by every page. The worker is registered after the page has loaded, so it never
# competes with the page's own start.
HEAD_HTML = """
<link rel="manifest" href="/manifest.webmanifest">
<link rel="apple-touch-icon" href="/icons/icon-192.png">
<meta name="theme-color" media="(prefers-color-scheme: light)" content="#1565c0">
<meta name="theme-color" media="(prefers-color-scheme: dark)" content="#1e293b">
<meta name="mobile-web-app-capable" content="yes">
<script>
if ("serviceWorker" in navigator) {
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
    // The worker keeps the offline page in the language this page is in.
    navigator.serviceWorker.ready.then((registration) => {
      registration.active?.postMessage({ language: document.documentElement.lang });
    });
  });
}
</script>
"""
APP_NAME = msg("eQueue: lab queues")
DESCRIPTION = msg("Live queues for handing in lab work")
OFFLINE_TITLE = msg("No connection")
OFFLINE_TEXT = msg("eQueue cannot be reached right now. Check the connection and try again.")
OFFLINE_RETRY = msg("Try again")


def manifest(language: str) -> dict[str, object]:
    icon = ICONS_URL + "/{}"
    return {
        "id": "/",
        "name": APP_NAME.render(language),
        "short_name": "eQueue",
        "description": DESCRIPTION.render(language),
        "lang": language,
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        # The light theme's; the head's theme-color meta tags follow the system's dark mode.
        "background_color": BACKGROUND_LIGHT,
        "theme_color": THEME_LIGHT,
        "icons": [
            {"src": icon.format("icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": icon.format("icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": icon.format("maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }


def offline_page(language: str) -> str:
    """A page that needs nothing else from the server: its style is inline, it has no script."""
    title, text, retry = (
        html.escape(m.render(language)) for m in (OFFLINE_TITLE, OFFLINE_TEXT, OFFLINE_RETRY)
    )
    return f"""<!DOCTYPE html>
<html lang="{html.escape(language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · eQueue</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 0; min-height: 100vh; display: grid;
  place-items: center; background: {BACKGROUND_LIGHT}; color: #1f1f1f; }}
main {{ max-width: 26rem; padding: 1.5rem; text-align: center; }}
h1 {{ font-size: 1.5rem; margin: 0 0 0.75rem; }}
a {{ display: inline-block; margin-top: 1rem; padding: 0.6rem 1.2rem; border-radius: 4px;
  background: {THEME_LIGHT}; color: #fff; text-decoration: none; font-weight: 600; }}
@media (prefers-color-scheme: dark) {{
  body {{ background: #171717; color: #f0f0f0; }}
  a {{ background: #90caf9; color: rgba(0, 0, 0, 0.87); }}
}}
</style>
</head>
<body>
<main>
<h1>{title}</h1>
<p>{text}</p>
<a href="/">{retry}</a>
</main>
</body>
</html>
"""


def register() -> None:
    app.add_static_files(ICONS_URL, STATIC / "icons", max_cache_age=7 * 24 * 3600)
    if HEAD_HTML not in Client.shared_head_html:  # setup() runs many times in the tests
        ui.add_head_html(HEAD_HTML, shared=True)

    @app.get("/manifest.webmanifest", include_in_schema=False)
    async def web_manifest(request: Request) -> JSONResponse:
        language = await session.reader_language(request)
        return JSONResponse(
            manifest(language),
            media_type="application/manifest+json",
            # Another language chosen must show on the next read: always ask again.
            headers={"Cache-Control": "no-cache", "Vary": "Cookie"},
        )

    @app.get("/sw.js", include_in_schema=False)
    async def service_worker() -> Response:
        return Response(
            (STATIC / "sw.js").read_bytes(),
            media_type="text/javascript",
            # Browsers check for a new worker at least daily anyway; no-cache makes it each load.
            headers={"Service-Worker-Allowed": "/", "Cache-Control": "no-cache"},
        )

    @app.get("/offline", include_in_schema=False)
    async def offline(request: Request) -> HTMLResponse:
        language = await session.reader_language(request)
        return HTMLResponse(
            offline_page(language),
            # The worker compares it with the pages' language (equeue_ui/static/sw.js).
            headers={"Cache-Control": "no-cache", "Vary": "Cookie", "Content-Language": language},
        )

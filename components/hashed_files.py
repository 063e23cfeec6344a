"""Files of the package served at an address named by their content (``/assets/<name>-<hash>``),
so browsers may keep them for good: a new build is a new address."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from fastapi.responses import Response
from nicegui import app

IMMUTABLE = "public, max-age=31536000, immutable"


@cache
def hashed(path: Path, name: str) -> tuple[str, bytes]:
    """The file's content and the address it is served at."""
    content = path.read_bytes()
    digest = hashlib.sha256(content).hexdigest()[:16]
    return f"/assets/{name}-{digest}{path.suffix}", content


def serve(path: Path, name: str, media_type: str) -> str:
    """Serve the file at its address (once per process); returns the address."""
    url, content = hashed(path, name)
    if not any(getattr(route, "path", None) == url for route in app.routes):
        headers = {"Cache-Control": IMMUTABLE}
        app.add_api_route(
            url,
            lambda: Response(content, media_type=media_type, headers=headers),
            include_in_schema=False,
        )
    return url

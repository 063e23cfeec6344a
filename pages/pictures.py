"""`/pictures/{user_id}/{key}.webp`: a person's picture (services/avatars.py, ``address``).

The key is a digest of the picture, so an address never changes what it shows: browsers may
keep it for a year, and an old key answers 404 once the picture changed. No sign-in is asked:
the classroom board (open through a board link, signed out) shows pictures when its subject
allows it, and an address is only known to whoever is shown the person with their picture.
"""

from __future__ import annotations

import re

from fastapi import Response
from nicegui import app

from equeue_ui.services import avatars

_KEY = re.compile(r"[0-9a-f]{32}")
_CACHED_FOR_GOOD = "public, max-age=31536000, immutable"


def register() -> None:
    @app.get("/pictures/{user_id}/{name}", include_in_schema=False)
    async def picture(user_id: str, name: str) -> Response:
        key, _dot, extension = name.partition(".")
        image = None
        if user_id.isascii() and user_id.isdigit() and extension == "webp" and _KEY.fullmatch(key):
            image = await avatars.picture(int(user_id), key)
        if image is None:
            return Response(status_code=404, headers={"Cache-Control": "no-store"})
        return Response(
            image,
            media_type=avatars.CONTENT_TYPE,
            headers={"Cache-Control": _CACHED_FOR_GOOD, "X-Content-Type-Options": "nosniff"},
        )

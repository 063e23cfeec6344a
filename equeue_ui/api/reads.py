"""How the API answers reads: ETags with ``If-None-Match``, and lists a page at a time."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from fastapi import Request, Response
from pydantic import BaseModel

from equeue_ui.errors import invalid

Item = TypeVar("Item")
DEFAULT_LIMIT = 50
MAX_LIMIT = 100
# Caches may keep an answer but must ask again each time (a tag makes the asking cheap).
CACHE_CONTROL = "private, no-cache"


def json_with_etag(request: Request, body: BaseModel) -> Response:
    """The body as JSON with a strong ETag of its bytes; 304 without it when the client's
    ``If-None-Match`` names that tag already."""
    encoded = body.model_dump_json().encode()
    tag = '"' + hashlib.sha256(encoded).hexdigest()[:32] + '"'
    headers = {"ETag": tag, "Cache-Control": CACHE_CONTROL}
    if _matches(request.headers.get("if-none-match"), tag):
        return Response(status_code=304, headers=headers)
    return Response(encoded, media_type="application/json", headers=headers)


def _matches(header: str | None, tag: str) -> bool:
    if not header:
        return False
    if header.strip() == "*":
        return True
    return any(part.strip().removeprefix("W/") == tag for part in header.split(","))


def page_of(
    items: Sequence[Item], key: Callable[[Item], int], *, limit: int, cursor: str | None
) -> tuple[list[Item], str | None]:
    """The items after ``cursor`` (the key of the last one seen), sorted by key, at most
    ``limit``, and the cursor of the next page (None on the last)."""
    after = _cursor_value(cursor)
    rest = sorted((item for item in items if key(item) > after), key=key)
    chosen = rest[:limit]
    more = len(rest) > limit
    return chosen, (str(key(chosen[-1])) if more and chosen else None)


def _cursor_value(cursor: str | None) -> int:
    if cursor is None or cursor == "":
        return -1
    if not cursor.isascii() or not cursor.isdigit() or len(cursor) > 19:
        raise invalid("This page cursor is not valid.")
    return int(cursor)


ETAG_RESPONSES: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified: the client's If-None-Match names the current ETag."}
}

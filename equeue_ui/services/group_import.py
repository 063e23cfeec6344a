"""Importing groups: read a list (timetable JSON, CSV, text), preview it, then write it at once.

The SFU timetable API answers with a JSON array of objects with a ``name`` field. Nothing is
written until :func:`import_groups`, which adds every new valid name in one transaction.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from equeue_ui import fetch_guard
from equeue_ui.errors import DomainError, InvalidError, invalid
from equeue_ui.events import GroupsChanged
from equeue_ui.i18n import Msg, msg
from equeue_ui.services import audit, permissions
from equeue_ui.services.groups import (
    GROUP_EXISTS,
    ImportResult,
    clean_group_name,
    existing_names,
    insert_groups,
)
from equeue_ui.services.uow import read_only, unit_of_work
from equeue_ui.services.validation import clean_text
from equeue_ui.services.views import UserView

MAX_NAMES = 50_000
MAX_BYTES = 5_000_000
FETCH_TIMEOUT = 10.0
SAMPLE_SIZE = 20
WRONG_SHAPE = msg('Expected a JSON array of objects with a "name" field (the timetable format).')
_HEADERS = {"name", "group", "группа", "название", "имя"}


@dataclass(frozen=True)
class RejectedName:
    name: str
    reason: Msg


@dataclass(frozen=True)
class ImportPreview:
    """What an import would do; ``new_names`` are cleaned, in the order given."""

    read: int
    new_names: tuple[str, ...]
    existing: int
    duplicates: int
    rejected: tuple[RejectedName, ...]

    @property
    def sample(self) -> tuple[str, ...]:
        return self.new_names[:SAMPLE_SIZE]


def parse_group_list(data: bytes | str, *, filename: str = "") -> list[str]:
    """The names in an uploaded file: a JSON array (timetable format), a CSV file's first
    column, or one name a line. Refuses what is none of these."""
    text = _decode(data) if isinstance(data, bytes) else data
    stripped = text.strip()
    kind = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if kind == "json" or stripped[:1] in ("[", "{"):
        return names_from_json(stripped)
    if kind == "csv":
        return _names_from_csv(stripped)
    names = [line.strip() for line in stripped.splitlines() if line.strip()]
    return _limited(names)


def names_from_json(text: str) -> list[str]:
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        raise invalid("This is not valid JSON.") from error
    if not isinstance(data, list):
        raise InvalidError(WRONG_SHAPE)
    names: list[str] = []
    for number, item in enumerate(_limited(data), start=1):
        name = item.get("name") if isinstance(item, dict) else item
        if not isinstance(name, str):
            raise invalid(
                'Item {number} has no text "name" field. '
                'Expected a JSON array of objects with a "name" field.',
                number=number,
            )
        names.append(name)
    return names


async def fetch_group_list(url: str, *, actor: UserView) -> list[str]:
    """The names at a timetable URL, fetched through the fetch guard (public addresses or
    allow-listed hosts only, one deadline, a size cap); site admins only, checked before
    anything is fetched."""
    async with read_only() as session:
        permissions.ensure_site_admin(await permissions.load_actor(session, actor))
    try:
        answer = await fetch_guard.fetch(
            url, max_bytes=MAX_BYTES, deadline=FETCH_TIMEOUT, accept="application/json"
        )
    except fetch_guard.FetchTooLarge as error:
        raise _too_big() from error
    if answer.status != 200:
        # Only an admitted host gets this far, so its status may be shown.
        raise invalid(
            "{host} answered with HTTP status {status}.",
            host=urlparse(answer.url).hostname or "",
            status=answer.status,
        )
    return names_from_json(_decode(answer.content))


async def preview_import(names: list[str], *, actor: UserView) -> ImportPreview:
    """Sort the names into new, already existing, repeated and invalid; writes nothing."""
    async with read_only() as session:
        permissions.ensure_site_admin(await permissions.load_actor(session, actor))
        valid, duplicates, rejected = _sort(names)
        existing = await existing_names(session, valid)
    return ImportPreview(
        read=len(names),
        new_names=tuple(name for name in valid if name not in existing),
        existing=len(existing),
        duplicates=duplicates,
        rejected=tuple(rejected),
    )


async def import_groups(names: list[str], *, actor: UserView, source: str = "") -> ImportResult:
    """Add every new valid name in one transaction (invalid ones are left out, as previewed);
    audited, emits GroupsChanged. A group added meanwhile by someone else makes it a conflict
    and nothing is written."""
    valid, _duplicates, rejected = _sort(names)
    source = clean_text(source, max_length=2048)
    async with unit_of_work(conflict=GROUP_EXISTS) as uow:
        admin = await permissions.load_actor(uow.session, actor)
        permissions.ensure_site_admin(admin)
        existing = await existing_names(uow.session, valid)
        new = [name for name in valid if name not in existing]
        await insert_groups(uow.session, new)
        audit.record(
            uow.session,
            admin,
            "group.import",
            _without_credentials(source),
            created=len(new),
            existing=len(existing),
            rejected=len(rejected),
        )
        if new:
            uow.emit(GroupsChanged(None))
        return ImportResult(created=len(new), existing=len(existing))


def _sort(names: list[str]) -> tuple[list[str], int, list[RejectedName]]:
    valid: dict[str, None] = {}
    duplicates = 0
    rejected: list[RejectedName] = []
    for raw in _limited(names):
        try:
            name = clean_group_name(raw)
        except DomainError as error:
            rejected.append(RejectedName(_shown(raw), error.message))
            continue
        if name in valid:
            duplicates += 1
        else:
            valid[name] = None
    return list(valid), duplicates, rejected


def _limited(items: list[Any]) -> list[Any]:
    if len(items) > MAX_NAMES:
        raise invalid("Too many names: at most {limit} at once.", limit=MAX_NAMES)
    return items


def _names_from_csv(text: str) -> list[str]:
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = [row for row in csv.reader(io.StringIO(text), dialect) if row and row[0].strip()]
    except csv.Error as error:
        raise invalid("This is not a readable CSV file.") from error
    if rows and rows[0][0].strip().lower() in _HEADERS:
        rows = rows[1:]
    return _limited([row[0].strip() for row in rows])


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise _too_big()
    if b"\x00" in data:
        raise invalid("This is not a text file.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Spreadsheets saved on Russian Windows write CP1251.
        return data.decode("cp1251", errors="replace")


def _too_big() -> InvalidError:
    return invalid("The list is too large (at most {limit} MB).", limit=MAX_BYTES // 1_000_000)


def _without_credentials(source: str) -> str:
    """A URL for the audit log: a password in it must not be kept there."""
    try:
        parsed = urlparse(source)
        port = parsed.port
    except ValueError:  # no URL after all (an unclosed "[", a port out of range)
        return "" if "@" in source else source
    if parsed.scheme in ("http", "https") and (parsed.username or parsed.password):
        host = parsed.hostname or ""
        return parsed._replace(netloc=f"{host}:{port}" if port else host).geturl()
    return source


def _shown(raw: str) -> str:
    text = " ".join(str(raw).split())
    return text if len(text) <= 60 else text[:57] + "…"

"""Secrets never reach the logs: every log record is redacted as it is made.

Where secrets came from (issue 13, point 12):
- SQLAlchemy puts a failed statement's parameters into the error's text, and a failed
  registration logged the new account's argon2 hash that way. The engines are built with
  ``hide_parameters`` (db/engine.py, migrations/env.py); at DEBUG, SQLAlchemy and aiosqlite
  still log result rows and calls, so hashes are also redacted here.
- httpx logs each request's URL at INFO, with any ``user:password@`` and query string.
- uvicorn's access log (logger ``uvicorn.access``) logs paths with their query strings:
  ``/auth/complete?ticket=…``, ``/board/<token>``, ``/invites/…/<token>``, ``?next=`` holding
  one of those.
- ``log.exception`` tracebacks of errors whose text holds a URL or a parameter.

Why a record factory rather than a handler filter: a filter acts only for the handlers it is
attached to, and uvicorn (its own handlers on ``uvicorn.access``, which does not propagate),
pytest's caplog and any handler added later each bring their own. Every record of every
logger is made by the one factory, so redacting there covers them all. A record's arguments
are kept as they were unless one holds a secret, so formatters that read them (uvicorn's
access formatter unpacks five) keep working.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

MASK = "***"
ARGON2_MASK = "<argon2 hash>"
# Routes whose last path segment is a secret (board links, invite links); keep in step with
# pages/ when a new kind of link carries a token in its path.
TOKEN_ROUTES = ("board", "invites/teacher", "invites/workspace", "reset-password")
# Field names whose values are secrets, in query strings, forms, dict reprs, JSON and headers.
SECRET_NAME = (
    r"[\w.\[\]-]*?(?:password|passwd|pwd|secret|token|ticket|api_?key|access_?key|"
    r"private_?key|signature|session|cookie|credential|authorization)[\w.\[\]-]*"
)

_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    # argon2 hashes as a whole, so not even their "$argon2" prefix remains.
    (re.compile(r"\$argon2(?:id|i|d)\$[\w$=,+/.]*"), ARGON2_MASK),
    # Credentials in a URL: scheme://user:password@host.
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/?#\s@'\"<>]+@"), rf"\1{MASK}@"),
    # An API token (services/api_tokens) wherever it stands, even one the safety net below
    # would let through (a random run without a digit, say).
    (re.compile(r"\beq_[\w-]{8,}"), MASK),
    # "Bearer <token>" wherever it stands.
    (re.compile(r"(?i)\b(bearer)\s+[\w.~+/=-]{8,}"), rf"\1 {MASK}"),
    # name=value, name: value, 'name': 'value', "name": "value" for secret names (and a
    # header's "Authorization: Basic <credentials>").
    (
        re.compile(
            rf"(?i)(?<![\w.\[\]-])({SECRET_NAME})(['\"]?\s*[=:]\s*['\"]?)(?![?%:]|\$\d)"
            r"(?:(?:basic|bearer|digest)\s+)?[^\s&#'\",;}\])]+"
        ),
        rf"\1\2{MASK}",
    ),
    # The token of a board or invite link, also inside an encoded ?next=.
    (
        re.compile(
            r"((?:/|%2F)(?:"
            + "|".join(route.replace("/", "(?:/|%2F)") for route in TOKEN_ROUTES)
            + r")(?:/|%2F))[^/?#&\s'\"%]+",
            re.IGNORECASE,
        ),
        rf"\1{MASK}",
    ),
)
# A safety net for secrets in places no rule above knows: a run of 24 or more URL-safe
# characters mixing lower case, upper case and digits is what secrets.token_urlsafe makes
# (session tokens, tickets, links); words, identifiers and hex digests are not.
_TOKEN_LIKE = re.compile(r"(?<![\w-])[\w-]{24,}(?![\w-])", re.ASCII)


def redact(text: str) -> str:
    """``text`` with every secret the rules recognise replaced by ``***``."""
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return _TOKEN_LIKE.sub(_mask_token_like, text)


def _mask_token_like(match: re.Match[str]) -> str:
    run = match.group()
    random_looking = (
        any(c.islower() for c in run)
        and any(c.isupper() for c in run)
        and any(c.isdigit() for c in run)
    )
    return MASK if random_looking else run


def redact_record(record: logging.LogRecord) -> None:
    """Redact a record in place: its message, arguments, traceback and stack text."""
    try:
        message = record.getMessage()
    except Exception:  # a malformed format: logging reports it when the record is emitted
        message = None
    if message is not None:
        clean = redact(message)
        if clean != message:
            _replace_message(record, clean)
    if record.exc_info and record.exc_info[0] is not None and not record.exc_text:
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
    elif record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)


def _replace_message(record: logging.LogRecord, clean: str) -> None:
    # Keep the format and its arguments when redacting them one by one gives the same text.
    msg = redact(record.msg) if isinstance(record.msg, str) else record.msg
    args = _redacted_args(record.args)
    try:
        kept = (str(msg) % args if args else str(msg)) == clean
    except (TypeError, ValueError, KeyError):
        kept = False
    if kept:
        record.msg, record.args = msg, args
    else:
        record.msg, record.args = clean, ()


def _redacted_args(args: Any) -> Any:
    if isinstance(args, Mapping):
        return {key: _redacted_value(value) for key, value in args.items()}
    if isinstance(args, tuple):
        return tuple(_redacted_value(value) for value in args)
    return args


def _redacted_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    text = str(value)
    clean = redact(text)
    return value if clean == text else clean


def install() -> None:
    """Redact every log record of the process from now on; a second call does nothing."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "equeue_redacting", False):
        return

    def make_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        redact_record(record)
        return record

    make_record.equeue_redacting = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(make_record)

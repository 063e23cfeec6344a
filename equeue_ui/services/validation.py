"""Input checks shared by the services; each failure is an InvalidError with a clear message.

Every text a service takes passes one of these cleaners before it reaches a query. Besides
trimming and length, they refuse what no person types and the databases cannot take or show
safely: control characters (PostgreSQL refuses NUL outright and asyncpg cannot encode a lone
surrogate, so on PostgreSQL these were a database error per request), Unicode noncharacters,
and — in people's names — direction overrides and names made only of invisible characters.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlparse

from db.models import NAME_LENGTH
from equeue_ui.errors import InvalidError, invalid, invalid_n
from equeue_ui.i18n import Msg, msg

# Tab and line breaks are the only control characters people type: multi-line text (Markdown
# requirements) keeps them, single-line cleaners turn them into spaces.
_ALLOWED_CONTROLS = "\t\n\r"
_NONCHARACTERS = [chr(c) for c in range(0xFDD0, 0xFDF0)] + [
    chr(plane * 0x10000 + last) for plane in range(17) for last in (0xFFFE, 0xFFFF)
]
_UNSAFE = re.compile(
    "["
    + "".join(re.escape(chr(c)) for c in range(0x20) if chr(c) not in _ALLOWED_CONTROLS)
    + "\x7f-\x9f"  # DEL and the C1 controls
    + "\ud800-\udfff"  # lone surrogates: not text, cannot be encoded as UTF-8
    + "".join(_NONCHARACTERS)
    + "]"
)
# Characters that reorder the text around them: in a name they make it read as something
# else (U+202E turns "Ivanov" into "vonavI" on screen).
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# The alphabet of the secrets in links (secrets.token_urlsafe); the longest is 43 characters.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,128}")
# Letters that show as nothing (Hangul fillers, the braille blank): no more a name than U+200B.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")

NAME_CONTROLS = msg("The name must not contain control characters.")
TEXT_CONTROLS = msg("The text must not contain control characters.")
SEARCH_CONTROLS = msg("A search must not contain control characters.")
PERSON_CONTROLS = msg("A name must not contain control characters.")


def clean_name(value: str | None, *, max_length: int = NAME_LENGTH) -> str:
    """A required single-line name: trimmed, not empty, not too long, no control characters."""
    text = _single_line(value, NAME_CONTROLS)
    if not text:
        raise invalid("The name must not be empty.")
    if len(text) > max_length:
        raise invalid_n(
            "The name is too long (at most {n} character).",
            "The name is too long (at most {n} characters).",
            max_length,
        )
    return text


def clean_text(value: str | None, *, max_length: int) -> str:
    """Free text, possibly multi-line (requirements, contacts, labels): trimmed, not too long,
    no control characters but tabs and line breaks."""
    text = (value or "").strip()
    if _UNSAFE.search(text):
        raise InvalidError(TEXT_CONTROLS)
    if len(text) > max_length:
        raise invalid_n(
            "The text is too long (at most {n} character).",
            "The text is too long (at most {n} characters).",
            max_length,
        )
    return text


def clean_person_name(value: str | None, *, max_length: int = 100) -> str:
    """A person's first or last name, which others see next to their queue place: single-line,
    may be empty, but never reordered by direction controls nor made only of invisible
    characters (a "nameless" student in a queue)."""
    text = _single_line(value, PERSON_CONTROLS)
    if len(text) > max_length:
        raise invalid_n(
            "A name is too long (at most {n} character).",
            "A name is too long (at most {n} characters).",
            max_length,
        )
    if any(char in _BIDI_CONTROLS for char in text):
        raise invalid("A name must not contain text direction marks.")
    if text and not any(_visible(char) for char in text):
        raise invalid("A name must contain letters or other visible characters.")
    return text


def clean_search(value: str | None, *, max_length: int = NAME_LENGTH) -> str:
    """What someone typed into a search box: single-line, may be empty."""
    text = _single_line(value, SEARCH_CONTROLS)
    if len(text) > max_length:
        raise invalid_n(
            "The search is too long (at most {n} character).",
            "The search is too long (at most {n} characters).",
            max_length,
        )
    return text


def clean_credential(value: str | None, *, max_length: int = 1024) -> str:
    """A username or password as typed at sign-in, unchanged; refused if it holds characters
    no account's name or password can (a NUL in the username reached the database before)."""
    text = value or ""
    if len(text) > max_length or _UNSAFE.search(text):
        raise invalid("The username or password contains characters that are not allowed.")
    return text


def clean_url(value: str | None) -> str | None:
    text = (value or "").strip()
    if not text:
        return None
    if _UNSAFE.search(text):
        raise invalid("A link must not contain spaces or control characters.")
    try:
        parsed = urlparse(text)
    except ValueError as error:  # e.g. "http://[" (an unclosed IPv6 address)
        raise invalid("This is not a valid link.") from error
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise invalid("A link must start with http:// or https://.")
    if any(char.isspace() for char in text):
        raise invalid("A link must not contain spaces or control characters.")
    if len(text) > 1024:
        raise invalid("The link is too long.")
    return text


def scrub(value: str) -> str:
    """Text another system sent (eCourses' course and assignment names): kept, minus what the
    cleaners refuse from a person. An import is not refused for it; the text is tidied."""
    return _UNSAFE.sub("", value)


def scrub_person_name(value: str) -> str:
    """A person's name another system sent: scrubbed, and without direction marks."""
    return "".join(char for char in scrub(value) if char not in _BIDI_CONTROLS)


def is_token(value: str) -> bool:
    """Whether a link's secret could have been made here; one that could not names no link,
    and need not be hashed (a lone surrogate cannot be) nor looked up."""
    return _TOKEN.fullmatch(value) is not None


def _single_line(value: str | None, controls: Msg) -> str:
    text = value or ""
    if _UNSAFE.search(text):
        raise InvalidError(controls)
    return " ".join(text.split())


def _visible(char: str) -> bool:
    # Letters, digits, punctuation and symbols show; marks, format characters (zero-width
    # spaces and joiners, U+FEFF) and separators alone do not.
    return unicodedata.category(char)[0] in "LNPS" and char not in _BLANK_LETTERS

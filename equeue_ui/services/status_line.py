"""A person's status line ("Страшно учусь 🥲"): shown next to their name to others, so it is
tidied rather than refused — emoji stay, what could disguise or hide text goes."""

from __future__ import annotations

import unicodedata

from equeue_ui.errors import invalid_n

MAX_LENGTH = 100
_ZWJ = "\u200d"
# Reorder the text around them (U+202E turns the rest of a line around); they are format
# characters too, listed for the reader.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def clean_status(value: str | None) -> str:
    """The status line as it will be shown: control, format (zero-width, direction overrides)
    and unassigned characters removed — except the joiner inside an emoji such as 👩‍💻 —,
    whitespace collapsed to single spaces, at most ``MAX_LENGTH`` characters."""
    text = value or ""
    kept: list[str] = []
    for index, char in enumerate(text):
        if char == _ZWJ and _joins_emoji(text, index):
            kept.append(char)
        elif char in _BIDI or unicodedata.category(char) in {"Cc", "Cf", "Cs", "Co", "Cn"}:
            kept.append(" " if char in "\t\n\r\x0b\x0c" else "")
        else:
            kept.append(char)
    cleaned = " ".join("".join(kept).split())
    if len(cleaned) > MAX_LENGTH:
        raise invalid_n(
            "The status is too long (at most {n} character).",
            "The status is too long (at most {n} characters).",
            MAX_LENGTH,
        )
    return cleaned


def _joins_emoji(text: str, index: int) -> bool:
    """Whether the zero-width joiner at ``index`` sits between two parts of one emoji."""
    if index == 0 or index + 1 >= len(text):
        return False
    before, after = text[index - 1], text[index + 1]
    # Before: the emoji itself, its variation selector (U+FE0F) or skin tone (a symbol, Sk).
    return (
        unicodedata.category(before) in {"So", "Sk", "Mn"} and unicodedata.category(after) == "So"
    )

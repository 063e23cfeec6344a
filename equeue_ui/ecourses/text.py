"""Moodle's HTML escaping of the names it sends, undone once, where its answers are read.

Moodle formats names for HTML before sending them (``external_format_string``): ``&`` arrives
as ``&amp;``, quotes as ``&quot;`` and ``&#039;``, ``<``/``>`` as ``&lt;``/``&gt;``, and text
stored with numeric entities keeps them. Only those are decoded, in one pass, so a name that
really holds ``&amp;`` (sent as ``&amp;amp;``) keeps it, and text that merely looks like some
other entity (``&copy``, ``&nbsp;``) is left as it is: Moodle never produces those.
"""

from __future__ import annotations

import re

_ENTITY = re.compile(r"&(?:(amp|lt|gt|quot)|#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6}));")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"'}
_MAX_CODE_POINT = 0x10FFFF


def decode_entities(text: str) -> str:
    """``O&#039;Brien`` → ``O'Brien``, ``Сети &amp; протоколы`` → ``Сети & протоколы``."""
    if "&" not in text:
        return text
    return _ENTITY.sub(_decoded, text)


def _decoded(match: re.Match[str]) -> str:
    named, decimal, hexadecimal = match.groups()
    if named:
        return _NAMED[named]
    code = int(decimal) if decimal else int(hexadecimal, 16)
    if code == 0 or code > _MAX_CODE_POINT or 0xD800 <= code <= 0xDFFF:
        return match.group(0)  # no character: left as sent, rather than guessed at
    return chr(code)

"""The translatable messages of the code and the shipped catalogs, read with Babel.

Messages are found as ``make translations`` finds them: ``pybabel extract`` with the options
in pyproject.toml (``[tool.babel.extract_messages]``: the keywords ``_``, ``msg``, ``invalid``
and their plural ``_n``, ``msg_n``, ``invalid_n``, and ``_forms``).
"""

from __future__ import annotations

import gettext
import io
import string
import subprocess
import sys
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from equeue_ui.i18n import DOMAIN, LOCALES

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = LOCALES / f"{DOMAIN}.pot"


def extract(folder: Path) -> Catalog:
    """The messages in the code now, extracted into ``folder`` as ``make translations`` does."""
    output = folder / f"{DOMAIN}.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-o", str(output)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return read_catalog(output)


def read_catalog(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file) if path.suffix != ".mo" else read_mo(file)


def po_file(language: str) -> Path:
    return LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_file(language: str) -> Path:
    return po_file(language).with_suffix(".mo")


def translated_languages() -> list[str]:
    """The languages with a catalog (English, the source, has none)."""
    return sorted(path.parent.parent.name for path in LOCALES.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def key(message: Message) -> str:
    """A message's id: its singular, as gettext looks it up."""
    return message.id[0] if isinstance(message.id, tuple | list) else message.id


def messages(catalog: Catalog) -> dict[str, Message]:
    """id → message, without the header."""
    return {key(message): message for message in catalog if message.id}


def forms(message: Message) -> list[str]:
    """Every text of a message: the English id (and plural), or the translation's forms."""
    texts = message.string if isinstance(message.string, tuple | list) else [message.string]
    return [text or "" for text in texts]


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def compiled(catalog: Catalog) -> gettext.GNUTranslations:
    """``catalog`` as the app reads a compiled one."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)

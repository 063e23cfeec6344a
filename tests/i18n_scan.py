"""Finds every translatable message in the code: literal first arguments of `_()` and `msg()`."""

from __future__ import annotations

import ast
import string
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE_FOLDERS = ("equeue_ui", "pages", "components")
MARKERS = {"_", "msg", "invalid"}


def source_files() -> Iterator[Path]:
    for folder in SOURCE_FOLDERS:
        yield from sorted((ROOT / folder).rglob("*.py"))


def messages() -> dict[str, list[str]]:
    """msgid → the places that use it."""
    found: dict[str, list[str]] = {}
    for path in source_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in MARKERS
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                found.setdefault(node.args[0].value, []).append(where)
    return found


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


if __name__ == "__main__":
    import json
    import sys

    from equeue_ui.i18n import catalog

    known = catalog("ru")
    missing = {msgid: "" for msgid in messages() if msgid not in known}
    json.dump(missing, sys.stdout, ensure_ascii=False, indent=2)
    print()

"""The data folder holds the SQLite database and the generated secret: its owner's only.

A new folder is made 0700; an existing one that others can enter is tightened to 0700 with a
warning (it holds nothing anyone else should read). The database files are made 0600 where
their engine is built (db/engine.py), since a database may also live outside this folder.
"""

from __future__ import annotations

from pathlib import Path

from db.engine import PRIVATE_FILE_MODE, make_private

PRIVATE_DIR_MODE = 0o700
__all__ = ["PRIVATE_DIR_MODE", "PRIVATE_FILE_MODE", "ensure_private_dir", "ensure_private_file"]


def ensure_private_dir(path: Path) -> Path:
    """``path``, created (with its parents) if missing, and private to this account."""
    path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    make_private(path, PRIVATE_DIR_MODE)
    return path


def ensure_private_file(path: Path) -> Path:
    """``path``, tightened to 0600 if it exists and others may read it."""
    make_private(path, PRIVATE_FILE_MODE)
    return path

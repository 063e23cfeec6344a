"""Schema migrations (Alembic), configured in code: no alembic.ini, no logging side effects."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config

import migrations


def alembic_config(url: str) -> Config:
    """An Alembic configuration for the database at ``url`` (an async SQLAlchemy URL)."""
    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    # set_main_option interpolates %(name)s, so a %-escaped password must be doubled.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_sync(url: str, revision: str = "head") -> None:
    """Upgrade the database to ``revision``; must not be called from a running event loop."""
    command.upgrade(alembic_config(url), revision)


async def upgrade(url: str, revision: str = "head") -> None:
    """Upgrade the database to ``revision`` (env.py runs its own loop, hence the thread)."""
    await asyncio.to_thread(upgrade_sync, url, revision)

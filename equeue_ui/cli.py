"""The `equeue` command: run, migrate, create-admin, seed-demo, import-groups, fake-ecourses."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from equeue_ui import log_redaction, migrate, runtime
from equeue_ui.errors import DomainError
from equeue_ui.settings import Settings

T = TypeVar("T")
PRIVATE_UMASK = 0o077


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    _private_process()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings()
    except ValidationError as error:
        print(f"equeue: invalid settings:\n{error}", file=sys.stderr)
        return 2
    try:
        logging.getLogger().setLevel(settings.log_level.upper())
    except ValueError:
        print(f"equeue: EQUEUE_LOG_LEVEL is not a level: {settings.log_level}", file=sys.stderr)
        return 2
    if args.command == "run":
        return _run(settings, args)
    if args.command == "fake-ecourses":
        from equeue_ui.ecourses.fake.__main__ import serve

        serve(args)
        return 0
    commands: dict[str, Callable[[Settings, argparse.Namespace], Coroutine[Any, Any, int]]] = {
        "migrate": _migrate,
        "create-admin": _create_admin,
        "seed-demo": _seed_demo,
        "import-groups": _import_groups,
    }
    return asyncio.run(commands[args.command](settings, args))


def _private_process() -> None:
    """What this process logs is redacted, and what it creates is its account's alone.

    Both before anything else runs. SQLite makes its -wal/-shm/-journal files later with the
    database's own mode (db/engine.py makes that 0600); the umask covers whatever else the
    app writes (NiceGUI's files in the working folder, SQLite's temporary files).
    """
    log_redaction.install()
    os.umask(os.umask(PRIVATE_UMASK) | PRIVATE_UMASK)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="equeue", description="eQueue: live lab-work queues")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="migrate the database and serve the app")
    run.add_argument("--host", help="overrides EQUEUE_HOST")
    run.add_argument("--port", type=int, help="overrides EQUEUE_PORT")
    run.add_argument("--demo", action="store_true", help="seed the demo data first (idempotent)")
    commands.add_parser("migrate", help="apply the database migrations")
    admin = commands.add_parser("create-admin", help="create a site admin (or promote a user)")
    admin.add_argument("username")
    admin.add_argument(
        "--password-env",
        default="EQUEUE_ADMIN_PASSWORD",
        help="environment variable holding the password (else it is asked for)",
    )
    commands.add_parser("seed-demo", help="create the demo group, workspace, users and queue")
    groups = commands.add_parser("import-groups", help="add groups from a JSON or text file")
    groups.add_argument("file", type=Path, help="a JSON array of {name: …} or one name per line")
    fake = commands.add_parser(
        "fake-ecourses", help="serve a fake eCourses (Moodle) for trying eCourses sign-in"
    )
    from equeue_ui.ecourses.fake.__main__ import add_arguments

    add_arguments(fake)
    return parser


def _run(settings: Settings, args: argparse.Namespace) -> int:
    from equeue_ui.app import serve

    overrides = {"host": args.host, "port": args.port}
    settings = settings.model_copy(update={k: v for k, v in overrides.items() if v is not None})
    asyncio.run(migrate.upgrade(settings.resolved_database_url))
    if args.demo:
        code = asyncio.run(_seed_demo(settings, args, migrate_first=False))
        if code:
            return code
    serve(settings)
    return 0


async def _migrate(settings: Settings, _args: argparse.Namespace) -> int:
    await migrate.upgrade(settings.resolved_database_url)
    print("equeue: the database is up to date")
    return 0


async def _create_admin(settings: Settings, args: argparse.Namespace) -> int:
    from equeue_ui.services import accounts

    password = os.environ.get(args.password_env) or getpass.getpass("Password: ")
    user = await _with_runtime(settings, lambda: accounts.create_admin(args.username, password))
    if user is None:
        return 1
    print(f"equeue: {user.username} is a site admin")
    return 0


async def _seed_demo(
    settings: Settings, _args: argparse.Namespace, *, migrate_first: bool = True
) -> int:
    from equeue_ui import demo

    if migrate_first:
        await migrate.upgrade(settings.resolved_database_url)
    created = await _with_runtime(settings, demo.seed)
    if created is None:
        return 1
    print("equeue: demo data created" if created else "equeue: demo data already present")
    return 0


async def _import_groups(settings: Settings, args: argparse.Namespace) -> int:
    from equeue_ui.services import groups

    try:
        text = args.file.read_text(encoding="utf-8-sig")
    except OSError as error:
        print(f"equeue: cannot read {args.file}: {error.strerror}", file=sys.stderr)
        return 1
    names = _group_names(text)
    if names is None:
        print(
            "equeue: expected a JSON array of objects with a 'name' field, or one name a line",
            file=sys.stderr,
        )
        return 1
    await migrate.upgrade(settings.resolved_database_url)
    result = await _with_runtime(settings, lambda: groups.import_group_names(names))
    if result is None:
        return 1
    print(f"equeue: {result.created} groups added, {result.existing} already present")
    return 0


def _group_names(text: str) -> list[str] | None:
    stripped = text.strip()
    if stripped.startswith("["):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError:
            return None
        if not all(isinstance(item, dict) and isinstance(item.get("name"), str) for item in data):
            return None
        return [item["name"] for item in data if item["name"].strip()]
    return [line.strip() for line in stripped.splitlines() if line.strip()]


async def _with_runtime(settings: Settings, action: Callable[[], Awaitable[T]]) -> T | None:
    from equeue_ui.services.queues import load_snapshot

    built = runtime.build(settings, load_snapshot=load_snapshot)
    runtime.install(built)
    try:
        return await action()
    except DomainError as error:
        print(f"equeue: {error.render('en')}", file=sys.stderr)
        return None
    finally:
        runtime.install(None)
        await built.db.dispose()


if __name__ == "__main__":
    raise SystemExit(main())

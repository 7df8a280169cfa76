"""``bedside`` command line: serve, migrate, demo, remind, backup, restore, user add."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
from pathlib import Path
from collections.abc import Awaitable, Callable
from typing import Any

from .db import Database, open_database
from .db.backup import BackupError
from .db.migrate import migrate
from .errors import DomainError
from .settings import Settings, SettingsError


async def _with_db(settings: Settings, fn: Callable[[Database], Awaitable[Any]]) -> Any:
    db = await open_database(settings.database_url, settings.sqlite_path if settings.is_sqlite else None)
    try:
        return await fn(db)
    finally:
        await db.close()


def cmd_migrate(settings: Settings, _args: argparse.Namespace) -> int:
    applied = asyncio.run(_with_db(settings, migrate))
    print("Applied: " + ", ".join(applied) if applied else "The database is up to date.")
    return 0


def cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    from .demo import load_demo

    async def run(db: Database) -> bool:
        await migrate(db)
        return await load_demo(db, settings, only_if_empty=args.if_empty)

    loaded = asyncio.run(_with_db(settings, run))
    if not loaded:
        print("The database already has users: demo data not loaded.")
    return 0


def cmd_user_add(settings: Settings, args: argparse.Namespace) -> int:
    from .people.repository import create_user

    password = args.password
    if password is None and not args.no_password:
        password = getpass.getpass("Password (at least 10 characters): ")

    async def run(db: Database) -> int:
        await migrate(db)
        return await create_user(db, email=args.email, name=args.name, password=password, roles=args.role,
                                 title=args.title, studierektor_unit_id=args.unit)

    user_id = asyncio.run(_with_db(settings, run))
    print(f"Created user {user_id} <{args.email}> with roles {', '.join(sorted(set(args.role)))}.")
    return 0


def cmd_remind(settings: Settings, _args: argparse.Namespace) -> int:
    """One round of the reminder and mail job (for cron; several may run at once)."""
    from .catalog import load_catalog
    from .requests.jobs import run_once

    catalog = load_catalog(settings.schemas_dir)

    async def run(db: Database) -> tuple[int, int]:
        await migrate(db)
        return await run_once(db, catalog, settings)

    queued, delivered = asyncio.run(_with_db(settings, run))
    print(f"Reminders and notices queued: {queued}; mails delivered: {delivered}.")
    return 0


def cmd_backup(settings: Settings, args: argparse.Namespace) -> int:
    """The whole database to one file, while the server runs (SQLite's backup API, or pg_dump -Fc)."""
    from .db.backup import backup

    report = asyncio.run(backup(settings.database_url, settings.sqlite_path if settings.is_sqlite else None,
                                Path(args.path)))
    print(f"Backed up to {report.path}: " + report.summary())
    print("  " + report.tables())
    return 0


def cmd_restore(settings: Settings, args: argparse.Namespace) -> int:
    """A backup into the (empty, unless --force) database of BEDSIDE_DATABASE_URL; stop the server first."""
    from .db.backup import restore
    from .db.migrate import all_migrations

    report = asyncio.run(restore(settings.database_url, settings.sqlite_path if settings.is_sqlite else None,
                                 Path(args.path), force=args.force))
    print(f"Restored {args.path}: " + report.summary())
    print("  " + report.tables())
    newest = all_migrations()[-1].ID
    if report.migration and report.migration < newest:
        print(f"The backup is at migration {report.migration}; the server migrates it to {newest} when it starts "
              "(or run bedside migrate).")
    elif report.migration and report.migration > newest:
        print(f"The backup is from newer code (migration {report.migration}; this code knows up to {newest}): "
              "serve it with that version.", file=sys.stderr)
    return 0


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from .logs import uvicorn_log_config

    uvicorn.run("server.app:app_from_env", factory=True, host=args.host or settings.host,
                port=args.port or settings.port, workers=args.workers, log_level="info",
                log_config=uvicorn_log_config(settings.log_format),  # BEDSIDE_LOG_FORMAT; no query strings
                # the client address is ours to decide (BEDSIDE_TRUSTED_PROXIES), not uvicorn's
                proxy_headers=False)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bedside", description="Bedside: workplace-based assessment server.")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the API and the PWA")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int, default=1, help="server processes (use PostgreSQL for more than one)")
    serve.set_defaults(run=cmd_serve)
    sub.add_parser("migrate", help="create or update the database tables").set_defaults(run=cmd_migrate)
    demo = sub.add_parser("demo", help="load demo users, placements and assessments")
    demo.add_argument("--if-empty", action="store_true", help="only when the database has no users")
    demo.set_defaults(run=cmd_demo)
    sub.add_parser("remind", help="send due reminders and queued mail once (for cron)").set_defaults(run=cmd_remind)
    backup = sub.add_parser("backup", help="back up the whole database to a file (safe while the server runs)")
    backup.add_argument("path", help="the backup file to write (replaced only once the new backup is complete)")
    backup.set_defaults(run=cmd_backup)
    restore = sub.add_parser("restore", help="restore a backup into an empty database (stop the server first)")
    restore.add_argument("path", help="a file made by bedside backup")
    restore.add_argument("--force", action="store_true", help="replace a database that already has tables")
    restore.set_defaults(run=cmd_restore)
    user = sub.add_parser("user", help="manage users")
    user_sub = user.add_subparsers(dest="user_command", required=True)
    add = user_sub.add_parser("add", help="add a user")
    add.add_argument("email")
    add.add_argument("--name", required=True)
    add.add_argument("--role", action="append", required=True,
                     help="trainee, assessor, clinical_supervisor, main_supervisor, studierektor or admin (repeatable)")
    add.add_argument("--title")
    add.add_argument("--unit", type=int, help="unit id (for a studierektor)")
    add.add_argument("--password", help="omit to be asked")
    add.add_argument("--no-password", action="store_true", help="an account that cannot log in yet")
    add.set_defaults(run=cmd_user_add)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
        return int(args.run(settings, args))
    except (SettingsError, DomainError, BackupError) as exc:
        print(f"bedside: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

"""``bedside backup PATH`` and ``bedside restore PATH``: the whole database to one file and back.

SQLite: SQLite's online backup API (``sqlite3.Connection.backup``) copies every page in one step, i.e.
inside one read transaction: a consistent snapshot, taken while the server goes on serving and writing
(WAL: readers never block the writer). The copy is written beside PATH, made a self-contained file
(``journal_mode=DELETE``), checked, flushed to disk and only then renamed to PATH, so PATH is either
the previous backup or a complete new one. PostgreSQL: ``pg_dump -Fc`` and ``pg_restore``
(``pg_backup.py``).

Restore writes into the database BEDSIDE_DATABASE_URL names and only into an empty one (no tables):
a database with tables is refused unless ``force``, which replaces it whole. Stop the server first:
restoring under a running server swaps the data beneath it.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class Report:
    """What a backup holds or a restore wrote: rows per table, the file's size, the migration level."""

    path: Path
    rows: dict[str, int]
    size: int
    migration: str | None

    def summary(self) -> str:
        return (f"{len(self.rows)} tables, {sum(self.rows.values())} rows, {self.size:,} bytes, "
                f"migration {self.migration or 'none'}.")

    def tables(self) -> str:
        """The tables that have rows, with their counts."""
        return ", ".join(f"{name} {n}" for name, n in self.rows.items() if n) or "(no rows)"


def backup_kind(path: Path) -> str:
    """``sqlite``, ``postgres`` (a pg_dump custom-format archive) or ``unknown``, from the file's first bytes;
    BackupError when there is no such file."""
    if not path.is_file():
        raise BackupError(f"No backup file at {path}.")
    with path.open("rb") as f:
        head = f.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgres"
    return "unknown"


async def backup(database_url: str, sqlite_path: Path | None, dest: Path) -> Report:
    """Back up the database ``database_url`` names to the file ``dest`` (replaced only once complete)."""
    if database_url.startswith("sqlite:"):
        assert sqlite_path is not None
        return await asyncio.to_thread(_sqlite_backup, sqlite_path, dest)
    from .pg_backup import pg_backup

    return await pg_backup(database_url, dest)


async def restore(database_url: str, sqlite_path: Path | None, src: Path, *, force: bool = False) -> Report:
    """Restore the backup ``src`` into the (empty, unless ``force``) database ``database_url`` names."""
    kind = backup_kind(src)
    engine = "sqlite" if database_url.startswith("sqlite:") else "postgres"
    if kind == "unknown":
        raise BackupError(f"{src} is not a Bedside backup: neither a SQLite database nor a pg_dump archive "
                          "(bedside backup makes one or the other).")
    if kind != engine:
        made = "a SQLite database" if kind == "sqlite" else "a PostgreSQL backup (pg_dump)"
        raise BackupError(f"{src} is {made}, but BEDSIDE_DATABASE_URL names a {engine_name(engine)} database: "
                          f"restore it into a {engine_name(kind)} database.")
    if engine == "sqlite":
        assert sqlite_path is not None
        return await asyncio.to_thread(_sqlite_restore, src, sqlite_path, force)
    from .pg_backup import pg_restore

    return await pg_restore(database_url, src, force=force)


def engine_name(kind: str) -> str:
    return "SQLite" if kind == "sqlite" else "PostgreSQL"


def refuse_non_empty(where: str, rows: dict[str, int]) -> None:
    raise BackupError(
        f"The database {where} already has {len(rows)} tables ({sum(rows.values())} rows): a restore would replace "
        "them. Restore into a new, empty database (point BEDSIDE_DATABASE_URL at it), or add --force to replace "
        "this one.")


# --- SQLite ----------------------------------------------------------------------------------------------


def sqlite_rows(conn: sqlite3.Connection) -> dict[str, int]:
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}


def _sqlite_migration(conn: sqlite3.Connection) -> str | None:
    try:
        return conn.execute("SELECT max(id) FROM migrations").fetchone()[0]
    except sqlite3.Error:
        return None


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _same_file(a: Path, b: Path) -> bool:
    return a.resolve() == b.resolve()


def _sqlite_backup(db_path: Path, dest: Path) -> Report:
    if not db_path.is_file():
        raise BackupError(f"No database at {db_path}: nothing to back up (check BEDSIDE_DATABASE_URL).")
    if any(_same_file(dest, Path(f"{db_path}{suffix}")) for suffix in ("", "-wal", "-shm", "-journal")):
        raise BackupError(f"{dest} is the database itself: back it up to another file.")
    if dest.is_dir():
        raise BackupError(f"{dest} is a folder: name the backup file, e.g. {dest / 'bedside.sqlite3'}.")
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(str(db_path), timeout=30)
    try:
        source.execute("PRAGMA busy_timeout = 30000")
        copy = sqlite3.connect(str(partial))
        try:
            source.backup(copy)  # every page in one step: one read transaction, a consistent snapshot
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
            if copy.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise BackupError(f"The copy of {db_path} does not pass SQLite's check; the database may be damaged.")
            rows, migration = sqlite_rows(copy), _sqlite_migration(copy)
        finally:
            copy.close()
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"SQLite could not back up {db_path}: {exc}") from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    _fsync(partial)
    os.replace(partial, dest)
    _fsync(dest.parent)
    return Report(dest, rows, dest.stat().st_size, migration)


def _sqlite_restore(src: Path, db_path: Path, force: bool) -> Report:
    try:
        backup_conn = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"{src} cannot be opened as a SQLite backup: {exc}") from None
    try:
        try:
            ok = backup_conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
            migration = _sqlite_migration(backup_conn)
        except sqlite3.Error:
            ok, migration = False, None
        if not ok:
            raise BackupError(f"{src} is damaged or incomplete (SQLite's check fails): take the backup again.")
        if migration is None:
            raise BackupError(f"{src} is a SQLite database but not a Bedside one (it has no migrations).")
        if db_path.exists() and db_path.stat().st_size > 0:
            existing = sqlite3.connect(str(db_path), timeout=30)
            try:
                rows = sqlite_rows(existing)
            finally:
                existing.close()
            if rows and not force:
                refuse_non_empty(f"at {db_path}", rows)
        db_path.parent.mkdir(parents=True, exist_ok=True)
        target = sqlite3.connect(str(db_path), timeout=30)
        try:
            target.execute("PRAGMA busy_timeout = 30000")
            backup_conn.backup(target)  # replaces every page of the target
            target.execute("PRAGMA journal_mode = WAL")  # as the server runs it
            rows = sqlite_rows(target)
        finally:
            target.close()
    finally:
        backup_conn.close()
    return Report(db_path, rows, db_path.stat().st_size, migration)

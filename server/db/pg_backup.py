"""PostgreSQL's side of ``bedside backup`` / ``restore``: ``pg_dump -Fc`` and ``pg_restore``, Debian's client
programs (on PATH, or under /usr/lib/postgresql/<version>/bin, the newest first).

The password never goes on a command line (where ``ps`` shows it to every user of the machine): the
programs get the DSN without it and the password in ``PGPASSWORD``, in their environment only.

A backup exports a snapshot from a repeatable-read transaction, counts each table's rows in it and
hands the same snapshot to pg_dump (``--snapshot``), so the counts printed are exactly what the file
holds, however many writes go on meanwhile. A restore first reads the whole file (a damaged or cut-off
one is refused before the target is touched), then runs in one transaction (``--single-transaction
--exit-on-error``).
"""

from __future__ import annotations

import asyncio
import glob
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

import asyncpg

from .backup import BackupError, Report, refuse_non_empty

TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"


def client_program(name: str) -> str:
    """The path of ``pg_dump`` or ``pg_restore``, or BackupError saying how to get it."""
    found = shutil.which(name)
    if found:
        return found

    def version(path: str) -> tuple[int, ...]:
        match = re.search(r"/postgresql/([\d.]+)/bin/", path)
        return tuple(int(p) for p in match.group(1).split(".") if p) if match else ()

    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=version, reverse=True)
    if candidates:
        return candidates[0]
    raise BackupError(f"{name} was not found on PATH or under /usr/lib/postgresql/*/bin: install PostgreSQL's client "
                      "programs, of the server's version or newer (Debian: apt-get install postgresql-client).")


def libpq_target(dsn: str) -> tuple[str, dict[str, str]]:
    """The DSN without its password, and the environment for a client program (``PGPASSWORD`` when the DSN
    has a password, in its user part or as ``?password=``)."""
    parts = urlsplit(dsn)
    userinfo, at, hosts = parts.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    query = parse_qsl(parts.query, keep_blank_values=True)
    passwords = [unquote(password)] if password else []
    passwords += [value for key, value in query if key == "password"]
    query = [(key, value) for key, value in query if key != "password"]
    netloc = f"{user}@{hosts}" if at and user else hosts
    clean = f"{parts.scheme}://{netloc}{parts.path}" + (f"?{urlencode(query)}" if query else "")  # keeps ``:///db``
    env = dict(os.environ)
    if passwords:
        env["PGPASSWORD"] = passwords[-1]
    return clean, env


async def _run(program: str, args: list[str], env: dict[str, str]) -> str:
    """Run a client program; its standard output, or BackupError with what it said."""
    process = await asyncio.create_subprocess_exec(program, *args, env=env, stdout=asyncio.subprocess.PIPE,
                                                   stderr=asyncio.subprocess.PIPE)
    out, err = await process.communicate()
    if process.returncode != 0:
        said = err.decode(errors="replace").strip() or f"exit status {process.returncode}"
        raise BackupError(f"{Path(program).name} failed: {said}")
    return out.decode(errors="replace")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


async def table_rows(conn: Any) -> dict[str, int]:
    """Rows per table of the current schema (``public``), as this connection's transaction sees them."""
    names = [r["tablename"] for r in await conn.fetch(TABLES)]
    return {name: int(await conn.fetchval(f"SELECT count(*) FROM {_quote(name)}")) for name in names}


async def _migration(conn: Any, rows: dict[str, int]) -> str | None:
    return await conn.fetchval("SELECT max(id) FROM migrations") if "migrations" in rows else None


async def _connect(dsn: str) -> Any:
    try:
        return await asyncpg.connect(dsn)
    except (OSError, asyncpg.PostgresError) as exc:
        raise BackupError(f"Cannot connect to the PostgreSQL database of BEDSIDE_DATABASE_URL: {exc}") from None


async def pg_backup(dsn: str, dest: Path) -> Report:
    pg_dump = client_program("pg_dump")
    if dest.is_dir():
        raise BackupError(f"{dest} is a folder: name the backup file, e.g. {dest / 'bedside.pgdump'}.")
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    target, env = libpq_target(dsn)
    conn = await _connect(dsn)
    try:
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            snapshot = await conn.fetchval("SELECT pg_export_snapshot()")
            rows = await table_rows(conn)
            migration = await _migration(conn, rows)
            try:
                await _run(pg_dump, ["--format=custom", f"--snapshot={snapshot}", "--no-owner", "--no-privileges",
                                     f"--file={partial}", f"--dbname={target}"], env)
            except BaseException:
                partial.unlink(missing_ok=True)
                raise
    finally:
        await conn.close()
    os.replace(partial, dest)
    return Report(dest, rows, dest.stat().st_size, migration)


def _without_schemas(contents: str, existing: set[str]) -> str:
    """pg_restore's table of contents without creating (or commenting on) a schema the target has already:
    a dump of a database whose ``public`` schema was made again (as the tests do) creates it, which a
    fresh database refuses ("schema public already exists")."""
    kept = []
    for line in contents.splitlines():
        match = re.match(r"^\d+; \d+ \d+ (?:SCHEMA - |COMMENT - SCHEMA )(\S+) ", line)
        if match and match.group(1) in existing:
            continue
        kept.append(line)
    return "\n".join(kept) + "\n"


async def pg_restore(dsn: str, src: Path, *, force: bool) -> Report:
    program = client_program("pg_restore")
    target, env = libpq_target(dsn)
    try:  # read the whole file once, into nothing: a damaged or cut-off one fails here, before the target is touched
        await _run(program, [f"--file={os.devnull}", str(src)], env)
    except BackupError as exc:
        raise BackupError(f"{src} is damaged or incomplete: take the backup again ({exc}).") from None
    conn = await _connect(dsn)
    try:
        existing = await table_rows(conn)
        if existing and not force:
            refuse_non_empty("of BEDSIDE_DATABASE_URL", existing)
        if existing:  # --force: the tables go (their indexes and sequences with them), then the backup's come
            async with conn.transaction():
                await conn.execute("DROP TABLE " + ", ".join(_quote(t) for t in existing) + " CASCADE")
        schemas = {r["nspname"] for r in await conn.fetch("SELECT nspname FROM pg_namespace")}
        contents = await _run(program, ["--list", str(src)], env)
        with tempfile.NamedTemporaryFile("w", suffix=".list", encoding="utf-8") as listing:
            listing.write(_without_schemas(contents, schemas))
            listing.flush()
            await _run(program, ["--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges",
                                 f"--use-list={listing.name}", f"--dbname={target}", str(src)], env)
        rows = await table_rows(conn)
        migration = await _migration(conn, rows)
    finally:
        await conn.close()
    return Report(src, rows, src.stat().st_size, migration)

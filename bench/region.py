"""``python -m bench region [--phones N] [--seconds S] [--postgres DSN]``

A region's day, compressed: ``--phones`` simulated phones (default 200) for ``--seconds`` (default
60) against one server process on SQLite, then against two server processes sharing one PostgreSQL
(the engine for more than one process), each phone's requests alternating between the two as a load
balancer would send them. 127.0.0.1 only; phones and seconds are bounded.

Every phone is a colleague who is both a BT-läkare and an assessor of the next phone's BT-läkare. In
a loop it does what phones do (``region_support.py``): pull on open; a Mini-CEX made in small pushes while it
is filled, with think time; now and then a conflict (the trainee's own device edits the same field
from an older version, the assessor resolves it); submit and sign; now and then an offline burst of
30 mutations sent at once on reconnect, and a push whose answer was lost, sent again.

Reported per run: requests and errors (must be 0), p50/p99 per kind of request, mutations applied,
and a convergence check at the end (``region_support.converged``): every phone's copy equals the server's,
nothing acknowledged is lost, no mutation is applied twice.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
from pathlib import Path
from typing import Any

from .live_server import LiveServer, empty_postgres
from .region_support import run_region

MAX_PHONES = 1000
MAX_SECONDS = 600


def _bounded(args: argparse.Namespace) -> None:
    if not 1 <= args.phones <= MAX_PHONES:
        raise SystemExit(f"--phones must be between 1 and {MAX_PHONES}")
    if not 1 <= args.seconds <= MAX_SECONDS:
        raise SystemExit(f"--seconds must be between 1 and {MAX_SECONDS}")


def one_sqlite_server(work: Path, *, phones: int, seconds: float) -> dict[str, Any]:
    url = f"sqlite:///{work}/region.sqlite3"
    server = LiveServer(url, log_path=work / "sqlite-server.log")
    server.cli("migrate")
    server.start()
    try:
        return asyncio.run(run_region([server], url, phones=phones, seconds=seconds))
    finally:
        server.stop()


def two_postgres_servers(dsn: str, work: Path, *, phones: int, seconds: float) -> dict[str, Any]:
    empty_postgres(dsn)
    servers = [LiveServer(dsn, log_path=work / f"pg-server-{n}.log") for n in (1, 2)]
    servers[0].cli("migrate")
    for server in servers:
        server.start()
    try:
        return asyncio.run(run_region(servers, dsn, phones=phones, seconds=seconds))
    finally:
        for server in servers:
            server.stop()


def main(argv: list[str]) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench region")
    parser.add_argument("--phones", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--postgres", default=os.environ.get("BEDSIDE_BENCH_PG", ""),
                        help="a PostgreSQL DSN for the two-process run (its database is emptied)")
    args = parser.parse_args(argv)
    _bounded(args)
    out: dict[str, Any] = {"phones": args.phones, "seconds": args.seconds, "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        out["sqlite_one_server"] = one_sqlite_server(work, phones=args.phones, seconds=args.seconds)
        if args.postgres:
            out["postgres_two_servers"] = two_postgres_servers(args.postgres, work, phones=args.phones,
                                                               seconds=args.seconds)
        else:
            out["postgres_two_servers"] = "skipped: give --postgres DSN (or BEDSIDE_BENCH_PG)"
    return out

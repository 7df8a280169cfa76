"""A short region's day (``bench region``) as a test: phones pulling, pushing in small steps, making
and resolving conflicts, signing, sending offline bursts and replaying pushes whose answers were
lost. On PostgreSQL against two server processes sharing the database, each phone alternating
between them; on SQLite against one. Every request must succeed and every phone's copy converge:
nothing acknowledged lost, no mutation applied twice."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bench.live_server import LiveServer
from bench.region_support import run_region
from tests.conftest import ON_POSTGRES


def test_phones_of_a_region_converge_with_no_errors(database_url: str, tmp_path: Path) -> None:
    processes = 2 if ON_POSTGRES else 1
    servers = [LiveServer(database_url, log_path=tmp_path / f"server-{n}.log") for n in range(processes)]
    servers[0].cli("migrate")
    for server in servers:
        server.start()
    try:
        figures = asyncio.run(run_region(servers, database_url, phones=24, seconds=6, think=(0.1, 0.4)))
    finally:
        for server in servers:
            server.stop()
    assert figures["errors"] == 0, figures["error_samples"]
    kinds = figures["by_kind"]
    for kind in ("pull", "push", "sign", "offline_burst", "replay"):
        assert kinds.get(kind, {}).get("requests", 0) > 0, f"no {kind} request was made: {sorted(kinds)}"
    check = figures["convergence"]
    assert check["acknowledged"] > 100
    assert check["copies_differing"] == 0
    assert check["acknowledged_lost"] == 0
    assert check["applied_twice"] == 0

"""``python -m bench pdf [--seconds S] [--clients N] [--renders R]``

A real server (uvicorn, one process) on a fresh SQLite file with one BT-läkare of 4 placements × 15
formative assessments (a mix of states; the signed ones and each ended placement's Slutbedömning are
printed) measures, in the same run:
- the portfolio PDF (``GET /api/trainees/{id}/portfolio.pdf``, every section): the first render (the
  worker process starts) and the median and max of ``R`` more, its pages and bytes, and the peak
  memory (VmHWM) of the render worker and of the server process;
- single-mutation ``/api/sync`` pushes at ``N`` closed-loop clients for ``S`` seconds without any
  render, then for ``S`` seconds while portfolios render back to back: p50, p99 and requests/s of
  each, and the ratio of the two p99s (``p99_while_rendering / p99_alone``: 1.0 means the render
  costs sync nothing; the render runs in its own process so that it stays near that).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

from .live_server import LiveServer
from .loadgen import run_load
from .overview import build, _with_db
from .sync import PASSWORD, Pusher, _login, _people
from server.auth.passwords import hash_password_sync

HHL = "hhl0@bench.local"


def _peak_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().split(") ")[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


def _render(base: str, headers: dict[str, str], trainee_id: int) -> tuple[float, bytes]:
    req = urllib.request.Request(f"{base}/api/trainees/{trainee_id}/portfolio.pdf"
                                 "?sections=placements,assessments,delmal,iup,handledning,plans", headers=headers)
    began = time.perf_counter()
    with urllib.request.urlopen(req, timeout=300) as r:
        body = r.read()
    return time.perf_counter() - began, body


async def _prepare(db: Any) -> dict[str, Any]:
    made = await build(db, trainees=1, placements=4, per_placement=15)
    hashed = hash_password_sync(PASSWORD)

    async def passwords(tx: Any) -> None:
        await tx.execute("UPDATE users SET password_hash = ? WHERE email = ?", (hashed, HHL))
    await db.transaction(passwords)
    row = await db.fetchone("SELECT id FROM users WHERE email = 'bt0@bench.local'")
    signed = await db.fetchone("SELECT count(*) AS n FROM assessments WHERE status IN ('signed', 'acknowledged', 'countersigned')")
    return made | {"trainee_id": int(row["id"]), "signed_documents": int(signed["n"])}


def _pushes(server: LiveServer, sessions: list[dict[str, str]], assessor_id: int, seconds: float, tag: str) -> dict[str, Any]:
    pusher = Pusher(sessions, assessor_id, 1, tag)
    load = asyncio.run(run_load("127.0.0.1", server.port, clients=len(sessions), seconds=seconds, path="/api/sync",
                                make_request=pusher.body, check=pusher.check))
    return load.summary()


def main(argv: list[str]) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench pdf")
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--renders", type=int, default=5)
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="bench-pdf-"))
    path = workdir / "bench.sqlite3"
    url = f"sqlite:///{path}"
    data = asyncio.run(_with_db(url, path, _prepare))
    server = LiveServer(url, log_path=workdir / "server.log")
    server.start()
    try:
        sessions, assessor_id = _people(server, args.clients)
        hhl = _login(server.base_url, HHL)
        cold, pdf = _render(server.base_url, hhl, data["trainee_id"])
        warm = [_render(server.base_url, hhl, data["trainee_id"])[0] for _ in range(args.renders)]
        assert server.process is not None
        workers = _children(server.process.pid)
        alone = _pushes(server, sessions, assessor_id, args.seconds, "alone")

        renders: list[float] = []
        stop = threading.Event()

        def keep_rendering() -> None:
            while not stop.is_set():
                renders.append(_render(server.base_url, hhl, data["trainee_id"])[0])

        thread = threading.Thread(target=keep_rendering, daemon=True)
        thread.start()
        time.sleep(0.2)  # the first render under way
        during = _pushes(server, sessions, assessor_id, args.seconds, "during")
        stop.set()
        thread.join(timeout=120)
        peaks = {pid: _peak_kib(pid) for pid in workers}
        server_peak = _peak_kib(server.process.pid)
    finally:
        server.stop()
    import pypdf
    import io
    pages = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    return {
        "name": "pdf",
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "data": data,
        "portfolio": {
            "pages": pages, "bytes": len(pdf), "first_render_s": round(cold, 3),
            "median_render_s": round(statistics.median(warm), 3), "max_render_s": round(max(warm), 3), "renders": len(warm),
            "worker_peak_rss_mib": {str(pid): round(kib / 1024, 1) for pid, kib in peaks.items() if kib},
            "server_peak_rss_mib": round(server_peak / 1024, 1) if server_peak else None,
        },
        "sync_single_push": {
            "alone": alone, "while_rendering": during | {"portfolios_rendered": len(renders),
                                                          "median_render_s": round(statistics.median(renders), 3) if renders else None},
            "p99_while_rendering_vs_alone": round(during["p99_ms"] / alone["p99_ms"], 2) if alone["p99_ms"] else None,
            "errors": alone["errors"] + during["errors"],
        },
    }

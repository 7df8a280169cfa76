"""``python -m bench sync [--seconds S] [--clients N] [--postgres DSN]``

Starts a real server (uvicorn, one process) on a fresh SQLite file (and on PostgreSQL when a DSN is
given) and measures, in the same run:
- pushes of 20 mutations: mutations per second;
- single-mutation pushes at 32 concurrent clients: requests per second, p50 and p99 latency;
- the echo route (same body decoded, small answer, no storage): requests per second;
- the floor: the same rows a 20-mutation push writes, by raw aiosqlite set-based statements;
- single-mutation pushes offered open loop at 0.2 × the echo rate of the same run (64 devices, each
  sending its next push after its last was answered): p50 and p99 from the moment each push was due;
- on PostgreSQL, the database round trips per single push (the server's ``/metrics``);
- errors of any kind, and the ratios against the goals (batch ≥ 80 % of the floor, single ≥ 40 % of
  echo at 32 closed-loop clients, open-loop p99 < 25 ms, zero errors).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import tempfile
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from .live_server import LiveServer, empty_postgres
from .loadgen import run_load, run_open_loop
from .reference import measure_floor
from server.privacy.ids import new_id

PASSWORD = "bench-password-1"
DATA: dict[str, Any] = {
    "setting": "akutmottagning", "encounter": "ny", "focus": "Bröstsmärta, bedömning och handläggning " * 3,
    "complexity": "medel", "patient_age_band": "65-79", "anamnes": 7, "status": 6, "kommunikation": 8,
    "klinisk_bedomning": 6, "professionalism": 8, "organisation": 5, "helhetsbedomning": 6,
    "minutes_observed": 20, "minutes_feedback": 10,
    "strengths": "Strukturerad anamnes och tydlig information till patienten. " * 8,
    "development_areas": "Prioritera differentialdiagnoser tidigare och disponera tiden bättre. " * 8,
    "agreed_action": "Läs på om riskstratifiering vid bröstsmärta; ny Mini-CEX om två veckor. " * 6,
}


def _http(base: str, path: str, body: dict[str, Any] | None = None, headers: dict[str, str] | None = None,
          ) -> tuple[dict[str, Any] | list[Any], dict[str, str]]:
    req = urllib.request.Request(base + path, data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(req, timeout=30) as r:
        headers = {k.lower(): v for k, v in r.headers.items()}
        cookies = [c.split(";")[0] for c in r.headers.get_all("Set-Cookie") or []]
        headers["cookie"] = "; ".join(c for c in cookies if c.startswith("bedside_session="))
        return json.loads(r.read()), headers


def _login(base: str, email: str) -> dict[str, str]:
    answer, headers = _http(base, "/api/auth/login", {"email": email, "password": PASSWORD})
    cookie = headers["cookie"]
    assert isinstance(answer, dict)
    return {"Cookie": cookie, "X-CSRF-Token": answer["csrf_token"], "Content-Type": "application/json"}


def _people(server: LiveServer, clients: int) -> tuple[list[dict[str, str]], int]:
    server.cli("user", "add", "admin@bench.local", "--name", "Bench Admin", "--role", "admin", "--password", PASSWORD)
    if server.process is None:
        server.start()
    admin = _login(server.base_url, "admin@bench.local")
    assessor, _ = _http(server.base_url, "/api/admin/users", {
        "email": "assessor@bench.local", "name": "Bench Assessor", "roles": ["assessor"]}, admin)
    sessions = []
    for n in range(clients):
        _http(server.base_url, "/api/admin/users", {"email": f"trainee{n}@bench.local", "name": f"Trainee {n}",
                                                    "roles": ["trainee"], "password": PASSWORD}, admin)
        sessions.append(_login(server.base_url, f"trainee{n}@bench.local"))
    assert isinstance(assessor, dict)
    return sessions, int(assessor["id"])


class Pusher:
    """Per client: a client_id, the next mutation id and the checkpoint, as a device keeps them."""

    def __init__(self, sessions: list[dict[str, str]], assessor_id: int, batch: int, tag: str) -> None:
        self.sessions, self.assessor_id, self.batch = sessions, assessor_id, batch
        self.client_ids = [f"bench-{tag}-{n}-{uuid.uuid4().hex[:8]}" for n in range(len(sessions))]
        self.next_id = [1] * len(sessions)
        self.since = [0] * len(sessions)
        self.mutations = 0

    def body(self, n: int) -> tuple[bytes, dict[str, str]]:
        first = self.next_id[n]
        mutations = [{"kind": "create", "id": first + i, "doc_id": new_id(), "at": 1_800_000_000_000,
                      "form_id": "mini-cex", "form_version": 1, "data": DATA,
                      "meta": {"assessor_id": self.assessor_id}} for i in range(self.batch)]
        self.next_id[n] += self.batch
        body = json.dumps({"client_id": self.client_ids[n], "since": self.since[n], "mutations": mutations})
        return body.encode(), self.sessions[n]

    def check(self, n: int, status: int, payload: bytes) -> str | None:
        if status != 200:
            return f"HTTP {status}: {payload[:200]!r}"
        answer = json.loads(payload)
        self.since[n] = answer["checkpoint"]
        bad = [r for r in answer["results"] if r["status"] != "applied"]
        self.mutations += len(answer["results"]) - len(bad)
        return f"not applied: {bad[0]}" if bad else None


async def _measure_server(server: LiveServer, sessions: list[dict[str, str]], assessor_id: int, *, seconds: float,
                          batch: int) -> dict[str, Any]:
    host, port = "127.0.0.1", server.port
    clients = len(sessions)
    batched = Pusher(sessions, assessor_id, batch, "batch")
    batch_load = await run_load(host, port, clients=clients, seconds=seconds, path="/api/sync",
                                make_request=batched.body, check=batched.check)
    single = Pusher(sessions, assessor_id, 1, "single")
    single.since = list(batched.since)  # the same phones, in sync: each push pulls only what is new
    single_load = await run_load(host, port, clients=clients, seconds=seconds, path="/api/sync",
                                 make_request=single.body, check=single.check)
    echo = Pusher(sessions, assessor_id, 1, "echo")
    echo_load = await run_load(
        host, port, clients=clients, seconds=seconds, path="/api/sync/echo", make_request=echo.body,
        check=lambda _n, status, payload: None if status == 200 else f"HTTP {status}: {payload[:200]!r}")
    rate = round(0.2 * echo_load.requests / echo_load.seconds, 1)
    devices = Pusher(sessions * 2, assessor_id, 1, "open")
    devices.since = list(single.since) * 2
    trips_before = _round_trips(server)
    open_load = await run_open_loop(host, port, rate=rate, seconds=seconds, clients=len(devices.sessions),
                                    path="/api/sync", make_request=devices.body, check=devices.check)
    trips = _round_trips(server)
    open_figures = open_load.summary() | {"offered_per_second": rate, "devices": len(devices.sessions)}
    if trips is not None and trips_before is not None and open_load.requests:
        open_figures["db_round_trips_per_push"] = round((trips - trips_before) / open_load.requests, 2)
    return {
        "batch_push": batch_load.summary() | {"mutations_per_request": batch,
                                               "mutations_per_second": round(batched.mutations / batch_load.seconds, 1)},
        "single_push": single_load.summary(),
        "echo": echo_load.summary(),
        "single_push_open_loop": open_figures,
        "errors": batch_load.errors + single_load.errors + echo_load.errors + open_load.errors,
    }


def _round_trips(server: LiveServer) -> float | None:
    """The server's count of database round trips so far (PostgreSQL; None where not counted)."""
    try:
        with urllib.request.urlopen(f"{server.base_url}/metrics", timeout=5) as r:
            text = r.read().decode()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("bedside_db_round_trips_total "):
            return float(line.split()[1])
    return None


def measure_engine(database_url: str, workdir: Path, *, seconds: float, clients: int, batch: int) -> dict[str, Any]:
    # the echo route exists only where BEDSIDE_BENCHMARK_ROUTES is on
    server = LiveServer(database_url, log_path=workdir / "server.log", env={"BEDSIDE_BENCHMARK_ROUTES": "1"})
    server.cli("migrate")
    try:
        sessions, assessor_id = _people(server, clients)
        return asyncio.run(_measure_server(server, sessions, assessor_id, seconds=seconds, batch=batch))
    finally:
        server.stop()



def _ratios(figures: dict[str, Any], floor: dict[str, float] | None) -> dict[str, Any]:
    single, echo = figures["single_push"], figures["echo"]
    ratios: dict[str, Any] = {
        "single_vs_echo": round(single["requests_per_second"] / echo["requests_per_second"], 3)
        if echo["requests_per_second"] else None,
    }
    if floor:
        ratios["batch_vs_floor"] = round(figures["batch_push"]["mutations_per_second"] / floor["mutations_per_second"], 3)
    ratios["goals"] = {
        "batch_vs_floor >= 0.8": ratios.get("batch_vs_floor", 0) >= 0.8 if floor else None,
        "single_vs_echo >= 0.4": (ratios["single_vs_echo"] or 0) >= 0.4,
        "open-loop p99 < 25 ms at 0.2 x echo": figures["single_push_open_loop"]["p99_ms"] < 25,
        "zero errors": figures["errors"] == 0,
    }
    return ratios


def main(argv: list[str]) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench sync")
    parser.add_argument("--seconds", type=float, default=5.0, help="duration of each load phase")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--postgres", default=os.environ.get("BEDSIDE_BENCH_PG", ""),
                        help="a PostgreSQL DSN to measure too (its database is emptied)")
    args = parser.parse_args(argv)
    out: dict[str, Any] = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
                           "clients": args.clients, "seconds_per_phase": args.seconds}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        floor = asyncio.run(measure_floor(work / "floor.sqlite3", DATA, clients=args.clients, batch=args.batch,
                                          seconds=args.seconds))
        out["floor_raw_aiosqlite"] = floor
        sqlite = measure_engine(f"sqlite:///{work}/bench.sqlite3", work, seconds=args.seconds, clients=args.clients,
                                batch=args.batch)
        out["sqlite"] = sqlite | {"ratios": _ratios(sqlite, floor)}
        if args.postgres:
            empty_postgres(args.postgres)
            pg = measure_engine(args.postgres, work, seconds=args.seconds, clients=args.clients, batch=args.batch)
            out["postgres"] = pg | {"ratios": _ratios(pg, None)}
    return out

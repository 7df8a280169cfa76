"""``python -m bench overview [--trainees N] [--placements P] [--per-placement A] [--runs R] [--postgres DSN]``

The studierektor's table answers from set-based queries. On a fresh database (SQLite; PostgreSQL too
when a DSN is given) with one unit of 200 trainees × 4 placements (consecutive 6-month periods, the
last one current) × 12 formative assessments (a mix of draft, submitted, signed and acknowledged,
observed inside the placement) plus one Slutbedömning per ended placement, a real server (uvicorn,
one process) answers ``GET /api/overview``, ``GET /api/overview.csv`` and ``GET /api/home`` for the
unit's studierektor, each timed ``R`` times over one keep-alive connection after warm-ups (median and
p90, ms), with the response size raw and gzipped as served. The floor, in the same run on the same
database and through the same driver (the server's ``Database`` class): a plain
``SELECT trainee_id, placement_id, status, count(*) FROM assessments GROUP BY ...``, timed the same way.
``ratio`` = floor median / overview median (1.0 means as fast as the floor; higher is better).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gzip
import http.client
import json
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import msgspec

from .live_server import REPO, LiveServer, empty_postgres
from server import clock
from server.assessments.repository import COLUMNS
from server.catalog import load_catalog
from server.db import Database, Tx, open_database, utc_now
from server.db.migrate import migrate
from server.people.repository import create_unit, create_user
from server.privacy.ids import new_id

PASSWORD = "bench-password-1"
STUDIEREKTOR = "studierektor@bench.local"
FLOOR_SQL = ("SELECT trainee_id, placement_id, status, count(*) AS n FROM assessments "
             "GROUP BY trainee_id, placement_id, status")
#: the formative statuses, in the proportions a unit might have (12 per placement)
STATUSES = ("signed", "acknowledged", "acknowledged", "signed", "submitted", "draft",
            "acknowledged", "signed", "acknowledged", "submitted", "signed", "draft")
FORMATIVE_DATA: dict[str, Any] = {
    "setting": "akutmottagning", "encounter": "ny", "focus": "Bröstsmärta, bedömning och handläggning",
    "complexity": "medel", "patient_age_band": "65-79", "anamnes": 7, "status": 6, "kommunikation": 8,
    "klinisk_bedomning": 6, "professionalism": 8, "organisation": 5, "helhetsbedomning": 6,
    "minutes_observed": 20, "minutes_feedback": 10,
    "strengths": "Strukturerad anamnes och tydlig information till patienten. " * 4,
    "development_areas": "Prioritera differentialdiagnoser tidigare och disponera tiden bättre. " * 4,
    "agreed_action": "Läs på om riskstratifiering vid bröstsmärta; ny Mini-CEX om två veckor.",
}
PLACEMENT_DAYS = 182
_INSERT = f"INSERT INTO assessments ({', '.join(COLUMNS)}) VALUES ({', '.join('?' for _ in COLUMNS)})"


# --- the data ----------------------------------------------------------------------------------------

def _final_data(unit: str, start: dt.date, end: dt.date, n: int) -> dict[str, Any]:
    """A Slutbedömning as in schemas/forms/slutbedomning-bt/1/examples/valid: every 10th not approved."""
    failed = n % 10 == 0
    delmal: dict[str, Any] = {
        "BT1": {"outcome": "uppnatt", "how_checked": "Mini-CEX och medsittning", "evidence": []},
        "BT9": {"outcome": "pagaende", "how_checked": "Handledarsamtal", "evidence": []},
        "BT15": {"outcome": "ej_uppnatt" if failed else "uppnatt", "how_checked": "Läkemedelsgenomgångar",
                 "evidence": []},
        "BT16": {"outcome": "ej_aktuellt"},
    }
    data: dict[str, Any] = {
        "unit": unit, "specialty": "Internmedicin", "period_start": start.isoformat(),
        "period_end": end.isoformat(), "employment_rate_percent": 100, "absence_days": n % 5, "delmal": delmal,
        "strengths": "Trygg i akuta bedömningar.", "development_areas": "Läkemedelsgenomgångar.",
        "overall_result": "ej_godkand" if failed else "godkand",
    }
    if failed:
        data["action_plan_needed"] = True
    return data


def _assessment(hashes: dict[str, str], *, form_id: str, trainee: int, assessor: int, placement: int,
                status: str, observed_on: dt.date, data: str, seq: int, delmal: list[str] | None) -> tuple[Any, ...]:
    at = f"{observed_on.isoformat()}T12:00:00.000000Z"
    signed = status in ("signed", "acknowledged", "countersigned")
    values: dict[str, Any] = {c: None for c in COLUMNS} | {
        "id": new_id(), "form_id": form_id, "form_version": 1, "form_hash": hashes[form_id], "trainee_id": trainee,
        "assessor_id": assessor, "placement_id": placement, "status": status, "data": data, "field_meta": "{}",
        "conflicts": "{}", "version": 3 if signed else 1, "seq": seq, "deleted": 0, "private": 0, "created_by": f"user:{trainee}",
        "created_at": at, "updated_at": at, "observed_on": observed_on.isoformat(),
        "delmal": json.dumps(delmal) if delmal else None,
        "submitted_at": at if status != "draft" else None,
        "signed_at": at if signed else None, "signed_by": f"user:{assessor}" if signed else None,
        "acknowledged_at": at if status in ("acknowledged", "countersigned") else None,
        "countersigned_at": at if status == "countersigned" else None,
    }
    return tuple(values[c] for c in COLUMNS)


async def _insert_returning(tx: Tx, sql: str, params: tuple[Any, ...]) -> int:
    row = await tx.fetchone(sql + " RETURNING id", params)
    assert row is not None
    return int(row["id"])


async def build(db: Database, *, trainees: int, placements: int, per_placement: int) -> dict[str, Any]:
    """Migrate and fill: one unit, its studierektor, supervisors, trainees, placements, assessments."""
    began = time.perf_counter()
    await migrate(db)
    catalog = load_catalog(REPO / "schemas")
    hashes = {f.form_id: f.content_hash for f in catalog.forms() if f.version == 1}
    unit_id = await create_unit(db, "Bench sjukhus")
    await create_user(db, email=STUDIEREKTOR, name="Bench Studierektor", password=PASSWORD,
                      roles=["studierektor"], studierektor_unit_id=unit_id)
    today = clock.today()
    now = utc_now()
    formative = ("mini-cex", "dops")
    evidence = {"mini-cex": ["BT1", "BT8"], "dops": ["BT13"]}
    formative_json = {f: msgspec.json.encode(FORMATIVE_DATA if f == "mini-cex" else {}).decode() for f in formative}
    counts = {"assessments": 0, "finals": 0, "placements": 0}

    async def fill(tx: Tx) -> None:
        async def user(email: str, name: str, role: str) -> int:
            uid = await _insert_returning(
                tx, "INSERT INTO users (email, name, title, password_hash, active, created_at) VALUES (?, ?, ?, NULL, 1, ?)",
                (email, name, "Leg. läkare", now))
            await tx.execute("INSERT INTO user_roles (user_id, role, unit_id) VALUES (?, ?, NULL)", (uid, role))
            return uid

        clinical = [await user(f"ks{n}@bench.local", f"Klinisk handledare {n:02d}", "clinical_supervisor")
                    for n in range(max(1, trainees // 10))]
        main = [await user(f"hhl{n}@bench.local", f"Huvudhandledare {n:02d}", "main_supervisor")
                for n in range(max(1, trainees // 5))]
        seq = 0
        rows: list[tuple[Any, ...]] = []
        for t in range(trainees):
            trainee = await user(f"bt{t}@bench.local", f"BT-läkare {t:03d}", "trainee")
            # the last placement is current, at 10-90 % of its period depending on the trainee
            current_start = today - dt.timedelta(days=18 + (t * 7) % 146)
            first_start = current_start - dt.timedelta(days=(placements - 1) * PLACEMENT_DAYS)
            programme = await _insert_returning(
                tx, """INSERT INTO programmes (trainee_id, kind, unit_id, main_supervisor_id, start_date, end_date)
                       VALUES (?, 'BT', ?, ?, ?, NULL)""",
                (trainee, unit_id, main[t % len(main)], first_start.isoformat()))
            for p in range(placements):
                start = first_start + dt.timedelta(days=p * PLACEMENT_DAYS)
                end = start + dt.timedelta(days=PLACEMENT_DAYS - 1)
                supervisor = clinical[(t + p) % len(clinical)]
                placement = await _insert_returning(
                    tx, """INSERT INTO placements (programme_id, unit_id, specialty, start_date, end_date,
                             clinical_supervisor_id) VALUES (?, ?, ?, ?, ?, ?)""",
                    (programme, unit_id, ("Internmedicin", "Kirurgi", "Psykiatri", "Allmänmedicin")[p % 4],
                     start.isoformat(), end.isoformat(), supervisor))
                counts["placements"] += 1
                last_day = min(end, today)
                span = max((last_day - start).days, 0)
                for a in range(per_placement):
                    seq += 1
                    form = formative[a % 2]
                    status = STATUSES[(a + t) % len(STATUSES)] if end < today else STATUSES[a % len(STATUSES)]
                    # the current placement's assessments end early for some trainees (no recent one)
                    quiet = 40 if (end >= today and t % 7 == 0) else 0
                    day = start + dt.timedelta(days=(span - quiet) * a // per_placement if span > quiet else 0)
                    rows.append(_assessment(hashes, form_id=form, trainee=trainee, assessor=supervisor,
                                            placement=placement, status=status, observed_on=day,
                                            data=formative_json[form], seq=seq, delmal=evidence[form]))
                    counts["assessments"] += 1
                if end < today and not (t % 13 == 0 and p == placements - 2):  # a few finals missing
                    seq += 1
                    final_status = ("signed", "acknowledged", "countersigned", "countersigned", "draft")[(t + p) % 5]
                    data = msgspec.json.encode(_final_data("Bench sjukhus", start, end, t + p)).decode()
                    rows.append(_assessment(hashes, form_id="slutbedomning-bt", trainee=trainee, assessor=supervisor,
                                            placement=placement, status=final_status, observed_on=end, data=data,
                                            seq=seq, delmal=None))
                    counts["assessments"] += 1
                    counts["finals"] += 1
        await tx.executemany(_INSERT, rows)
        await tx.execute("UPDATE counters SET value = ? WHERE name = 'change_seq'", (seq,))

    await db.transaction(fill)
    if db.dialect == "postgres":
        await db.fetch("ANALYZE")
    return counts | {"trainees": trainees, "unit_id": unit_id, "setup_seconds": round(time.perf_counter() - began, 2)}


# --- timing ------------------------------------------------------------------------------------------

def _summary(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    return {"median_ms": round(statistics.median(ordered), 2),
            "p90_ms": round(ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))], 2),
            "min_ms": round(ordered[0], 2), "runs": len(ordered)}


async def time_floor(db: Database, *, runs: int, warmups: int) -> dict[str, Any]:
    groups = 0
    samples = []
    for i in range(warmups + runs):
        began = time.perf_counter()
        rows = await db.fetch(FLOOR_SQL)
        elapsed = (time.perf_counter() - began) * 1000
        if i >= warmups:
            samples.append(elapsed)
        groups = len(rows)
    return _summary(samples) | {"rows": groups, "sql": FLOOR_SQL}


class Client:
    """One keep-alive HTTP connection, logged in as one person."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookie = ""
        self.set_cookies: list[str] = []

    def request(self, method: str, path: str, body: dict[str, Any] | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        sent = {"Cookie": self.cookie} if self.cookie else {}
        if body is not None:
            sent["Content-Type"] = "application/json"
        self.conn.request(method, path, body=json.dumps(body).encode() if body is not None else None,
                          headers=sent | (headers or {}))
        r = self.conn.getresponse()
        payload = r.read()
        self.set_cookies = r.msg.get_all("Set-Cookie") or []
        return r.status, {k.lower(): v for k, v in r.getheaders()}, payload

    def login(self, email: str, password: str) -> None:
        status, _, payload = self.request("POST", "/api/auth/login", {"email": email, "password": password})
        if status != 200:
            raise RuntimeError(f"login failed: HTTP {status} {payload[:200]!r}")
        session = [c.split(";")[0] for c in self.set_cookies if c.startswith("bedside_session=")]
        if not session:
            raise RuntimeError("login answered without a bedside_session cookie")
        self.cookie = session[0]

    def time(self, path: str, *, runs: int, warmups: int, gzip_ok: bool) -> tuple[dict[str, Any], bytes, dict[str, str]]:
        samples = []
        headers = {"Accept-Encoding": "gzip"} if gzip_ok else {"Accept-Encoding": "identity"}
        last, last_headers = b"", {}
        for i in range(warmups + runs):
            began = time.perf_counter()
            status, last_headers, last = self.request("GET", path, headers=headers)
            elapsed = (time.perf_counter() - began) * 1000
            if status != 200:
                raise RuntimeError(f"GET {path}: HTTP {status} {last[:300]!r}")
            if i >= warmups:
                samples.append(elapsed)
        return _summary(samples), last, last_headers


def measure_http(port: int, *, runs: int, warmups: int) -> dict[str, Any]:
    client = Client(port)
    client.login(STUDIEREKTOR, PASSWORD)
    out: dict[str, Any] = {}
    for name, path in (("overview", "/api/overview"), ("overview_csv", "/api/overview.csv"), ("home", "/api/home"),
                       ("health", "/api/health")):
        timing, body, headers = client.time(path, runs=runs, warmups=warmups, gzip_ok=True)
        compressed = headers.get("content-encoding") == "gzip"
        raw = gzip.decompress(body) if compressed else body
        out[name] = timing | {
            "bytes_raw": len(raw), "bytes_as_served": len(body),
            "content_encoding": headers.get("content-encoding", "identity"),
        }
        if name == "overview":
            rows = json.loads(raw)
            out[name]["trainees_in_answer"] = len(rows)
            out[name]["placements_in_answer"] = sum(len(t["placements"]) for t in rows)
            out[name]["flags_in_answer"] = sum(len(t["flags"]) for t in rows)
            identity, _, _ = client.time(path, runs=runs, warmups=1, gzip_ok=False)
            out["overview_uncompressed"] = identity
    client.conn.close()
    return out


# --- one engine --------------------------------------------------------------------------------------

async def _with_db(url: str, path: Path | None, fn: Callable[[Database], Awaitable[Any]]) -> Any:
    db = await open_database(url, path)
    try:
        return await fn(db)
    finally:
        await db.close()


def measure_engine(url: str, sqlite_path: Path | None, workdir: Path, *, trainees: int, placements: int,
                   per_placement: int, runs: int, warmups: int) -> dict[str, Any]:
    data = asyncio.run(_with_db(url, sqlite_path, lambda db: build(
        db, trainees=trainees, placements=placements, per_placement=per_placement)))
    floor_before = asyncio.run(_with_db(url, sqlite_path, lambda db: time_floor(db, runs=runs, warmups=warmups)))
    server = LiveServer(url, log_path=workdir / "server.log")
    server.start()
    try:
        figures = measure_http(server.port, runs=runs, warmups=warmups)
    finally:
        server.stop()
    floor_after = asyncio.run(_with_db(url, sqlite_path, lambda db: time_floor(db, runs=runs, warmups=warmups)))
    floor = floor_before if floor_before["median_ms"] <= floor_after["median_ms"] else floor_after
    floor["median_ms_before_and_after_server"] = [floor_before["median_ms"], floor_after["median_ms"]]
    ov = figures["overview"]["median_ms"]
    ratios = {
        "overview_vs_floor": round(floor["median_ms"] / ov, 4),
        "overview_csv_vs_floor": round(floor["median_ms"] / figures["overview_csv"]["median_ms"], 4),
        "home_vs_floor": round(floor["median_ms"] / figures["home"]["median_ms"], 4),
        "overview_times_floor": round(ov / floor["median_ms"], 1),
        "direction": "ratio = floor median / endpoint median: 1.0 is as fast as the bare GROUP BY, higher is better; "
                     "overview_times_floor is the inverse (how many floors one overview costs)",
    }
    return {"data": data, "floor_group_by": floor, "http": figures, "ratios": ratios}



def main(argv: list[str]) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench overview")
    parser.add_argument("--trainees", type=int, default=200)
    parser.add_argument("--placements", type=int, default=4, help="per trainee, consecutive 6-month periods")
    parser.add_argument("--per-placement", type=int, default=12, help="formative assessments per placement")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmups", type=int, default=3)
    parser.add_argument("--postgres", default=os.environ.get("BEDSIDE_BENCH_PG", ""),
                        help="a PostgreSQL DSN to measure too (its database is emptied)")
    args = parser.parse_args(argv)
    sizes = {"trainees": args.trainees, "placements": args.placements, "per_placement": args.per_placement}
    out: dict[str, Any] = {
        "name": "overview",
        "measured": ("GET /api/overview (the studierektor's table, JSON, gzip as served), /api/overview.csv and "
                     "/api/home for the studierektor of one unit, over one keep-alive connection to a real server, "
                     "against a plain SELECT ... count(*) GROUP BY over the same assessments through the same "
                     "driver in the same run"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "today": clock.today().isoformat(),
    } | sizes
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        path = work / "overview.sqlite3"
        out["sqlite"] = measure_engine(f"sqlite:///{path}", path, work, **sizes, runs=args.runs, warmups=args.warmups)
        if args.postgres:
            empty_postgres(args.postgres)
            out["postgres"] = measure_engine(args.postgres, None, work, **sizes, runs=args.runs, warmups=args.warmups)
    return out

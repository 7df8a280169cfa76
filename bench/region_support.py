"""The phones of ``python -m bench region`` and its convergence check (also used by a test).

A ``Person`` is one account and its local copy of what it may see; a ``Device`` is one of its
phones, with its own client id, mutation ids and connections (one per server; it alternates
between them). Every answer's changes go into the person's copy, newer versions only, so answers
that arrive out of order still leave the right copy.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .live_server import LiveServer
from .loadgen import Connection
from .sync import DATA, PASSWORD, _http, _login
from server.privacy.ids import new_id

FORM = {"form_id": "mini-cex", "form_version": 1}
FIRST_FIELDS = ("setting", "encounter", "complexity", "patient_age_band")
RATINGS = ("anamnes", "status", "kommunikation", "klinisk_bedomning", "professionalism", "organisation",
           "helhetsbedomning")
TEXTS = ("focus", "strengths", "development_areas", "agreed_action")
BURST = 30


def _now_ms() -> int:
    return int(time.time() * 1000)


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000, 2) if ordered else 0.0


@dataclass
class Stats:
    """Latencies by kind of request, errors with a few samples, mutations applied."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    applied: int = 0
    conflicts: int = 0

    def error(self, text: str) -> None:
        self.errors += 1
        if len(self.error_samples) < 5:
            self.error_samples.append(text)

    def summary(self) -> dict[str, Any]:
        kinds = {kind: {"requests": len(v), "p50_ms": _pct(v, 0.5), "p99_ms": _pct(v, 0.99)}
                 for kind, v in sorted(self.latencies.items())}
        return {"requests": sum(len(v) for v in self.latencies.values()), "errors": self.errors,
                "error_samples": self.error_samples, "mutations_applied": self.applied,
                "conflicts_opened": self.conflicts, "by_kind": kinds}


@dataclass
class Person:
    user_id: int
    headers: dict[str, str]
    since: int = 0
    #: doc_id -> (version, status, data) as this person last saw it
    docs: dict[str, tuple[int, str, dict[str, Any]]] = field(default_factory=dict)

    def take(self, answer: dict[str, Any]) -> None:
        for change in answer["changes"]:
            held = self.docs.get(change["doc_id"])
            if held is None or change["version"] >= held[0]:
                self.docs[change["doc_id"]] = (change["version"], change["status"], change["data"])
        self.since = max(self.since, int(answer["checkpoint"]))


class Device:
    def __init__(self, person: Person, ports: list[int], stats: Stats, name: str) -> None:
        self.person, self.stats = person, stats
        self.client_id = f"region-{name}-{uuid.uuid4().hex[:8]}"
        self.next_id = 1
        self.connections = [Connection("127.0.0.1", port) for port in ports]
        self.turn = 0
        #: (client_id, mutation id) of every mutation the server answered as applied
        self.acknowledged: list[tuple[str, int]] = []

    def mutation(self, kind: str, doc_id: str, **fields: Any) -> dict[str, Any]:
        m = {"kind": kind, "id": self.next_id, "doc_id": doc_id, "at": _now_ms(), **fields}
        self.next_id += 1
        return m

    async def send(self, kind: str, mutations: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """One sync request (then more pulls while the answer says ``has_more``); its results."""
        results = await self._request(kind, mutations)
        for r in results:
            if r["status"] == "applied":
                self.acknowledged.append((self.client_id, r["id"]))
                self.stats.applied += 1
            elif r["status"] == "conflict":
                self.stats.conflicts += 1
            elif r["status"] != "duplicate":
                self.stats.error(f"{kind}: {r['status']} {r.get('reason')}: {r.get('message')}")
        return results

    async def pull_all(self) -> None:
        while await self._request("pull", [], want_more=True):
            pass

    async def _request(self, kind: str, mutations: list[dict[str, Any]], *, want_more: bool = False) -> Any:
        body = json.dumps({"client_id": self.client_id, "since": self.person.since, "mutations": mutations}).encode()
        conn = self.connections[self.turn % len(self.connections)]
        self.turn += 1
        started = time.perf_counter()
        try:
            status, payload = await conn.request("POST", "/api/sync", body, self.person.headers)
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError) as exc:
            conn.close()
            self.stats.error(f"{kind}: {type(exc).__name__}: {exc}")
            return [] if not want_more else False
        self.stats.latencies.setdefault(kind, []).append(time.perf_counter() - started)
        if status != 200:
            self.stats.error(f"{kind}: HTTP {status}: {payload[:200]!r}")
            return [] if not want_more else False
        answer = json.loads(payload)
        self.person.take(answer)
        if want_more:
            return bool(answer["has_more"])
        if answer["has_more"]:
            await self.pull_all()
        return answer["results"]

    def close(self) -> None:
        for conn in self.connections:
            conn.close()


def _version(results: list[dict[str, Any]], fallback: int) -> int:
    versions = [r["version"] for r in results if r.get("version")]
    return max(versions) if versions else fallback


async def _assessment(rng: random.Random, phone: Device, trainee_id: int, trainees_tablet: Device,
                      think: tuple[float, float], deadline: float) -> None:
    """One Mini-CEX at the bedside: created, filled in small pushes, maybe a conflict, signed."""
    doc = new_id()
    first = {k: DATA[k] for k in FIRST_FIELDS}
    version = _version(await phone.send("push", [phone.mutation(
        "create", doc, **FORM, data=first, meta={"trainee_id": trainee_id})]), 1)
    pending = [*RATINGS, *TEXTS, "minutes_observed", "minutes_feedback"]
    while pending and time.perf_counter() < deadline:  # past the end of the day it stays a draft
        await asyncio.sleep(rng.uniform(*think))
        step = pending[:rng.choice((1, 2, 3))]
        pending = pending[len(step):]
        version = _version(await phone.send("push", [phone.mutation(
            "edit", doc, base_version=version, fields={f"/{k}": DATA[k] for k in step})]), version)
    if pending:
        return
    if rng.random() < 0.15:  # the trainee's tablet, still on version 1, rewrites the strengths
        answered = await trainees_tablet.send("conflict", [trainees_tablet.mutation(
            "edit", doc, base_version=1, fields={"/strengths": "Tydlig struktur i samtalet med patienten."})])
        if not any(r["status"] == "conflict" for r in answered):
            phone.stats.error(f"conflict: the stale edit was answered {answered}")
            return
        await phone.pull_all()
        held = phone.person.docs.get(doc)
        version = held[0] if held else version
        version = _version(await phone.send("resolve", [phone.mutation(
            "resolve", doc, fields={"/strengths": DATA["strengths"]})]), version)
    await asyncio.sleep(rng.uniform(*think))
    await phone.send("sign", [phone.mutation("submit", doc), phone.mutation("sign", doc)])


async def _offline_burst(phone: Device, trainee_id: int) -> None:
    """A Mini-CEX typed with no network: 30 mutations sent at once when the phone is back."""
    doc = new_id()
    queued = [phone.mutation("create", doc, **FORM, data={}, meta={"trainee_id": trainee_id})]
    names = [*FIRST_FIELDS, *RATINGS, *TEXTS]
    while len(queued) < BURST:
        name = names[(len(queued) - 1) % len(names)]
        queued.append(phone.mutation("edit", doc, base_version=1, fields={f"/{name}": DATA[name]}))
    await phone.send("offline_burst", queued)


async def _lost_answer(phone: Device, trainee_id: int) -> None:
    """A push whose answer never reached the phone, sent again as it was: answered, not applied twice."""
    doc = new_id()
    batch = [phone.mutation("create", doc, **FORM, data={"setting": DATA["setting"]}, meta={"trainee_id": trainee_id})]
    await phone.send("push", batch)
    await phone.send("replay", batch)


async def _phone_day(rng: random.Random, phone: Device, trainee_id: int, tablet: Device, deadline: float,
                     think: tuple[float, float]) -> None:
    await asyncio.sleep(rng.uniform(0, think[1]))  # phones do not all open at the same instant
    await phone.pull_all()
    while time.perf_counter() < deadline:
        roll = rng.random()
        if roll < 0.15:
            await _offline_burst(phone, trainee_id)
        elif roll < 0.22:
            await _lost_answer(phone, trainee_id)
        else:
            await _assessment(rng, phone, trainee_id, tablet, think, deadline)
        if rng.random() < 0.3:  # the app is closed and opened again
            await phone.pull_all()
        await asyncio.sleep(rng.uniform(*think))


def make_people(server: LiveServer, count: int) -> list[Person]:
    """``count`` colleagues, each a BT-läkare and an assessor, logged in (a few at a time)."""
    server.cli("user", "add", "admin@region.local", "--name", "Region Admin", "--role", "admin", "--password", PASSWORD)
    admin = _login(server.base_url, "admin@region.local")

    def one(n: int) -> Person:
        user, _ = _http(server.base_url, "/api/admin/users", {
            "email": f"phone{n}@region.local", "name": f"Kollega {n}", "roles": ["trainee", "assessor"],
            "password": PASSWORD}, admin)
        assert isinstance(user, dict)
        return Person(int(user["id"]), _login(server.base_url, f"phone{n}@region.local"))

    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(one, range(count)))


async def run_region(servers: list[LiveServer], database_url: str, *, phones: int, seconds: float,
                     seed: int = 1, think: tuple[float, float] = (0.3, 1.2)) -> dict[str, Any]:
    """The phones against ``servers`` for ``seconds``, then the convergence check."""
    people = await asyncio.to_thread(make_people, servers[0], phones)
    ports = [s.port for s in servers]
    stats = Stats()
    devices = [Device(p, ports, stats, f"phone{n}") for n, p in enumerate(people)]
    tablets = [Device(p, ports, stats, f"tablet{n}") for n, p in enumerate(people)]
    rng = random.Random(seed)
    began = time.perf_counter()
    deadline = began + seconds
    await asyncio.gather(*(
        _phone_day(random.Random(rng.random()), devices[n], people[(n + 1) % phones].user_id,
                   tablets[(n + 1) % phones], deadline, think)
        for n in range(phones)))
    elapsed = time.perf_counter() - began
    for device in devices:
        await device.pull_all()
    for device in devices + tablets:
        device.close()
    check = await converged(database_url, people, devices + tablets)
    return stats.summary() | {"seconds": round(elapsed, 1), "servers": len(servers),
                              "requests_per_second": round(sum(len(v) for v in stats.latencies.values()) / elapsed, 1),
                              "convergence": check}


async def converged(database_url: str, people: list[Person], devices: list[Device]) -> dict[str, Any]:
    """Every person's copy equals the server's documents of theirs; every acknowledged mutation is in
    the audit exactly once; no mutation is applied twice."""
    from server.db import open_database

    path = Path(database_url.removeprefix("sqlite:///")) if database_url.startswith("sqlite:") else None
    db = await open_database(database_url, path)
    try:
        rows = await db.fetch("SELECT id, version, status, data, trainee_id, assessor_id FROM assessments "
                              "WHERE deleted = 0")
        events = await db.fetch("SELECT action, detail FROM audit_events")
        recorded = await db.fetch("SELECT client_id, mutation_id, result FROM sync_results")
    finally:
        await db.close()
    copies_differ = 0
    for person in people:
        theirs = {r["id"]: (int(r["version"]), r["status"], json.loads(r["data"])) for r in rows
                  if person.user_id in (r["trainee_id"], r["assessor_id"])}
        copies_differ += sum(1 for doc_id, held in theirs.items() if person.docs.get(doc_id) != held)
        copies_differ += sum(1 for doc_id in person.docs if doc_id not in theirs)
    applied: dict[tuple[str, int], int] = {}
    for event in events:
        if event["action"].endswith("_noted"):
            continue
        detail = json.loads(event["detail"])
        key = (detail.get("device"), detail.get("mutation", {}).get("id"))
        applied[key] = applied.get(key, 0) + 1
    # a mutation that changed nothing (a value set again) is applied without an event of its own:
    # what the server answered is kept per client and mutation id, once
    kept = {(r["client_id"], int(r["mutation_id"])) for r in recorded if json.loads(r["result"])["status"] == "applied"}
    acknowledged = [key for d in devices for key in d.acknowledged]
    lost = sum(1 for key in acknowledged if key not in kept)
    twice = sum(1 for key, count in applied.items() if count > 1 and str(key[0]).startswith("region-"))
    return {"documents": len(rows), "copies_differing": copies_differ, "acknowledged": len(acknowledged),
            "acknowledged_lost": lost, "applied_twice": twice,
            "converged": copies_differ == 0 and lost == 0 and twice == 0}

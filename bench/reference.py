"""The floor: the same rows a 20-mutation push writes, with raw aiosqlite set-based statements on one
long-lived connection behind a lock (no HTTP, no validation, no merge)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import aiosqlite
import msgspec

from server.assessments.repository import COLUMNS
from server.db import open_database, utc_now
from server.db.migrate import migrate
from server.privacy.ids import new_id

_INSERT = f"INSERT INTO assessments ({', '.join(COLUMNS)}) VALUES ({', '.join('?' for _ in COLUMNS)})"


async def _prepare(path: Path) -> None:
    db = await open_database(f"sqlite:///{path}", path)
    await migrate(db)
    await db.close()


def _row(data_json: str, trainee_id: int, seq: int) -> tuple[object, ...]:
    now = utc_now()
    values = {c: None for c in COLUMNS} | {
        "id": new_id(), "form_id": "mini-cex", "form_version": 1, "form_hash": "sha256:" + "0" * 64,
        "trainee_id": trainee_id, "assessor_id": trainee_id, "status": "draft", "data": data_json,
        "field_meta": "{}", "conflicts": "{}", "version": 1, "seq": seq, "deleted": 0, "private": 0,
        "created_by": "user:1",
        "created_at": now, "updated_at": now,
    }
    return tuple(values[c] for c in COLUMNS)


async def measure_floor(path: Path, data: dict[str, object], *, clients: int, batch: int, seconds: float) -> dict[str, float]:
    await _prepare(path)
    conn = await aiosqlite.connect(str(path), isolation_level=None)
    await conn.execute("PRAGMA journal_mode = WAL")
    await conn.execute("PRAGMA synchronous = FULL")
    await conn.execute("PRAGMA foreign_keys = OFF")  # the floor has no users table rows to point at
    await conn.execute("INSERT INTO users (email, name, created_at) VALUES ('floor@bench', 'Floor', 't')")
    lock = asyncio.Lock()
    data_json = msgspec.json.encode(data).decode()
    mutations = 0
    deadline = time.perf_counter() + seconds

    async def client(n: int) -> None:
        nonlocal mutations
        next_id = 1
        while time.perf_counter() < deadline:
            async with lock:
                await conn.execute("BEGIN IMMEDIATE")
                cur = await conn.execute(
                    "UPDATE counters SET value = value + ? WHERE name = 'change_seq' RETURNING value", (batch,))
                (last,) = await cur.fetchone()
                rows = [_row(data_json, 1, last - batch + 1 + i) for i in range(batch)]
                await conn.executemany(_INSERT, rows)
                await conn.executemany(
                    "INSERT INTO audit_events (assessment_id, at, actor, actor_name, action, detail) VALUES (?, ?, ?, ?, ?, ?)",
                    [(r[0], utc_now(), "user:1", "Floor", "create", data_json) for r in rows])
                await conn.executemany(
                    "INSERT INTO sync_results (client_id, mutation_id, result) VALUES (?, ?, ?)",
                    [(f"floor-{n}", next_id + i, '{"status":"applied"}') for i in range(batch)])
                await conn.execute(
                    """INSERT INTO sync_clients (client_id, actor, last_mutation_id, updated_at) VALUES (?, ?, ?, ?)
                       ON CONFLICT (client_id) DO UPDATE SET last_mutation_id = excluded.last_mutation_id""",
                    (f"floor-{n}", "user:1", next_id + batch - 1, utc_now()))
                await conn.execute("COMMIT")
            next_id += batch
            mutations += batch

    began = time.perf_counter()
    try:
        await asyncio.gather(*(client(n) for n in range(clients)))
    finally:  # a failed statement must not leave the connection's thread holding the process open
        await conn.close()
    elapsed = time.perf_counter() - began
    return {"mutations_per_second": round(mutations / elapsed, 1), "seconds": round(elapsed, 2)}

"""SIGKILL the server again and again while a device pushes: afterwards every acknowledged mutation is
stored exactly once, and resending the unacknowledged ones completes the data."""

from __future__ import annotations

import asyncio
import http.client
import json
import random
import re
import threading
import time
import urllib.request
from typing import Any

import pytest

from bench.live_server import LiveServer
from server.db import open_database
from server.settings import Settings
from server.privacy.ids import new_id

KILLS = 10
PASSWORD = "crash-test-password"


def _post(base: str, path: str, body: dict[str, Any], headers: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    req = urllib.request.Request(base + path, data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json", **headers})
    with urllib.request.urlopen(req, timeout=5) as r:
        headers = {k.lower(): v for k, v in r.headers.items()}
        cookies = [c.split(";")[0] for c in r.headers.get_all("Set-Cookie") or []]
        headers["cookie"] = "; ".join(c for c in cookies if c.startswith("bedside_session="))
        return json.loads(r.read()), headers


@pytest.mark.slow
def test_kill_and_restart_loses_and_doubles_nothing(database_url: str, tmp_path: Any) -> None:
    server = LiveServer(database_url, log_path=tmp_path / "server.log")
    server.cli("migrate")
    server.cli("user", "add", "bt@crash.test", "--name", "Bea", "--role", "trainee", "--password", PASSWORD)
    out = server.cli("user", "add", "ass@crash.test", "--name", "Anders", "--role", "assessor", "--no-password")
    assessor_id = int(re.search(r"Created user (\d+)", out).group(1))  # type: ignore[union-attr]
    server.start()
    login, headers = _post(server.base_url, "/api/auth/login", {"email": "bt@crash.test", "password": PASSWORD}, {})
    session = {"Cookie": headers["cookie"], "X-CSRF-Token": login["csrf_token"]}

    # The device's outbox: creates, each followed by an edit of the same document.
    outbox: list[dict[str, Any]] = []
    expected: dict[str, dict[str, Any]] = {}
    for n in range(150):
        doc = new_id()
        expected[doc] = {"focus": f"Fall {n}", "minutes_observed": n}
        outbox.append({"kind": "create", "id": len(outbox) + 1, "doc_id": doc, "at": 1_800_000_000_000 + n,
                       "form_id": "mini-cex", "form_version": 1, "data": {"focus": f"Fall {n}"},
                       "meta": {"assessor_id": assessor_id}})
        outbox.append({"kind": "edit", "id": len(outbox) + 1, "doc_id": doc, "at": 1_800_000_000_000 + n,
                       "base_version": 1, "fields": {"/minutes_observed": n}})
    client_id = new_id()
    acknowledged: dict[int, str] = {}
    kills_done = 0

    def killer() -> None:
        nonlocal kills_done
        rng = random.Random(7)
        for _ in range(KILLS):
            time.sleep(rng.uniform(0.15, 0.5))
            server.kill()
            time.sleep(rng.uniform(0.0, 0.2))
            server.start()
            kills_done += 1

    thread = threading.Thread(target=killer)
    thread.start()
    failures = 0
    rng = random.Random(11)
    try:
        while outbox or thread.is_alive():
            if not outbox:
                time.sleep(0.05)
                continue
            batch = outbox[: rng.randint(1, 6)]
            try:
                answer, _ = _post(server.base_url, "/api/sync",
                                  {"client_id": client_id, "since": 0, "mutations": batch}, session)
            # refused, reset, timed out (all OSError), or cut off mid-answer by the kill (IncompleteRead)
            except (OSError, http.client.HTTPException):
                failures += 1
                time.sleep(0.03)
                continue  # not acknowledged: resend the same mutations
            for result in answer["results"]:
                assert result["status"] in ("applied", "duplicate"), result
                acknowledged[result["id"]] = result["status"]
            outbox = [m for m in outbox if m["id"] not in acknowledged]
    finally:
        thread.join()
    assert kills_done == KILLS and failures > 0, "the server must really have gone away under load"
    assert len(acknowledged) == 300

    feed, _ = _post(server.base_url, "/api/sync", {"client_id": client_id, "since": 0}, session)
    docs = {c["doc_id"]: c for c in feed["changes"]}
    while feed["has_more"]:
        feed, _ = _post(server.base_url, "/api/sync", {"client_id": client_id, "since": feed["checkpoint"]}, session)
        docs |= {c["doc_id"]: c for c in feed["changes"]}
    server.stop()
    assert set(docs) == set(expected)
    for doc_id, want in expected.items():
        assert docs[doc_id]["data"] == want and docs[doc_id]["version"] == 2, docs[doc_id]
    counts = asyncio.run(_stored_counts(database_url, client_id))
    assert counts == {"assessments": 150, "audit_events": 300, "sync_results": 300, "last_mutation_id": 300}


async def _stored_counts(database_url: str, client_id: str) -> dict[str, int]:
    """Read the database itself: every mutation took effect exactly once."""
    db = await open_database(database_url, Settings(database_url=database_url).sqlite_path)
    try:
        counts = {t: int((await db.fetchone(f"SELECT count(*) AS n FROM {t}"))["n"])  # type: ignore[index]
                  for t in ("assessments", "audit_events", "sync_results")}
        row = await db.fetchone("SELECT last_mutation_id FROM sync_clients WHERE client_id = ?", (client_id,))
        return counts | {"last_mutation_id": int(row["last_mutation_id"]) if row else 0}
    finally:
        await db.close()

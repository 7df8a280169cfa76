"""The sync state machine against the REAL server: HTTP, service, database (SQLite, or PostgreSQL
when BEDSIDE_TEST_DATABASE_URL is set).

Two people (the trainee and the assessor), each with two phones, edit one Mini-CEX draft offline.
Pushes are dropped, their replies lost, requests duplicated; phones retry until answered. Once every
outbox is drained: every phone's copy equals the server's; every acknowledged write is the current
value, a side of an open conflict, or in the document's audit trail; conflicts only on fields both
people changed; every mutation took effect once. Runs ``SYNC_SERVER_EXAMPLES`` examples (default 12).
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from typing import Any

import msgspec
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule
from litestar.testing import TestClient

from server.app import create_app
from server.auth.sessions import COOKIE_NAME
from server.settings import REPO_ROOT, Settings
from sync.protocol import DocumentChange, MutationResult, SyncRequest, SyncResponse
from tests.conftest import ON_POSTGRES, TEST_DATABASE_URL, reset_postgres
from tests.sync_model import Device
from tests.world import PASSWORD, build_world
from server.privacy.ids import new_id

PHONES = {"t1": "trainee", "t2": "trainee", "a1": "assessor", "a2": "assessor"}
VALUES: dict[str, list[Any]] = {
    "/focus": ["Dyspné", "Bröstsmärta", "Yrsel"],
    "/strengths": ["Lugn", "Strukturerad", "Empatisk"],
    "/minutes_observed": [10, 15, 20],
    "/setting": ["mottagning", "akutmottagning", "vardavdelning"],
}
CHANGE_FIELDS = set(DocumentChange.__struct_fields__) - {"meta"}


def _as_change(view: dict[str, Any]) -> DocumentChange:
    return msgspec.convert({k: v for k, v in view.items() if k in CHANGE_FIELDS}, DocumentChange)


class RealServerSync(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = tempfile.TemporaryDirectory()
        url = TEST_DATABASE_URL if ON_POSTGRES else f"sqlite:///{self.tmp.name}/db.sqlite3"
        if ON_POSTGRES:
            asyncio.run(reset_postgres(url))
        self.client = TestClient(create_app(Settings(database_url=url, secret_key="k",
                                                     schemas_dir=REPO_ROOT / "schemas")))
        self.client.__enter__()
        self.world = self.client.blocking_portal.call(build_world, self.client.app.state.db)
        self.sessions = {who: self._login(who) for who in set(PHONES.values())}
        self.client.cookies.clear()
        self.clock = 1_800_000_000_000
        self.phones = {name: Device(f"{name}-{new_id()}", f"user:{self.world.id(who)}", push=self._transport(who))
                       for name, who in PHONES.items()}
        self.doc = new_id()
        self.phones["t1"].create(self.doc, "mini-cex", {}, at=self._tick(),
                                 meta={"assessor_id": self.world.id("assessor")})
        for phone in self.phones.values():
            phone.sync_until_idle()
        self.edited_by: dict[str, set[str]] = {}

    def _login(self, who: str) -> dict[str, str]:
        r = self.client.post("/api/auth/login", json={"email": self.world.emails[who], "password": PASSWORD})
        assert r.status_code == 200, r.text
        return {"Cookie": f"{COOKIE_NAME}={r.cookies[COOKIE_NAME]}", "X-CSRF-Token": r.json()["csrf_token"]}

    def _tick(self) -> int:
        self.clock += 1000
        return self.clock

    def _transport(self, who: str) -> Any:
        def push(request: SyncRequest) -> SyncResponse:
            r = self.client.post("/api/sync", content=msgspec.json.encode(request),
                                 headers=self.sessions[who] | {"Content-Type": "application/json"})
            assert r.status_code == 200, r.text
            body = r.json()
            assert body["checkpoint"] >= request.since
            return SyncResponse(results=[msgspec.convert(x, MutationResult) for x in body["results"]],
                                changes=[_as_change(c) for c in body["changes"]], checkpoint=body["checkpoint"],
                                has_more=body["has_more"])
        return push

    @rule(phone=st.sampled_from(sorted(PHONES)), field=st.sampled_from(sorted(VALUES)), choice=st.integers(0, 2))
    def edit(self, phone: str, field: str, choice: int) -> None:
        self.phones[phone].edit(self.doc, {field: VALUES[field][choice]}, at=self._tick())
        self.edited_by.setdefault(field, set()).add(PHONES[phone])

    @rule(phone=st.sampled_from(sorted(PHONES)),
          fate=st.sampled_from(["deliver", "deliver", "lose request", "lose reply", "duplicate"]))
    def push(self, phone: str, fate: str) -> None:
        device = self.phones[phone]
        assert device.push is not None
        if fate == "lose request":
            return
        request = device.request()
        response = device.push(request)
        if fate == "duplicate":
            again = device.push(request)
            assert [r.id for r in again.results] == [r.id for r in response.results]
            response = again
        if fate != "lose reply":
            device.receive(response)

    @rule(phone=st.sampled_from(sorted(PHONES)), side=st.integers(0, 1))
    def resolve(self, phone: str, side: int) -> None:
        known = self.phones[phone].replica.get(self.doc)
        if known is None or not known.conflicts:
            return
        pointer = sorted(known.conflicts)[0]
        values = known.conflicts[pointer].values
        self.phones[phone].resolve(self.doc, {pointer: values[min(side, len(values) - 1)].value}, at=self._tick())

    def teardown(self) -> None:
        try:
            self._drain_and_check()
        finally:
            self.client.__exit__(None, None, None)
            self.tmp.cleanup()

    def _drain_and_check(self) -> None:
        for _ in range(2):  # a second round so every phone pulls what the others pushed last
            for device in self.phones.values():
                device.sync_until_idle()
        session = self.sessions["trainee"]
        server = _as_change(self.client.get(f"/api/assessments/{self.doc}", headers=session).json())
        audit = self.client.get(f"/api/assessments/{self.doc}/audit", headers=session).json()
        recorded = {(p, msgspec.json.encode(v)) for e in audit for p, v in
                    e["detail"].get("mutation", {}).get("fields", {}).items()}
        for name, device in self.phones.items():
            assert not device.outbox, name
            mine = device.replica[self.doc]
            assert (mine.version, mine.data, mine.conflicts) == (server.version, server.data, server.conflicts), name
            for mutation, result in device.acknowledged():
                assert result.status in ("applied", "conflict", "duplicate")
                for pointer, value in getattr(mutation, "fields", {}).items():
                    current = server.data.get(pointer.lstrip("/"))
                    conflict = server.conflicts.get(pointer)
                    sides = [side.value for side in conflict.values] if conflict else []
                    # nothing lost: the current value, a side of an open conflict, or on record
                    assert value == current or value in sides or (pointer, msgspec.json.encode(value)) in recorded, (
                        name, pointer, value)
        for pointer in server.conflicts:
            assert self.edited_by.get(pointer, set()) == {"trainee", "assessor"}, pointer
        mutations = sum(d.next_id - 1 for d in self.phones.values())
        stored = self.client.blocking_portal.call(_count, self.client.app.state.db, "sync_results")
        assert stored == mutations  # every mutation answered exactly once


async def _count(db: Any, table: str) -> int:
    row = await db.fetchone(f"SELECT count(*) AS n FROM {table}")
    return int(row["n"])


RealServerSync.TestCase.settings = settings(
    max_examples=int(os.environ.get("SYNC_SERVER_EXAMPLES", "12")), stateful_step_count=25, deadline=None)
TestRealServerSync = RealServerSync.TestCase

"""``GET /metrics``: what an operator scrapes. Requests are counted by route template and status (no id or
token of a path ever becomes a label), sync results by status, the database's queue and the mail outbox
are read when scraped; only this machine, or whoever has BEDSIDE_METRICS_TOKEN, may read it."""

from __future__ import annotations

import asyncio
import dataclasses
import secrets
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from prometheus_client.parser import text_string_to_metric_families

from bench.live_server import LiveServer
from server.app import create_app
from server.privacy.ids import new_id
from server.settings import Settings
from tests.helpers import in_app
from tests.world import World, login

TOKEN = "metrics-" + secrets.token_hex(16)
SCRAPER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A metrics token (the test client's address is no loopback address); mail stays queued (no SMTP,
    no demo mode); no mail job taking connections while the test counts them."""
    return dataclasses.replace(settings, metrics_token=TOKEN, demo_mail="off", job_interval_seconds=0)


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a scrape by (name, sorted labels)."""
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def requests_of(found: dict, method: str, route: str, status: int) -> float:
    return found.get(("bedside_http_requests_total", (("method", method), ("route", route), ("status", str(status)))),
                     0.0)


async def scrape(client: AsyncTestClient) -> tuple[str, dict]:
    response = await client.get("/metrics", headers=SCRAPER)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    return response.text, samples(response.text)


async def push(client: AsyncTestClient, headers: dict[str, str], client_id: str, *mutations: dict[str, Any]
               ) -> list[str]:
    response = await client.post("/api/sync", headers=headers,
                                 json={"client_id": client_id, "since": 0, "mutations": list(mutations)})
    assert response.status_code == 200, response.text
    return [r["status"] for r in response.json()["results"]]


async def test_requests_are_counted_by_route_template_and_sync_results_by_status(
        client: AsyncTestClient, world: World) -> None:
    T = await login(client, world, "trainee")
    A_id = world.id("assessor")
    doc_a, doc_b = new_id(), new_id()
    creates = [{"kind": "create", "id": n, "doc_id": doc, "at": 1_800_000_000_000 + n, "form_id": "mini-cex",
                "form_version": 1, "data": {"focus": "Dyspné"}, "meta": {"assessor_id": A_id}}
               for n, doc in ((1, doc_a), (2, doc_b))]
    assert await push(client, T, "phone-of-tove", *creates) == ["applied", "applied"]
    assert await push(client, T, "phone-of-tove", *creates) == ["duplicate", "duplicate"]  # a replayed push
    gap = {"kind": "submit", "id": 9, "doc_id": doc_a, "at": 1_800_000_000_009}
    assert await push(client, T, "phone-of-tove", gap) == ["rejected"]
    AS = await login(client, world, "assessor")
    assert await push(client, AS, "phone-of-asta", {"kind": "edit", "id": 1, "doc_id": doc_a, "at": 1_800_000_000_100,
                                                   "base_version": 1, "fields": {"/focus": "Hjärtsvikt"}}) == ["applied"]
    T = await login(client, world, "trainee")
    assert await push(client, T, "phone-of-tove", {"kind": "edit", "id": 3, "doc_id": doc_a, "at": 1_800_000_000_200,
                                                   "base_version": 1, "fields": {"/focus": "KOL"}}) == ["conflict"]
    for _ in range(2):
        assert (await client.get(f"/api/assessments/{doc_b}")).status_code == 200
    secret = secrets.token_urlsafe(24)  # what a path may carry: a token, an id
    assert (await client.get(f"/api/finns-inte/{secret}")).status_code == 404
    assert (await client.get(f"/{secret}.js")).status_code == 404
    assert (await client.request("BREW", f"/api/assessments/{doc_b}")).status_code == 405

    text, found = await scrape(client)
    sync = {labels[0][1]: value for (name, labels), value in found.items() if name == "bedside_sync_mutations_total"}
    assert sync == {"applied": 3, "duplicate": 2, "rejected": 1, "conflict": 1}
    assert requests_of(found, "GET", "/api/assessments/{doc_id}", 200) == 2
    assert requests_of(found, "POST", "/api/sync", 200) == 5
    assert requests_of(found, "POST", "/api/auth/login", 200) == 2
    assert requests_of(found, "GET", "unmatched", 404) == 1  # no route: one label for every such path
    assert requests_of(found, "GET", "/{file_path}", 404) == 1  # the PWA's files, by their template
    assert requests_of(found, "other", "unmatched", 405) == 1  # a made-up method is no label of its own
    for raw in (doc_a, doc_b, secret, TOKEN):
        assert raw not in text
    assert found[("bedside_database_up", ())] == 1
    assert ("process_resident_memory_bytes", ()) in found
    # the scrape itself counts on the next one
    assert requests_of((await scrape(client))[1], "GET", "/metrics", 200) == 1


async def _hold_the_database(db: Any) -> tuple[asyncio.Event, list[asyncio.Task[Any]]]:
    """On the app's loop: one write transaction that does not finish until the event is set, and three
    more behind it."""
    release = asyncio.Event()

    async def slow(_tx: Any) -> None:
        await release.wait()

    async def quick(_tx: Any) -> None:
        return None

    tasks = [asyncio.create_task(db.transaction(slow))]
    await asyncio.sleep(0.2)  # the writer (SQLite) has taken it, or it holds a pooled connection (PostgreSQL)
    tasks += [asyncio.create_task(db.transaction(quick if db.dialect == "sqlite" else slow)) for _ in range(3)]
    await asyncio.sleep(0.2)
    return release, tasks


async def _release(release: asyncio.Event, tasks: list[asyncio.Task[Any]]) -> None:
    release.set()
    await asyncio.gather(*tasks)


async def test_the_database_queue_and_the_mail_outbox_are_read_when_scraped(
        app: Litestar, client: AsyncTestClient, world: World) -> None:
    _, found = await scrape(client)
    assert found[("bedside_db_queue_depth", ())] == 0 and found[("bedside_mail_outbox_unsent", ())] == 0
    T = await login(client, world, "trainee")
    for n in range(2):
        response = await client.post("/api/requests", headers=T, json={
            "form_id": "mini-cex", "channel": "email", "assessor_name": "Erik Extern",
            "assessor_email": f"erik{n}@sjukhus.test"})
        assert response.status_code == 201, response.text
    _, found = await scrape(client)
    assert found[("bedside_mail_outbox_unsent", ())] == 2  # no SMTP: both wait in the outbox

    db = app.state.db
    release, tasks = await in_app(client, _hold_the_database, db)
    try:
        _, busy = await scrape(client)
    finally:
        await in_app(client, _release, release, tasks)
    # SQLite: three transactions wait behind the one the writer runs; PostgreSQL: four hold a connection
    assert busy[("bedside_db_queue_depth", ())] == (3 if db.dialect == "sqlite" else 4)
    _, found = await scrape(client)
    assert found[("bedside_db_queue_depth", ())] == 0


async def test_without_the_token_metrics_are_an_unknown_path(client: AsyncTestClient) -> None:
    unknown = await client.get("/no-such-file")
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Bearer {TOKEN}x"},
                    {"Authorization": TOKEN}, {"Authorization": f"Basic {TOKEN}"}):
        response = await client.get("/metrics", headers=headers)
        assert response.status_code == 404, headers
        assert response.json() == {**unknown.json(), "detail": "No such page or file: /metrics."}
    assert (await client.get("/metrics", headers=SCRAPER)).status_code == 200


async def test_without_a_token_a_client_of_another_machine_gets_404(settings: Settings) -> None:
    app = create_app(dataclasses.replace(settings, metrics_token=""))
    async with AsyncTestClient(app=app) as client:  # its address is "testclient", not this machine
        assert (await client.get("/metrics")).status_code == 404
        assert (await client.get("/metrics", headers=SCRAPER)).status_code == 404


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A real server behind a (pretend) reverse proxy on this machine: 127.0.0.1 is a trusted proxy."""
    tmp: Path = tmp_path_factory.mktemp("metrics")
    server = LiveServer(f"sqlite:///{tmp}/db.sqlite3", log_path=tmp / "server.log",
                        env={"BEDSIDE_TRUSTED_PROXIES": "127.0.0.1", "BEDSIDE_METRICS_TOKEN": ""})
    with server:
        yield server


def get(server: LiveServer, path: str, **headers: str) -> tuple[int, str]:
    request = urllib.request.Request(server.base_url + path, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def test_on_this_machine_metrics_need_no_token(live: LiveServer) -> None:
    status, text = get(live, "/metrics")
    assert status == 200, text
    found = samples(text)
    assert requests_of(found, "GET", "/api/health", 200) >= 1  # the start-up polls
    assert found[("bedside_database_up", ())] == 1


def test_a_client_forwarded_by_a_proxy_on_this_machine_is_not_this_machine(live: LiveServer) -> None:
    status, text = get(live, "/metrics", **{"X-Forwarded-For": "203.0.113.9"})
    assert status == 404 and "bedside_" not in text
    assert get(live, "/metrics", **{"X-Forwarded-For": "127.0.0.1"})[0] == 200  # a client on this machine

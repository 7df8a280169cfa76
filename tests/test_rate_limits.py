"""Issue 8, item 8: rate limits cannot be walked around. Attempts are counted atomically before the
work (a parallel burst gets exactly the limit), forwarded addresses are believed only from configured
proxies, a known device keeps the right password working while others guess, one wrong password
each for many accounts is limited per address, and guessed tokens never block a genuine link."""

from __future__ import annotations

import asyncio
import json
import secrets
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from litestar import Litestar, Request
from litestar.testing import AsyncTestClient

from bench.live_server import LiveServer
from server.auth.controller import MAX_FAILED_PER_ACCOUNT, MAX_FAILED_PER_ADDRESS
from server.client_address import client_address
from server.requests.links import MAX_GUESSES
from tests.helpers import in_app
from tests.requests_support import bearer
from tests.world import PASSWORD, World, login


async def wrong(client: AsyncTestClient, email: str, **headers: str) -> int:
    response = await client.post("/api/auth/login", json={"email": email, "password": "not the password"},
                                 headers=headers)
    return response.status_code


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A real ``bedside serve`` (uvicorn, threads, one SQLite writer): where parallel bursts really race."""
    tmp = tmp_path_factory.mktemp("ratelimits")
    server = LiveServer(f"sqlite:///{tmp}/db.sqlite3", log_path=tmp / "server.log")
    server.cli("migrate")
    for who in ("bea", "cecilia"):
        server.cli("user", "add", f"{who}@rate.test", "--name", who, "--role", "trainee", "--password", PASSWORD)
    server.start()
    yield server
    server.stop()


def post_login(server: LiveServer, email: str, password: str = "not the password", **headers: str) -> int:
    request = urllib.request.Request(server.base_url + "/api/auth/login", method="POST",
                                     data=json.dumps({"email": email, "password": password}).encode(),
                                     headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as refused:
        return int(refused.code)


def test_a_parallel_burst_gets_no_more_tries_than_the_limit(live: LiveServer) -> None:
    with ThreadPoolExecutor(30) as pool:
        statuses = list(pool.map(lambda _: post_login(live, "bea@rate.test"), range(30)))
    assert statuses.count(401) == MAX_FAILED_PER_ACCOUNT and statuses.count(429) == 30 - MAX_FAILED_PER_ACCOUNT


def test_a_forwarded_header_from_a_client_is_not_believed(live: LiveServer) -> None:
    """Not by uvicorn (which by default believes 127.0.0.1) and not by us: no proxy is configured."""
    statuses = [post_login(live, "cecilia@rate.test", **{"X-Forwarded-For": f"10.1.2.{i}"})
                for i in range(MAX_FAILED_PER_ACCOUNT + 1)]
    assert statuses == [401] * MAX_FAILED_PER_ACCOUNT + [429]


def _request(peer: str, forwarded: str | None) -> Request[Any, Any, Any]:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    return Request({"type": "http", "method": "GET", "path": "/", "headers": headers, "client": (peer, 1234),
                    "query_string": b"", "app": Litestar(), "state": {}})  # type: ignore[arg-type]


def test_a_forwarded_address_is_believed_only_from_a_trusted_proxy() -> None:
    proxies = ("10.0.0.0/8",)
    assert client_address(_request("203.0.113.7", "198.51.100.1"), proxies) == "203.0.113.7"  # not a proxy
    assert client_address(_request("10.0.0.2", "198.51.100.1"), proxies) == "198.51.100.1"
    # read from the right: a client's own header to the left of the proxy's is not believed
    assert client_address(_request("10.0.0.2", "6.6.6.6, 198.51.100.1, 10.0.0.3"), proxies) == "198.51.100.1"
    assert client_address(_request("10.0.0.2", "not-an-address"), proxies) == "10.0.0.2"
    assert client_address(_request("10.0.0.2", "198.51.100.1"), ()) == "10.0.0.2"  # none configured


async def test_guessing_elsewhere_never_locks_out_the_right_password_on_a_known_device(
    client: AsyncTestClient, world: World
) -> None:
    email = world.emails["trainee"]
    ok = await client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert ok.status_code == 200
    device = ok.cookies["bedside_device"]
    client.cookies.clear()
    for _ in range(MAX_FAILED_PER_ACCOUNT):
        assert await wrong(client, email) == 401  # someone else guesses her password
    right = {"email": email, "password": PASSWORD}
    assert (await client.post("/api/auth/login", json=right)).status_code == 429  # an unknown device waits
    client.cookies.set("bedside_device", device, domain=client.base_url.host, path="/api/auth")
    assert (await client.post("/api/auth/login", json=right)).status_code == 200  # her own phone does not


async def test_one_wrong_password_each_for_many_accounts_is_limited_per_address(
    client: AsyncTestClient, world: World
) -> None:
    statuses = [await wrong(client, f"person{i}@test.bedside.se") for i in range(MAX_FAILED_PER_ADDRESS + 1)]
    assert statuses[:MAX_FAILED_PER_ADDRESS] == [401] * MAX_FAILED_PER_ADDRESS and statuses[-1] == 429


async def test_guessed_tokens_are_counted_exactly_and_never_block_a_genuine_link(
    client: AsyncTestClient, world: World
) -> None:
    headers = await login(client, world, "trainee")
    made = await client.post("/api/requests", headers=headers, json={"form_id": "mini-cex", "channel": "bedside"})
    real = made.json()["link"].split("#/svar/")[1]
    client.cookies.clear()

    async def guess() -> int:
        return (await client.get("/api/link", headers=bearer(secrets.token_urlsafe(32)))).status_code

    statuses = await asyncio.gather(*(guess() for _ in range(2 * MAX_GUESSES)))
    assert statuses.count(404) == MAX_GUESSES and statuses.count(429) == MAX_GUESSES
    assert (await client.get("/api/link", headers=bearer(real))).status_code == 200
    rows = await in_app(client, client.app.state.db.fetch, "SELECT key, count FROM rate_limits")
    assert all(len(r["key"]) <= 200 for r in rows)

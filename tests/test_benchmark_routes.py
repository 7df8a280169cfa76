"""The benchmark's echo route (``POST /api/sync/echo``) is there only when BEDSIDE_BENCHMARK_ROUTES is on:
a real deployment answers it like any unknown path."""

from __future__ import annotations

import dataclasses

import pytest
from litestar.testing import AsyncTestClient

from server.app import create_app
from server.settings import Settings, SettingsError

PUSH = {"client_id": "phone-of-tove", "since": 0, "mutations": [
    {"kind": "submit", "id": 1, "doc_id": "6f1c2a9e-0d1b-4c1e-9a7e-3b2f5d8c4e10", "at": 1795420900000}]}


async def test_a_default_server_has_no_echo_route(client: AsyncTestClient) -> None:
    response = await client.post("/api/sync/echo", json=PUSH)
    assert response.status_code in (404, 405), response.text
    assert response.json()["reason"] in ("not_found", "method_not_allowed")
    spec = (await client.get("/schema/openapi.json")).json()
    assert "/api/sync/echo" not in spec["paths"]


async def test_a_benchmark_server_echoes_a_sync_body(settings: Settings) -> None:
    app = create_app(dataclasses.replace(settings, benchmark_routes=True))
    async with AsyncTestClient(app=app) as client:
        response = await client.post("/api/sync/echo", json=PUSH)
        assert response.status_code == 200, response.text
        assert response.json() == {"client_id": "phone-of-tove", "mutations": 1}
        assert "/api/sync/echo" not in (await client.get("/schema/openapi.json")).json()["paths"]


def test_the_setting_is_off_unless_turned_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BEDSIDE_SECRET_KEY", "k")
    monkeypatch.delenv("BEDSIDE_BENCHMARK_ROUTES", raising=False)
    assert Settings.from_env().benchmark_routes is False
    monkeypatch.setenv("BEDSIDE_BENCHMARK_ROUTES", "1")
    assert Settings.from_env().benchmark_routes is True
    monkeypatch.setenv("BEDSIDE_BENCHMARK_ROUTES", "maybe")
    with pytest.raises(SettingsError, match="BEDSIDE_BENCHMARK_ROUTES must be 1 or 0"):
        Settings.from_env()

"""Every error answer has one JSON shape, ``{status_code, reason, detail, extra?}``, with a stable
reason code and a message a person can act on, whether our code or Litestar refused; a server fault
stays a 500 without a traceback; and no error message echoes a personnummer."""

from __future__ import annotations

import dataclasses
from typing import Any

import msgspec
import pytest
from httpx import Response
from litestar import Litestar, get
from litestar.exceptions import ServiceUnavailableException
from litestar.testing import AsyncTestClient

from server.errors import error_response
from server.privacy import redact_identity_numbers
from server.settings import Settings
from tests.world import World, login

LIMIT = 4096


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A small body limit, so that a 413 costs little to provoke."""
    return dataclasses.replace(settings, max_body_bytes=LIMIT)


def error(response: Response, status: int, reason: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) <= {"status_code", "reason", "detail", "extra"}, body
    assert body["status_code"] == status and body["reason"] == reason, body
    assert isinstance(body["detail"], str) and body["detail"], body
    return body  # type: ignore[no-any-return]


async def test_a_body_over_the_limit_is_a_413_that_names_the_limit(client: AsyncTestClient) -> None:
    response = await client.post("/api/auth/login", content=b'{"email": "' + b"x" * (2 * LIMIT) + b'"}',
                                 headers={"Content-Type": "application/json"})
    body = error(response, 413, "too_large")
    assert str(LIMIT) in body["detail"] and "bytes" in body["detail"]
    assert "split" in body["detail"]  # what to do about it
    assert "Request Entity Too Large" not in body["detail"]


async def test_an_unknown_api_route_is_a_404_that_points_to_the_api_description(client: AsyncTestClient) -> None:
    body = error(await client.get("/api/xyz"), 404, "not_found")
    assert "GET /api/xyz" in body["detail"] and "/schema/openapi.json" in body["detail"]
    # a nested unknown path too, and another method
    body = error(await client.delete("/api/nothing/here"), 404, "not_found")
    assert "DELETE /api/nothing/here" in body["detail"]


async def test_a_wrong_method_is_a_405_that_names_the_allowed_ones(client: AsyncTestClient) -> None:
    response = await client.post("/api/catalog")
    body = error(response, 405, "method_not_allowed")
    assert "POST" in body["detail"] and "GET" in body["detail"]
    assert "GET" in response.headers["allow"]


async def test_not_logged_in_is_a_401_with_our_own_message(client: AsyncTestClient) -> None:
    body = error(await client.get("/api/assessments"), 401, "not_logged_in")
    assert "Log in" in body["detail"] and "/api/auth/login" in body["detail"]


async def test_a_missing_csrf_token_is_a_403_that_says_which_header(client: AsyncTestClient, world: World) -> None:
    await login(client, world, "trainee")
    body = error(await client.post("/api/assessments", json={"form_id": "mini-cex"}), 403, "forbidden")
    assert "X-CSRF-Token" in body["detail"]


async def test_a_validation_error_keeps_extra_and_names_the_field(client: AsyncTestClient) -> None:
    body = error(await client.post("/api/auth/login", json={"email": 5, "password": "x"}), 400, "invalid")
    assert [e["key"] for e in body["extra"]] == ["email"]
    assert "email" in body["detail"] and "str" in body["detail"]


async def test_a_malformed_body_is_a_400_in_the_same_shape(client: AsyncTestClient, world: World) -> None:
    headers = await login(client, world, "trainee")
    response = await client.post("/api/sync", content=b"{not json",
                                 headers={**headers, "Content-Type": "application/json"})
    error(response, 400, "invalid")


async def test_too_many_failed_logins_is_a_429_that_keeps_retry_after(client: AsyncTestClient) -> None:
    attempt = {"email": "nobody@test.bedside.se", "password": "wrong"}
    for _ in range(100):  # whatever the limit is, it is well below 100
        response = await client.post("/api/auth/login", json=attempt)
        if response.status_code != 401:
            break
        error(response, 401, "not_logged_in")
    body = error(response, 429, "rate_limited")
    assert int(response.headers["retry-after"]) > 0 and "wait" in body["detail"]


async def test_no_error_message_echoes_a_personnummer(client: AsyncTestClient, world: World) -> None:
    headers = await login(client, world, "trainee")
    answers = [
        await client.post("/api/assessments", json={"form_id": "19121212-1212"}, headers=headers),  # unknown form
        await client.get("/api/assessments/19121212-1212"),  # not found, by id
        await client.get("/api/no-such-thing/121212-1212"),  # unknown route, echoed path
        await client.post("/api/auth/login", json={"email": ["19121212-1212"], "password": "x"}),  # validation
    ]
    for response in answers:
        body = error(response, response.status_code, response.json()["reason"])
        assert 400 <= body["status_code"] < 500, body
        assert "19121212" not in response.text and "121212-1212" not in response.text, response.text
    # the router's own 404 echoes the path it did not know, with the number taken out
    assert "No such endpoint: GET /api/no-such-thing/[personnummer]" in answers[2].json()["detail"]


async def test_a_server_fault_stays_a_500_in_the_same_shape_without_a_traceback(app: Litestar) -> None:
    @get("/api/test-fault", sync_to_thread=False)
    def fault() -> None:
        raise RuntimeError("secret internals at /srv/bedside/server/x.py line 12")

    @get("/api/test-unavailable", sync_to_thread=False)
    def unavailable() -> None:
        raise ServiceUnavailableException("database down", headers={"Retry-After": "30"})

    app.register(fault)
    app.register(unavailable)
    async with AsyncTestClient(app=app, raise_server_exceptions=False) as client:
        crashed = await client.get("/api/test-fault")
        down = await client.get("/api/test-unavailable")
    body = error(crashed, 500, "server_error")
    assert "secret internals" not in crashed.text and "Traceback" not in crashed.text
    assert "administrator" in body["detail"]
    error(down, 503, "server_error")
    assert down.headers["retry-after"] == "30" and "database down" not in down.text


def test_redaction_replaces_each_identity_number_and_keeps_the_rest() -> None:
    text = "Pat 19121212-1212 och 121212+1212, samordning 701063-2391; tel 070-123 45 67, dos 1212121213."
    assert redact_identity_numbers(text) == (
        "Pat [personnummer] och [personnummer], samordning [personnummer]; tel 070-123 45 67, dos 1212121213.")
    assert redact_identity_numbers("kort") == "kort"


def test_every_string_in_extra_is_redacted() -> None:
    extra = [{"field": "/x", "value": "19121212-1212", "nested": {"19121212-1212": ["121212-1212"]}}]
    response = error_response(400, "invalid", "Field /x holds 19121212-1212.", extra=extra)
    encoded = msgspec.json.encode(response.content).decode()
    assert "1212-1212" not in encoded and encoded.count("[personnummer]") == 4

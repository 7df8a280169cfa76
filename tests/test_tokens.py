"""Request-link tokens: expired, withdrawn (revoked), reused after signing, used for another
assessment, and guessed tokens are each refused with a message that says which and what to do; a
run of guesses trips the rate limit; only a hash of the token is stored."""

from __future__ import annotations

import secrets
from typing import Any

from litestar.testing import AsyncTestClient

from server.db import Tx
from server.requests.links import MAX_GUESSES
from tests.helpers import MINI_CEX_COMPLETE, create_mini_cex, in_app
from tests.mail_support import MailServer
from tests.requests_support import EXTERNAL, ask, bearer, claimed_secret, link_sync, mailed_link, mutation, token_of
import tests.requests_support as support
from tests.world import World, login
from server.privacy.ids import new_id

settings, smtp = support.settings, support.smtp  # fixtures: real SMTP, no demo mode


async def _set(client: AsyncTestClient, sql: str, *params: Any) -> None:
    async def run(tx: Tx) -> None:
        await tx.execute(sql, params)

    await in_app(client, client.app.state.db.transaction, run)


async def _request(client: AsyncTestClient, world: World, smtp: MailServer) -> tuple[dict[str, Any], str]:
    """A request by e-mail, and the link's token as the assessor's mail carries it (no session)."""
    request = await ask(client, await login(client, world, "trainee"))
    client.cookies.clear()
    return request, token_of(await mailed_link(smtp, EXTERNAL["assessor_email"]))


def refusal(response: Any) -> tuple[int, str, str]:
    body = response.json()
    return response.status_code, body["reason"], body["detail"]


async def test_the_token_is_long_random_and_stored_only_as_a_hash(client: AsyncTestClient, world: World, smtp: MailServer) -> None:
    request, token = await _request(client, world, smtp)
    assert len(token) >= 43  # 256 bits in URL-safe base64
    rows = await in_app(client, client.app.state.db.fetch, "SELECT * FROM assessment_requests")
    stored = " ".join(str(v) for v in rows[0].values())
    assert token not in stored
    mail = await in_app(client, client.app.state.db.fetch, "SELECT body FROM mail_outbox")
    assert token not in mail[0]["body"] and "{link}" in mail[0]["body"]


async def test_an_expired_link_is_refused_and_renewing_makes_it_work_again(
    client: AsyncTestClient, world: World, smtp: MailServer
) -> None:
    request, token = await _request(client, world, smtp)
    secret = await claimed_secret(client, token)
    await _set(client, "UPDATE assessment_requests SET expires_at = ? WHERE id = ?", "2020-01-01T00:00:00.000000Z",
               request["id"])
    for response in (await client.get("/api/link", headers=bearer(token)), await link_sync(client, secret, [])):
        status, reason, detail = refusal(response)
        assert (status, reason) == (410, "link_expired") and "expired on 2020-01-01" in detail
        assert "renew" in detail
    headers = await login(client, world, "trainee")
    assert (await client.post(f"/api/requests/{request['id']}/renew", headers=headers)).status_code == 200
    client.cookies.clear()
    assert (await client.get("/api/link", headers=bearer(token))).status_code == 200


async def test_a_withdrawn_link_is_refused(client: AsyncTestClient, world: World, smtp: MailServer) -> None:
    request, token = await _request(client, world, smtp)
    secret = await claimed_secret(client, token)
    headers = await login(client, world, "trainee")
    assert (await client.post(f"/api/requests/{request['id']}/withdraw", headers=headers)).status_code == 200
    client.cookies.clear()
    status, reason, detail = refusal(await link_sync(client, secret, []))
    assert (status, reason) == (410, "link_withdrawn") and "withdrawn" in detail


async def test_a_link_cannot_change_anything_after_signing(client: AsyncTestClient, world: World, smtp: MailServer) -> None:
    request, link_token = await _request(client, world, smtp)
    token = await claimed_secret(client, link_token)
    doc = request["assessment_id"]
    signed = await link_sync(client, token, [
        mutation(1, "edit", doc, base_version=1, fields={f"/{k}": v for k, v in MINI_CEX_COMPLETE.items()}),
        mutation(2, "submit", doc), mutation(3, "sign", doc)])
    assert [r["status"] for r in signed.json()["results"]] == ["applied"] * 3
    again = await link_sync(client, token, [mutation(4, "return", doc, reason="Fel patient")])
    status, reason, detail = refusal(again)
    assert (status, reason) == (410, "link_used") and "already signed" in detail
    thanks = await client.get("/api/link", headers=bearer(link_token))
    assert thanks.status_code == 200 and thanks.json()["status"] == "completed"
    status, reason, _ = refusal(await client.post("/api/link/decline", headers=bearer(token), json={}))
    assert (status, reason) == (410, "link_used")


async def test_a_link_cannot_touch_another_assessment(client: AsyncTestClient, world: World, smtp: MailServer) -> None:
    trainee = await login(client, world, "trainee")
    other = await create_mini_cex(client, trainee, assessor_id=world.id("assessor"))
    request, link_token = await _request(client, world, smtp)
    token = await claimed_secret(client, link_token)
    for m in (mutation(1, "edit", other["doc_id"], base_version=1, fields={"/focus": "x"}),
              mutation(1, "create", new_id(), form_id="mini-cex", form_version=1, data={}, meta={}),
              mutation(1, "delete", request["assessment_id"])):
        status, reason, detail = refusal(await link_sync(client, token, [m]))
        assert (status, reason) == (403, "link_scope"), detail
    assert "one assessment only" in refusal(await link_sync(client, token, [
        mutation(1, "edit", other["doc_id"], base_version=1, fields={"/focus": "x"})]))[2]
    pulled = (await link_sync(client, token, [])).json()["changes"]
    assert [c["doc_id"] for c in pulled] == [request["assessment_id"]]
    # and the token is no session: the account API stays closed
    assert (await client.get(f"/api/assessments/{other['doc_id']}", headers=bearer(token))).status_code == 401


async def test_a_guessed_token_is_refused_and_guessing_trips_the_rate_limit(
    client: AsyncTestClient, world: World, smtp: MailServer
) -> None:
    _request_row, real = await _request(client, world, smtp)
    status, reason, detail = refusal(await client.get("/api/link", headers=bearer(secrets.token_urlsafe(32))))
    assert (status, reason) == (404, "link_unknown") and "whole link" in detail
    for _ in range(MAX_GUESSES - 1):
        assert (await link_sync(client, secrets.token_urlsafe(32), [])).status_code == 404
    limited = await client.get("/api/link", headers=bearer(secrets.token_urlsafe(32)))
    assert limited.status_code == 429 and "Retry-After" in limited.headers
    # others' guessing from the same address never blocks a genuine link
    assert (await client.get("/api/link", headers=bearer(real))).status_code == 200


async def test_no_token_and_a_malformed_header_are_refused(client: AsyncTestClient, world: World, smtp: MailServer) -> None:
    await _request(client, world, smtp)
    assert refusal(await client.get("/api/link"))[:2] == (401, "link_missing")
    assert (await client.get("/api/link", headers={"Authorization": "Basic abc"})).status_code == 401

"""Issue 8, item 1: holding the QR code is not being the assessor. A request link is claimed by the
first device that opens it (its own secret from then on; the shown token no longer writes; a second
claim is refused and the holder is told), signing needs the assessor's name, title, workplace and
e-mail, a receipt with a one-tap "not me" follows every link signature, and no path lets the trainee's
own login act as the assessor of her own assessment. What a second device typed is never lost."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

import tests.requests_support as support
from tests.helpers import MINI_CEX_COMPLETE, in_app
from tests.mail_support import MailServer, body
from tests.requests_support import (
    ME,
    bearer,
    claim,
    claimed_secret,
    device_key,
    link_sync,
    mailed_link,
    mutation,
    token_of,
)
from tests.world import PASSWORD, World, login
from server.privacy.ids import new_id

settings, smtp = support.settings, support.smtp  # fixtures: real SMTP, no demo mode
FILL = {f"/{k}": v for k, v in MINI_CEX_COMPLETE.items()}


async def bedside_request(client: AsyncTestClient, world: World) -> tuple[dict[str, Any], str]:
    """The trainee's QR request; returns it and the token the QR code shows (the trainee's session ends)."""
    headers = await login(client, world, "trainee")
    response = await client.post("/api/requests", headers=headers, json={"form_id": "mini-cex", "channel": "bedside"})
    assert response.status_code == 201, response.text
    request = response.json()
    client.cookies.clear()
    return request, token_of(request["link"])


def refusal(response: Any) -> tuple[int, str]:
    return response.status_code, response.json().get("reason")


async def test_the_shown_token_never_answers_and_only_the_first_device_holds_the_request(
    client: AsyncTestClient, world: World
) -> None:
    request, shown = await bedside_request(client, world)
    doc = request["assessment_id"]
    edit = [mutation(1, "edit", doc, base_version=1, fields={"/focus": "Buksmärta"})]
    assert refusal(await link_sync(client, shown, edit)) == (403, "claim_first")

    key = device_key()
    first = await claim(client, shown, key)
    assert first.status_code == 200 and first.json()["kind"] == "device"
    secret = first.json()["secret"]
    assert secret != shown and (await claim(client, shown, key)).json()["secret"] == secret  # a retry is harmless

    second = await claim(client, shown, device_key(), name="Någon Annan")
    assert refusal(second) == (409, "link_claimed") and "another device" in second.json()["detail"]
    assert refusal(await link_sync(client, shown, edit)) == (409, "link_claimed")  # the QR no longer writes
    assert refusal(await client.post("/api/link/assessor", headers=bearer(shown), json={"name": "X"}))[0] == 409

    held = (await client.get("/api/link", headers=bearer(secret))).json()
    assert held["held_here"] and held["claim_refusals"] == 1 and held["last_claim_refused_at"]
    assert (await link_sync(client, secret, edit)).json()["results"][0]["status"] == "applied"


async def test_the_trainees_own_login_never_acts_as_her_assessor(client: AsyncTestClient, world: World) -> None:
    request, shown = await bedside_request(client, world)
    headers = await login(client, world, "trainee")  # her phone shows the QR code and is logged in
    for response in (await client.get("/api/link", headers=bearer(shown)),
                     await client.post("/api/link/claim", headers={**headers, **bearer(shown)},
                                       json={"device_key": device_key(), **ME})):
        assert refusal(response) == (403, "own_request")
    client.cookies.clear()
    secret = await claimed_secret(client, shown)
    await login(client, world, "trainee")
    assert refusal(await link_sync(client, secret, [])) == (403, "own_request")

    own = await client.post("/api/assessments", headers=headers, json={
        "form_id": "mini-cex", "assessor_name": "Tove", "assessor_email": world.emails["trainee"]})
    assert refusal(own) == (403, "own_assessment")
    asked = await client.post("/api/requests", headers=headers, json={
        "form_id": "mini-cex", "assessor_name": "Tove", "assessor_email": world.emails["trainee"].upper()})
    assert refusal(asked) == (403, "own_assessment")
    assert (await claim(client, shown, device_key(), **(ME | {"email": world.emails["trainee"]}))).status_code in (403, 409)


async def test_a_trainee_who_also_assesses_cannot_name_herself(client: AsyncTestClient, world: World) -> None:
    headers = await login(client, world, "admin")
    made = await client.post("/api/admin/users", headers=headers, json={
        "email": "st@test.bedside.se", "name": "Stina ST", "roles": ["trainee", "assessor"], "password": "a long password"})
    assert made.status_code in (200, 201), made.text
    response = await client.post("/api/auth/login", json={"email": "st@test.bedside.se", "password": "a long password"})
    st = {"X-CSRF-Token": response.json()["csrf_token"]}
    own = await client.post("/api/sync", headers=st, json={"client_id": "stina-phone", "since": 0, "mutations": [
        mutation(1, "create", new_id(), form_id="mini-cex", form_version=1, data={},
                 meta={"assessor_id": made.json()["id"]})]})
    assert own.json()["results"][0]["reason"] == "own_assessment"


async def test_signing_needs_name_title_workplace_and_email_then_a_receipt_can_dispute_it(
    client: AsyncTestClient, world: World, smtp: MailServer
) -> None:
    request, shown = await bedside_request(client, world)
    doc = request["assessment_id"]
    secret = await claimed_secret(client, shown, name="Erik Ek")
    answer = await link_sync(client, secret, [mutation(1, "edit", doc, base_version=1, fields=FILL),
                                              mutation(2, "submit", doc), mutation(3, "sign", doc)])
    results = answer.json()["results"]
    assert [r["status"] for r in results] == ["applied", "applied", "rejected"]
    assert results[2]["reason"] == "assessor_details_missing" and "e-mail" in results[2]["message"]

    named = await client.post("/api/link/assessor", headers=bearer(secret), json=ME)
    assert named.json()["missing_for_signature"] == []
    signed = await link_sync(client, secret, [mutation(4, "sign", doc)], since=answer.json()["checkpoint"])
    assert signed.json()["results"][0]["status"] == "applied"

    receipt = await mailed_link(smtp, ME["email"], "Kvitto")
    (mail,) = smtp.to(ME["email"])
    assert "Du signerade en Mini-CEX för Tove Trainee" in body(mail) and "#/inte-jag/" in receipt
    token = token_of(receipt)
    shown_receipt = (await client.get("/api/receipt", headers=bearer(token))).json()
    assert shown_receipt["disputed_at"] is None and shown_receipt["trainee_name"] == "Tove Trainee"

    await login(client, world, "main_supervisor")
    view = (await client.get(f"/api/assessments/{doc}")).json()
    assert view["signature"]["method"] == "link" and view["signature"]["email"] == ME["email"]
    assert view["signature"]["name"] == ME["name"] and view["signature"]["disputed_at"] is None

    client.cookies.clear()
    disputed = await client.post("/api/receipt/dispute", headers=bearer(token))
    assert disputed.status_code == 200 and disputed.json()["disputed_at"]
    await login(client, world, "main_supervisor")
    view = (await client.get(f"/api/assessments/{doc}")).json()
    assert view["signature"]["disputed_at"] == disputed.json()["disputed_at"]
    audit = (await client.get(f"/api/assessments/{doc}/audit")).json()
    assert audit[-1]["action"] == "signature_disputed"
    told = await smtp.first_to(world.emails["main_supervisor"])
    assert "Ifrågasatt signatur" in told["Subject"] and ME["email"] in body(told)
    assert (await client.post("/api/receipt/dispute", headers=bearer("x" * 43))).status_code == 404


async def test_a_colleague_logged_in_claims_with_her_account_and_signs_as_herself(
    client: AsyncTestClient, world: World
) -> None:
    request, shown = await bedside_request(client, world)
    doc = request["assessment_id"]
    headers = await login(client, world, "assessor")
    claimed = await client.post("/api/link/claim", headers={**headers, **bearer(shown)}, json={})
    assert claimed.status_code == 200 and claimed.json()["kind"] == "account" and claimed.json()["secret"] is None
    edited = await client.patch(f"/api/assessments/{doc}", headers=headers, json={"base_version": 1,
                                                                                    "data": MINI_CEX_COMPLETE})
    assert edited.status_code == 200, edited.text
    for step in ("submit", "sign"):
        assert (await client.post(f"/api/assessments/{doc}/{step}", headers=headers)).status_code == 200
    view = (await client.get(f"/api/assessments/{doc}")).json()
    assert view["assessor_id"] == world.id("assessor") and view["signature"] == {
        "method": "account", "name": "Asta Assessor", "title": None, "workplace": None, "email": None,
        "invited_email": None, "claimed_at": None, "disputed_at": None}
    client.cookies.clear()
    assert refusal(await claim(client, shown, device_key())) == (410, "link_used")


async def test_what_a_second_device_typed_is_kept_and_shown_to_the_supervisors(
    client: AsyncTestClient, world: World
) -> None:
    request, shown = await bedside_request(client, world)
    doc = request["assessment_id"]
    await claimed_secret(client, shown)
    late = device_key()  # a phone that filled the form offline and claims at its first sync
    assert refusal(await claim(client, shown, late, name="Maja Sjöberg")) == (409, "link_claimed")
    kept = await client.post("/api/link/displaced", headers=bearer(shown), json={
        "device_key": late, "data": {"focus": "Andnöd", "strengths": "Lugn"}, "steps": ["submit", "sign"],
        "name": "Maja Sjöberg", "title": "Ssk", "workplace": "Akuten", "email": "maja@sjukhus.test"})
    assert kept.status_code == 200, kept.text
    again = await client.post("/api/link/displaced", headers=bearer(shown), json={
        "device_key": late, "data": {"focus": "Andnöd", "strengths": "Lugn och trygg"}, "steps": ["submit", "sign"]})
    assert again.status_code == 200  # a resend replaces its earlier copy

    await login(client, world, "clinical_supervisor")
    (other,) = (await client.get(f"/api/assessments/{doc}")).json()["other_answers"]
    assert other["data"] == {"focus": "Andnöd", "strengths": "Lugn och trygg"} and other["steps"] == ["submit", "sign"]
    await login(client, world, "trainee")
    assert (await client.get(f"/api/assessments/{doc}")).json()["other_answers"] == []
    rows = await in_app(client, client.app.state.db.fetch, "SELECT count(*) AS n FROM displaced_answers")
    assert rows[0]["n"] == 1


async def test_only_a_device_refused_a_claim_hands_in_another_answer_and_at_most_five(
    client: AsyncTestClient, world: World
) -> None:
    _request, shown = await bedside_request(client, world)
    await claimed_secret(client, shown)
    body = {"data": {"focus": "Planterat"}, "steps": []}
    stranger = await client.post("/api/link/displaced", headers=bearer(shown), json={"device_key": device_key(), **body})
    assert refusal(stranger) == (409, "claim_first")  # holding the shown link is not enough
    for n in range(6):
        key = device_key()
        assert refusal(await claim(client, shown, key)) == (409, "link_claimed")
        kept = await client.post("/api/link/displaced", headers=bearer(shown), json={"device_key": key, **body})
        assert (kept.status_code, kept.json().get("reason")) == ((200, None) if n < 5 else (409, "displaced_limit"))
    nested = await client.post("/api/link/displaced", headers=bearer(shown), json={
        "device_key": device_key(), "data": {"x": {"password": "19121212-1212"}}})
    assert refusal(nested) == (400, "identity_number")  # a key named password is guarded below the top


async def test_a_device_that_claims_an_invited_colleagues_link_signs_in_its_own_name(
    client: AsyncTestClient, world: World, smtp: MailServer
) -> None:
    headers = await login(client, world, "trainee")
    request = await support.ask(client, headers, assessor_name="Asta", assessor_email=world.emails["assessor"])
    doc = request["assessment_id"]
    client.cookies.clear()  # the link was forwarded to someone else's phone
    secret = await claimed_secret(client, token_of(await mailed_link(smtp, world.emails["assessor"])),
                                  **(ME | {"name": "Jonas Junior", "email": "jonas@sjukhus.test"}))
    answer = await link_sync(client, secret, [mutation(1, "edit", doc, base_version=1, fields=FILL),
                                              mutation(2, "submit", doc), mutation(3, "sign", doc)])
    assert [r["status"] for r in answer.json()["results"]] == ["applied"] * 3, answer.text
    await login(client, world, "main_supervisor")
    view = (await client.get(f"/api/assessments/{doc}")).json()
    assert view["assessor_id"] is None and view["signature"]["name"] == "Jonas Junior"
    assert view["signature"]["invited_email"] == world.emails["assessor"]
    assert {m["To"] for m in smtp.messages if "Kvitto" in m["Subject"]} <= {"jonas@sjukhus.test", world.emails["assessor"]}


async def test_an_account_that_cannot_assess_does_not_claim_and_a_device_key_holds_one_request(
    client: AsyncTestClient, world: World
) -> None:
    _request, shown = await bedside_request(client, world)
    colleague = await login(client, world, "other_trainee")
    refused = await client.post("/api/link/claim", headers={**colleague, **bearer(shown)}, json={})
    assert refusal(refused) == (403, "not_an_assessor")
    client.cookies.clear()
    key = device_key()
    assert (await claim(client, shown, key)).status_code == 200
    _second, other = await bedside_request(client, world)
    assert refusal(await claim(client, other, key)) == (409, "device_key_in_use")


async def test_the_trainees_own_phone_logged_out_still_cannot_answer(client: AsyncTestClient, world: World) -> None:
    _request, shown = await bedside_request(client, world)
    logged_in = await client.post("/api/auth/login", json={"email": world.emails["trainee"], "password": PASSWORD})
    device = logged_in.cookies.get("bedside_device")  # kept by her phone when she logs in there
    assert device
    await client.post("/api/auth/logout", headers={"X-CSRF-Token": logged_in.json()["csrf_token"]})
    client.cookies.clear()
    client.cookies.set("bedside_device", device, domain=client.base_url.host)
    assert refusal(await claim(client, shown, device_key())) == (403, "own_request")


async def test_hammering_the_shown_link_never_blocks_the_device_that_answers(
    client: AsyncTestClient, world: World, monkeypatch: Any
) -> None:
    import server.requests.links as links

    _request, shown = await bedside_request(client, world)
    secret = await claimed_secret(client, shown)
    monkeypatch.setattr(links, "MAX_USES", 3)
    statuses = [(await client.get("/api/link", headers=bearer(shown))).status_code for _ in range(5)]
    assert statuses[-1] == 429
    assert (await link_sync(client, secret, [])).status_code == 200


async def test_a_dispute_works_whatever_length_of_address_the_signer_gave(
    client: AsyncTestClient, world: World, smtp: MailServer
) -> None:
    request, shown = await bedside_request(client, world)
    doc = request["assessment_id"]
    long_email = "a" * 60 + "@" + "b" * 240 + ".se"
    secret = await claimed_secret(client, shown, **(ME | {"email": long_email}))
    await link_sync(client, secret, [mutation(1, "edit", doc, base_version=1, fields=FILL),
                                     mutation(2, "submit", doc), mutation(3, "sign", doc)])
    token = token_of(await mailed_link(smtp, long_email, "Kvitto"))
    assert (await client.post("/api/receipt/dispute", headers=bearer(token))).status_code == 200

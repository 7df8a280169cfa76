"""Issue 15: an invitation and "Glömt lösenord" are one mechanism, a single-use, expiring link that sets a
password (its nonce stored, never the token). The reset answer never says whether an address has an
account; a guessed, used, replaced or expired link is refused with its reason; a new password ends every
session. On both databases."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from server import clock
from server.auth.capability import make_token
from tests.helpers import in_app
from tests.world import PASSWORD, World, login

NEW_PASSWORD = "ett-bra-lösenord-2026"


async def mails_to(client: AsyncTestClient, email: str) -> list[dict[str, Any]]:
    return await in_app(client, client.app.state.db.fetch,
                        "SELECT kind, subject, body, link_purpose, link_nonce FROM mail_outbox WHERE to_address = ? ORDER BY id",
                        (email,))


def token_in(mail: dict[str, Any], client: AsyncTestClient) -> str:
    """The token the sent mail's {link} becomes (the outbox keeps only its nonce)."""
    assert mail["link_purpose"] == "password" and "{link}" in mail["body"]
    return make_token(client.app.state.settings.secret_key, "password", mail["link_nonce"])


@pytest.fixture
def later(monkeypatch: pytest.MonkeyPatch) -> Any:
    start = clock.now()

    def move(**delta: float) -> None:
        monkeypatch.setattr(clock, "now", lambda: start + dt.timedelta(**delta))
    return move


async def test_a_reset_never_says_whether_an_account_exists(client: AsyncTestClient, world: World) -> None:
    client.cookies.clear()
    known = await client.post("/api/auth/password-reset", json={"email": world.emails["trainee"].upper()})
    unknown = await client.post("/api/auth/password-reset", json={"email": "ingen.alls@test.bedside.se"})
    assert (known.status_code, unknown.status_code) == (202, 202) and known.json() == unknown.json()
    assert len(await mails_to(client, world.emails["trainee"])) == 1
    assert await mails_to(client, "ingen.alls@test.bedside.se") == []
    # the nonce is stored, never the token; the mail body holds the placeholder until it is sent
    (mail,) = await mails_to(client, world.emails["trainee"])
    token = token_in(mail, client)
    stored = await in_app(client, client.app.state.db.fetch, "SELECT * FROM password_links")
    assert token not in repr(stored) and token not in mail["body"]


async def test_the_link_sets_the_password_once_and_ends_every_session(client: AsyncTestClient, world: World) -> None:
    await login(client, world, "trainee")  # a session on another device
    old_cookie = dict(client.cookies)
    client.cookies.clear()
    assert (await client.post("/api/auth/password-reset", json={"email": world.emails["trainee"]})).status_code == 202
    (mail,) = await mails_to(client, world.emails["trainee"])
    token = token_in(mail, client)
    info = await client.post("/api/auth/password-link", json={"token": token})
    assert info.status_code == 200 and info.json()["email"] == world.emails["trainee"] and info.json()["purpose"] == "reset"
    weak = await client.post("/api/auth/password", json={"token": token, "password": "kort"})
    assert weak.status_code == 400 and weak.json()["reason"] == "password_too_short"
    simple = await client.post("/api/auth/password", json={"token": token, "password": "a" * 12})
    assert simple.status_code == 400 and simple.json()["reason"] == "password_too_simple"
    done = await client.post("/api/auth/password", json={"token": token, "password": NEW_PASSWORD})
    assert done.status_code == 200 and done.json() == {"email": world.emails["trainee"]}
    again = await client.post("/api/auth/password", json={"token": token, "password": NEW_PASSWORD + "x"})
    assert again.status_code == 409 and again.json()["reason"] == "password_link_used"
    # the old session is gone; the new password logs in, the old one does not
    client.cookies.update(old_cookie)
    assert (await client.get("/api/auth/session")).status_code == 401
    client.cookies.clear()
    assert (await client.post("/api/auth/login", json={"email": world.emails["trainee"], "password": NEW_PASSWORD})).status_code == 200


async def test_guessed_altered_replaced_and_expired_links_are_refused(client: AsyncTestClient, world: World,
                                                                      later: Any) -> None:
    client.cookies.clear()
    for guess in ("x" * 43, "A" * 43, "kort", make_token("another-servers-key", "password", "00" * 16)):
        refused = await client.post("/api/auth/password", json={"token": guess, "password": NEW_PASSWORD})
        assert refused.status_code == 404 and refused.json()["reason"] == "password_link_unknown", guess
    email = world.emails["assessor"]
    for _ in range(2):
        assert (await client.post("/api/auth/password-reset", json={"email": email})).status_code == 202
    first, second = (token_in(m, client) for m in await mails_to(client, email))
    replaced = await client.post("/api/auth/password-link", json={"token": first})
    assert replaced.status_code == 409 and replaced.json()["reason"] == "password_link_used"
    # a request link's token is not a password link, though this server made it
    other_purpose = make_token(client.app.state.settings.secret_key, "request-link", "ab" * 16)
    assert (await client.post("/api/auth/password-link", json={"token": other_purpose})).json()["reason"] == "password_link_unknown"
    later(hours=2, minutes=1)
    expired = await client.post("/api/auth/password", json={"token": second, "password": NEW_PASSWORD})
    assert expired.status_code == 409 and expired.json()["reason"] == "password_link_expired"


async def test_resets_are_limited_per_address_without_saying_more(client: AsyncTestClient, world: World) -> None:
    client.cookies.clear()
    answers = [await client.post("/api/auth/password-reset", json={"email": world.emails["studierektor"]}) for _ in range(4)]
    assert [a.status_code for a in answers] == [202, 202, 202, 429]
    assert len(await mails_to(client, world.emails["studierektor"])) == 3


async def test_an_admin_invites_and_the_invitation_is_logged(client: AsyncTestClient, world: World) -> None:
    admin = await login(client, world, "admin")
    made = await client.post("/api/admin/users", headers=admin, json={
        "email": "ny.handledare@test.bedside.se", "name": "Nina Ny", "roles": ["clinical_supervisor", "assessor"]})
    assert made.status_code == 201, made.text
    user_id = made.json()["id"]
    invited = await client.post(f"/api/admin/users/{user_id}/invite", headers=admin)
    assert invited.status_code == 202
    assert clock.parse(invited.json()["expires_at"]) - clock.now() > dt.timedelta(days=6)
    (mail,) = await mails_to(client, "ny.handledare@test.bedside.se")
    assert mail["kind"] == "password_invite" and "Välkommen" in mail["subject"] and re.search(r"gäller till \d{4}-", mail["body"])
    logged = await in_app(client, client.app.state.db.fetch, "SELECT actor_id, action, subject_user_id FROM admin_events")
    assert [(r["actor_id"], r["action"], r["subject_user_id"]) for r in logged] == [
        (world.id("admin"), "create_user", user_id), (world.id("admin"), "invite", user_id)]
    client.cookies.clear()
    token = token_in(mail, client)
    assert (await client.post("/api/auth/password-link", json={"token": token})).json()["purpose"] == "invite"
    assert (await client.post("/api/auth/password", json={"token": token, "password": NEW_PASSWORD})).status_code == 200
    assert (await client.post("/api/auth/login", json={"email": "ny.handledare@test.bedside.se",
                                                       "password": NEW_PASSWORD})).status_code == 200
    for who in ("trainee", "studierektor"):
        headers = await login(client, world, who)
        assert (await client.post(f"/api/admin/users/{user_id}/invite", headers=headers)).status_code == 403, who
    admin = await login(client, world, "admin")
    assert (await client.post("/api/admin/users/999999/invite", headers=admin)).status_code == 404


async def test_deactivating_keeps_her_signatures_ends_her_access_and_frees_her_placements(
        client: AsyncTestClient, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests import test_overview_flags as overview

    monkeypatch.setattr(clock, "now", lambda: dt.datetime(2026, 3, 20, 9, tzinfo=dt.UTC))  # inside the placement
    signed = await overview.signed_mini_cex(client, world, "2026-03-01")
    karin = await login(client, world, "clinical_supervisor")
    karins_cookie = dict(client.cookies)
    assert (await client.post("/api/auth/password-reset", json={"email": world.emails["clinical_supervisor"]})).status_code == 202
    (mail,) = await mails_to(client, world.emails["clinical_supervisor"])
    admin = await login(client, world, "admin")
    own = await client.post(f"/api/admin/users/{world.id('admin')}/deactivate", headers=admin)
    assert own.status_code == 409 and own.json()["reason"] == "own_account"
    closed = await client.post(f"/api/admin/users/{world.id('clinical_supervisor')}/deactivate", headers=admin)
    assert closed.status_code == 200 and closed.json() == {"placements_freed": 1, "programmes_freed": 0}
    # no session, no link, no login, no new link
    client.cookies.clear()
    client.cookies.update(karins_cookie)
    assert (await client.get("/api/auth/session")).status_code == 401 and karin
    client.cookies.clear()
    spent = await client.post("/api/auth/password", json={"token": token_in(mail, client), "password": NEW_PASSWORD})
    assert spent.status_code in (404, 409)
    assert (await client.post("/api/auth/login", json={"email": world.emails["clinical_supervisor"],
                                                       "password": PASSWORD})).status_code == 401
    assert (await client.post("/api/auth/password-reset", json={"email": world.emails["clinical_supervisor"]})).status_code == 202
    assert len(await mails_to(client, world.emails["clinical_supervisor"])) == 1  # nothing new for a closed account
    # the placement is free for a new supervisor; what she signed stays, with her name
    await login(client, world, "trainee")
    page = (await client.get(f"/api/trainees/{world.id('trainee')}")).json()
    assert page["trainee"]["placements"][0]["clinical_supervisor_id"] is None
    doc = (await client.get(f"/api/assessments/{signed}")).json()
    assert doc["status"] == "signed" and doc["signature"]["name"] == world.names["assessor"]
    admin = await login(client, world, "admin")
    events = (await client.get("/api/admin/events", headers=admin)).json()
    assert [(e["action"], e["subject_name"], e["actor_name"]) for e in events][:1] == \
        [("deactivate", world.names["clinical_supervisor"], world.names["admin"])]
    assert events[0]["detail"]["placements_freed"] == 1
    reopened = await client.post(f"/api/admin/users/{world.id('clinical_supervisor')}/activate", headers=admin)
    assert reopened.status_code == 200
    assert (await client.post(f"/api/admin/users/{world.id('clinical_supervisor')}/invite", headers=admin)).status_code == 202
    for who in ("trainee", "studierektor"):
        headers = await login(client, world, who)
        assert (await client.get("/api/admin/events", headers=headers)).status_code == 403, who
        assert (await client.post(f"/api/admin/users/{world.id('assessor')}/deactivate", headers=headers)).status_code == 403


async def test_every_admin_change_is_an_event_with_who_and_what(client: AsyncTestClient, world: World) -> None:
    admin = await login(client, world, "admin")
    unit = (await client.post("/api/admin/units", headers=admin, json={"name": "Ortopedkliniken"})).json()["id"]
    programme = (await client.post("/api/admin/programmes", headers=admin, json={
        "trainee_id": world.id("other_trainee"), "kind": "ST", "unit_id": unit, "start_date": "2027-01-01"})).json()["id"]
    assert (await client.post("/api/admin/placements", headers=admin, json={
        "programme_id": programme, "unit_id": unit, "specialty": "Ortopedi", "start_date": "2027-01-01",
        "end_date": "2027-06-30"})).status_code == 201
    assert (await client.put(f"/api/units/{unit}/rules", headers=admin, json={"min_signed_by_midpoint": 4})).status_code == 200
    sara = await login(client, world, "studierektor")
    assert (await client.put(f"/api/units/{world.units['own']}/round-rules", headers=sara,
                             json={"trainee_may_open": True})).status_code == 200
    admin = await login(client, world, "admin")
    events = (await client.get("/api/admin/events", headers=admin)).json()
    assert [(e["action"], e["actor_name"]) for e in events][::-1] == [
        ("create_unit", world.names["admin"]), ("create_programme", world.names["admin"]),
        ("create_placement", world.names["admin"]), ("unit_settings", world.names["admin"]),
        ("unit_settings", world.names["studierektor"])]
    assert events[0]["detail"] == {"unit_id": world.units["own"], "values": {"rounds.trainee_may_open": True}}

"""Who may do what: every endpoint × role × own/other record, in one table.

"own" records belong to the people around ``trainee`` (their assessor, clinical supervisor, HHL,
studierektor); "other" records belong to ``other_trainee``, so for the same people they are someone
else's. An admin administers but never reads assessment content.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from server import clock

from server.people.repository import create_user
from tests.helpers import MINI_CEX_CONTEXT, fill_assessors_part, in_app
from tests.test_action_plans import HHL_PART as PLAN_HHL_PART
from tests.test_handledning_log import MEETING
from tests.test_lifecycle import SLUTBEDOMNING
from tests.world import World, login

ROLES = ("trainee", "assessor", "clinical_supervisor", "main_supervisor", "studierektor", "admin")
N = 404  # not visible at all

# endpoint -> (state of the record it acts on, expected status per role on an own record)
OWN: dict[str, tuple[str, tuple[int, ...]]] = {
    "read":        ("draft",        (200, 200, 200, 200, 200, N)),
    "audit":       ("draft",        (200, 200, 200, 200, 200, N)),
    "edit":        ("draft",        (200, 200, 403, 403, 403, N)),
    "submit":      ("complete",     (200, 200, 403, 403, 403, N)),
    "delete":      ("draft",        (200, 200, 403, 403, 403, N)),
    "return":      ("submitted",    (403, 200, 403, 403, 403, N)),
    "sign":        ("submitted",    (403, 200, 403, 403, 403, N)),
    "acknowledge": ("signed",       (200, 403, 403, 403, 403, N)),
    "amend":       ("signed",       (201, 201, 403, 403, 403, N)),
    "countersign": ("slutbedomning", (403, N, 403, 200, 403, N)),
    "create":      ("none",         (201, 201, 201, 201, 403, 403)),
    "listed":      ("draft",        (200, 200, 200, 200, 200, N)),
    "overview":    ("none",         (200, N, 200, 200, 200, N)),
    "home":        ("none",         (200, 200, 200, 200, 200, 200)),
    "trainee_page": ("none",        (200, N, 200, 200, 200, N)),
    "home_lists":  ("none",         (200, N, 200, 200, 200, N)),
    "unit_table":  ("none",         (403, 403, 403, 403, 200, 403)),
    "unit_csv":    ("none",         (403, 403, 403, 403, 200, 403)),
    "unit_rules":  ("none",         (403, 403, 403, 403, 200, 200)),
    "change_rules": ("none",        (403, 403, 403, 403, 200, 200)),
    "unit_forms":  ("none",         (403, 403, 403, 403, 200, 200)),
    "change_unit_forms": ("none",   (403, 403, 403, 403, 200, 200)),
    "admin":       ("none",         (403, 403, 403, 403, 403, 200)),
    # FHIR: a QuestionnaireResponse is read exactly as its assessment ("read"); a Questionnaire is as
    # public as the catalog
    "fhir_response": ("draft",      (200, 200, 200, 200, 200, N)),
    "fhir_questionnaire": ("none",  (200, 200, 200, 200, 200, 200)),
    # a private handledningssamtal (issue 13): read by its trainee and the supervisor who took part,
    # by nobody else through any channel; every supervisor of hers sees that the meeting took place
    "private_read":    ("private_with_hhl", (200, N, N, 200, N, N)),
    "private_audit":   ("private_with_hhl", (200, N, N, 200, N, N)),
    "private_fhir":    ("private_with_hhl", (200, N, N, 200, N, N)),
    "private_listed":  ("private_with_hhl", (200, N, N, 200, N, N)),
    "private_pulled":  ("private_with_hhl", (200, N, N, 200, N, N)),
    "private_read_ks": ("private_with_ks",  (200, N, 200, N, N, N)),
    "private_edit_ks": ("private_with_ks",  (403, N, 200, N, N, N)),  # her comment; the notes are the trainee's
    "meeting_seen":    ("private_with_hhl_submitted", (200, N, 200, 200, 200, N)),
    # a handlingsplan (issue 13): the trainee, her HHL and studierektor read it all; the clinical
    # supervisor of her current placement reads part of it (no audit trail, which holds every value)
    "plan_read":       ("plan", (200, N, 200, 200, 200, N)),
    "plan_audit":      ("plan", (200, N, N, 200, 200, N)),
    "plan_listed":     ("plan", (200, N, 200, 200, 200, N)),
    "plan_whole":      ("plan", (200, N, N, 200, 200, N)),
    # the PDFs (issue 14): one assessment exactly as it is read; the portfolio and its certificate
    # drafts by the trainee, her HHL and studierektor; everyone's own data export; an admin's for anyone
    "pdf":             ("signed", (200, 200, 200, 200, 200, N)),
    "private_pdf":     ("private_with_hhl", (200, N, N, 200, N, N)),
    "plan_pdf":        ("plan", (200, N, 200, 200, 200, N)),
    "certificates":    ("none", (200, N, 403, 200, 200, N)),
    "my_export":       ("none", (200, 200, 200, 200, 200, 200)),
    "admin_export":    ("none", (403, 403, 403, 403, 403, 200)),
    # issue 15: only an admin invites someone to set a password
    "invite":          ("none", (403, 403, 403, 403, 403, 202)),
    "deactivate":      ("none", (403, 403, 403, 403, 403, 200)),
    "admin_events":    ("none", (403, 403, 403, 403, 403, 200)),
    # every other admin endpoint: an admin's only (issue 15)
    "admin_units":     ("none", (403, 403, 403, 403, 403, 200)),
    "admin_add_user":  ("none", (403, 403, 403, 403, 403, 201)),
    "admin_add_unit":  ("none", (403, 403, 403, 403, 403, 201)),
    "admin_add_programme": ("none", (403, 403, 403, 403, 403, 201)),
    "admin_add_placement": ("none", (403, 403, 403, 403, 403, 201)),
    "admin_import":    ("none", (403, 403, 403, 403, 403, 200)),
    "admin_activate":  ("none", (403, 403, 403, 403, 403, 200)),
}
#: endpoints above that act as another one does, on a different record
SAME_AS = {"private_read": "read", "private_audit": "audit", "private_fhir": "fhir_response",
           "private_listed": "listed", "private_read_ks": "read", "plan_read": "read", "plan_audit": "audit",
           "plan_listed": "listed", "private_pdf": "pdf", "plan_pdf": "pdf"}
#: the admin endpoints the matrix calls through ``_admin_action`` (each with data of its own)
ADMIN_ACTIONS = ("admin_units", "admin_add_user", "admin_add_unit", "admin_add_programme", "admin_add_placement",
                       "admin_import", "admin_activate")
# The same people acting on someone else's record: invisible, except that any colleague with an
# assessing role may start an assessment of any trainee (the bedside colleague), and admin stays admin.
OTHER: dict[str, tuple[int, ...]] = {
    name: (N,) * 6 for name in OWN
} | {
    "create": (403, 201, 201, 201, 403, 403),
    "admin": OWN["admin"][1],
    "fhir_questionnaire": OWN["fhir_questionnaire"][1],
    "home": OWN["home"][1],
    "my_export": OWN["my_export"][1],
    "admin_export": OWN["admin_export"][1],
    "invite": OWN["invite"][1],
    "deactivate": OWN["deactivate"][1],
    "admin_events": OWN["admin_events"][1],
    **{name: OWN[name][1] for name in ADMIN_ACTIONS},
    # asking for another unit's table is refused; the rules of another unit are the admin's only
    "unit_table": (403, 403, 403, 403, 403, 403),
    "unit_csv": (403, 403, 403, 403, 403, 403),
    "unit_rules": (403, 403, 403, 403, 403, 200),
    "change_rules": (403, 403, 403, 403, 403, 200),
    "unit_forms": (403, 403, 403, 403, 403, 200),
    "change_unit_forms": (403, 403, 403, 403, 403, 200),
}


async def _make_record(client: AsyncTestClient, world: World, side: str, state: str) -> dict[str, Any] | None:
    prefix = "" if side == "own" else "other_"
    if state == "none":
        return None
    if state.startswith("private_with_"):
        trainee = await login(client, world, f"{prefix}trainee")
        supervisor = "main_supervisor" if state.startswith("private_with_hhl") else "clinical_supervisor"
        r = await client.post("/api/assessments", headers=trainee, json={
            "form_id": "handledningssamtal", "assessor_id": world.id(f"{prefix}{supervisor}"),
            "observed_on": "2026-03-10", "private": True, "data": MEETING})
        assert r.status_code == 201, r.text
        if state.endswith("_submitted"):  # documented: the rhythm and the log count it
            assert (await client.post(f"/api/assessments/{r.json()['doc_id']}/submit", headers=trainee)).status_code == 200
        return r.json()  # type: ignore[no-any-return]
    if state == "plan":
        hhl = await login(client, world, f"{prefix}main_supervisor")
        r = await client.post("/api/assessments", headers=hhl, json={
            "form_id": "handlingsplan", "trainee_id": world.id(f"{prefix}trainee"), "data": PLAN_HHL_PART})
        assert r.status_code == 201, r.text
        return r.json()  # type: ignore[no-any-return]
    if state == "slutbedomning":
        ks = await login(client, world, f"{prefix}clinical_supervisor")
        doc = (await client.post("/api/assessments", headers=ks, json={
            "form_id": "slutbedomning-bt", "trainee_id": world.id(f"{prefix}trainee"),
            "placement_id": world.placements[f"{prefix}placement"], "data": SLUTBEDOMNING})).json()
        for step in ("submit", "sign"):
            assert (await client.post(f"/api/assessments/{doc['doc_id']}/{step}", headers=ks)).status_code == 200
        trainee = await login(client, world, f"{prefix}trainee")
        r = await client.post(f"/api/assessments/{doc['doc_id']}/acknowledge", headers=trainee, json={})
        assert r.status_code == 200, r.text
        return doc
    trainee = await login(client, world, f"{prefix}trainee")
    data = MINI_CEX_CONTEXT if state != "draft" else {"focus": "Yrsel"}
    r = await client.post("/api/assessments", headers=trainee, json={
        "form_id": "mini-cex", "assessor_id": world.id(f"{prefix}assessor"),
        "placement_id": world.placements[f"{prefix}placement"], "data": data})
    assert r.status_code == 201, r.text
    doc = r.json()
    if state != "draft":  # the assessor rates and gives feedback
        await fill_assessors_part(client, await login(client, world, f"{prefix}assessor"), doc)
        trainee = await login(client, world, f"{prefix}trainee")
    if state in ("submitted", "signed"):
        assert (await client.post(f"/api/assessments/{doc['doc_id']}/submit", headers=trainee)).status_code == 200
    if state == "signed":
        assessor = await login(client, world, f"{prefix}assessor")
        assert (await client.post(f"/api/assessments/{doc['doc_id']}/sign", headers=assessor)).status_code == 200
    return (await client.get(f"/api/assessments/{doc['doc_id']}")).json() if state != "draft" else doc


def _action(name: str, role: str) -> Callable[[AsyncTestClient, dict[str, str], dict[str, Any] | None, World, str], Awaitable[int]]:
    name = SAME_AS.get(name, name)

    async def act(client: AsyncTestClient, h: dict[str, str], doc: dict[str, Any] | None, world: World, side: str) -> int:
        url = f"/api/assessments/{doc['doc_id']}" if doc else ""
        prefix = "" if side == "own" else "other_"
        if name == "read":
            return (await client.get(url)).status_code
        if name == "audit":
            return (await client.get(f"{url}/audit")).status_code
        if name == "pdf":
            return (await client.get(f"{url}/pdf")).status_code
        if name == "fhir_response":
            return (await client.get(f"/api/fhir/QuestionnaireResponse/{doc['doc_id']}")).status_code
        if name == "fhir_questionnaire":
            return (await client.get("/api/fhir/Questionnaire/mini-cex-2")).status_code
        if name == "edit":
            return (await client.patch(url, headers=h, json={"base_version": doc["version"], "data": {"focus": "Ny"}})).status_code
        if name == "delete":
            return (await client.delete(url, headers=h)).status_code
        if name in ("submit", "sign", "countersign", "acknowledge", "return", "amend"):
            body = {"reason": "Komplettera"} if name == "return" else {}
            return (await client.post(f"{url}/{name}", headers=h, json=body)).status_code
        if name == "create":
            body = {"form_id": "mini-cex", "trainee_id": world.id(f"{prefix}trainee")}
            if role == "trainee":  # a trainee names the assessor; an assessor is the assessor
                body["assessor_id"] = world.id(f"{prefix}assessor")
            return (await client.post("/api/assessments", headers=h, json=body)).status_code
        if name == "private_pulled":
            pulled = await client.post("/api/sync", headers=h, json={"client_id": "matrix-phone", "since": 0})
            return 200 if doc["doc_id"] in {c["doc_id"] for c in pulled.json()["changes"]} else N
        if name == "private_edit_ks":
            return (await client.patch(url, headers=h, json={"base_version": doc["version"],
                                                             "data": {"supervisor_comment": "Bra"}})).status_code
        if name == "plan_whole":  # the underlying factors are read in full, or not at all
            got = await client.get(url)
            return got.status_code if got.status_code != 200 or "underlying_factors" in got.json()["data"] else N
        if name == "meeting_seen":
            page = await client.get(f"/api/trainees/{world.id(f'{prefix}trainee')}")
            days = [m["day"] for m in page.json().get("meetings", [])] if page.status_code == 200 else []
            return 200 if "2026-03-10" in days else N
        if name == "listed":
            listed = (await client.get("/api/assessments")).json()
            return 200 if doc["doc_id"] in {a["doc_id"] for a in listed} else N
        if name == "overview":
            trainees = (await client.get("/api/trainees")).json()
            return 200 if world.id(f"{prefix}trainee") in {t["trainee_id"] for t in trainees} else N
        if name == "admin":
            return (await client.get("/api/admin/users")).status_code
        trainee_id, unit_id = world.id(f"{prefix}trainee"), world.units[side]
        if name == "home":
            return (await client.get("/api/home")).status_code
        if name == "certificates":
            return (await client.get(f"/api/trainees/{trainee_id}/certificates")).status_code
        if name == "my_export":
            return (await client.get("/api/me/export")).status_code
        if name == "deactivate":  # someone made for it, so that the matrix's people stay
            made = await in_app(client, functools.partial(
                create_user, client.app.state.db, email=f"matrix-{role}-{side}@test.bedside.se", name="Tillfällig Kollega",
                password=None, roles=["assessor"]))
            return (await client.post(f"/api/admin/users/{made}/deactivate", headers=h)).status_code
        if name in ADMIN_ACTIONS:
            return await _admin_action(client, h, world, name, f"{role}-{side}", prefix)
        if name == "admin_events":
            return (await client.get("/api/admin/events")).status_code
        if name == "invite":
            return (await client.post(f"/api/admin/users/{trainee_id}/invite", headers=h)).status_code
        if name == "admin_export":
            return (await client.post(f"/api/admin/people/{trainee_id}/export", headers=h,
                                      json={"request": "Brev 2026-03-01"})).status_code
        if name == "trainee_page":
            return (await client.get(f"/api/trainees/{trainee_id}")).status_code
        if name == "home_lists":  # the trainee appears in a section of the home (or it is her own)
            home = (await client.get("/api/home")).json()
            listed = {t["trainee_id"] for key in ("clinical_supervisor", "main_supervisor") for t in home.get(key) or []}
            own = (home.get("trainee") or {}).get("status") or {}
            studierektor = {t["trainee_id"] for t in (await client.get("/api/overview")).json()} \
                if role == "studierektor" else set()
            return 200 if trainee_id in listed | studierektor or own.get("trainee_id") == trainee_id else N
        if name == "unit_table":
            got = await client.get("/api/overview", params={"unit_id": unit_id})
            if got.status_code != 200:
                return got.status_code
            return 200 if trainee_id in {t["trainee_id"] for t in got.json()} else N
        if name == "unit_csv":
            got = await client.get("/api/overview.csv", params={"unit_id": unit_id})
            if got.status_code != 200:
                return got.status_code
            return 200 if world.names[f"{prefix}trainee"] in got.text else N
        if name == "unit_rules":
            return (await client.get(f"/api/units/{unit_id}/rules")).status_code
        if name == "change_rules":
            return (await client.put(f"/api/units/{unit_id}/rules", headers=h,
                                     json={"min_signed_by_midpoint": 2})).status_code
        if name == "unit_forms":
            return (await client.get(f"/api/units/{unit_id}/forms")).status_code
        if name == "change_unit_forms":
            return (await client.put(f"/api/units/{unit_id}/forms", headers=h,
                                     json={"mini_cex": "mini-cex-sjalvstandighet"})).status_code
        raise AssertionError(name)

    return act


async def _admin_action(client: AsyncTestClient, h: dict[str, str], world: World, name: str, tag: str,
                        prefix: str) -> int:
    """One call of an admin endpoint, with data of its own (``tag``: who and which side), so that calls
    never collide."""
    unit, trainee = world.units["own" if not prefix else "other"], world.id(f"{prefix}trainee")
    if name == "admin_units":
        return (await client.get("/api/admin/units")).status_code
    if name == "admin_add_user":
        return (await client.post("/api/admin/users", headers=h, json={
            "email": f"matrix-user-{tag}@test.bedside.se", "name": "Matris Person", "roles": ["assessor"]})).status_code
    if name == "admin_add_unit":
        return (await client.post("/api/admin/units", headers=h, json={"name": f"Matrisenheten {tag}"})).status_code
    if name == "admin_add_programme":
        return (await client.post("/api/admin/programmes", headers=h, json={
            "trainee_id": trainee, "kind": "ST", "unit_id": unit, "start_date": "2027-01-01"})).status_code
    if name == "admin_add_placement":
        programmes = await in_app(client, client.app.state.db.fetch, "SELECT id FROM programmes WHERE trainee_id = ?", (trainee,))
        return (await client.post("/api/admin/placements", headers=h, json={
            "programme_id": programmes[0]["id"], "unit_id": unit, "specialty": "Matris", "start_date": "2027-07-01",
            "end_date": "2027-09-30"})).status_code
    if name == "admin_import":
        return (await client.post("/api/admin/import", headers=h, json={"csv": "Namn;E-post\n"})).status_code
    if name == "admin_activate":
        return (await client.post(f"/api/admin/users/{world.id(f'{prefix}assessor')}/activate", headers=h)).status_code
    raise AssertionError(name)


async def test_access_matrix(client: AsyncTestClient, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    # a day inside the world's placements, so the homes list them as current
    monkeypatch.setattr(clock, "now", lambda: dt.datetime(2026, 3, 15, 9, 0, tzinfo=dt.UTC))
    mismatches = []
    for endpoint, (state, own_expected) in OWN.items():
        for side, expected in (("own", own_expected), ("other", OTHER[endpoint])):
            for role, status in zip(ROLES, expected):
                doc = await _make_record(client, world, side, state)
                headers = await login(client, world, role)
                got = await _action(endpoint, role)(client, headers, doc, world, side)
                if got != status:
                    mismatches.append(f"{endpoint} {side} as {role}: expected {status}, got {got}")
    assert not mismatches, "\n".join(mismatches)


async def test_changes_need_the_csrf_header(client: AsyncTestClient, world: World) -> None:
    await login(client, world, "trainee")
    response = await client.post("/api/assessments", json={"form_id": "mini-cex"})
    assert response.status_code == 403 and "X-CSRF-Token" in response.json()["detail"]
    wrong = await client.post("/api/assessments", json={"form_id": "mini-cex"}, headers={"X-CSRF-Token": "guess"})
    assert wrong.status_code == 403


async def test_logged_out_means_401_everywhere(client: AsyncTestClient, world: World) -> None:
    headers = await login(client, world, "trainee")
    assert (await client.post("/api/auth/logout", headers=headers)).status_code == 200
    world.sessions.clear()
    for url in ("/api/assessments", "/api/trainees", "/api/placements", "/api/auth/session"):
        assert (await client.get(url)).status_code == 401, url


async def test_wrong_password_is_refused_and_rate_limited(client: AsyncTestClient, world: World) -> None:
    statuses = [
        (await client.post("/api/auth/login", json={"email": world.emails["trainee"], "password": "wrong"})).status_code
        for _ in range(11)
    ]
    assert statuses[:10] == [401] * 10 and statuses[10] == 429


async def test_colleagues_lists_assessors_or_trainees_to_pick(client: AsyncTestClient, world: World) -> None:
    await login(client, world, "assessor")
    assessors = {c["id"] for c in (await client.get("/api/colleagues")).json()}
    assert world.id("clinical_supervisor") in assessors and world.id("trainee") not in assessors
    assert (await client.get("/api/colleagues?role=admin")).status_code == 400


async def test_the_app_shell_is_gzipped_and_revalidated(client: AsyncTestClient) -> None:
    response = await client.get("/", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and response.headers.get("content-encoding") == "gzip"
    assert "no-cache" in response.headers.get("cache-control", "")
    assert "<html" in response.text.lower()

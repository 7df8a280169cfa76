"""Issue 11: who may do what with a 360 round, every endpoint × role × own/other round, in one table.

An "own" round is ``trainee``'s (her HHL started it); "other" is ``other_trainee``'s. Anyone without a
part in a round learns nothing of it (404); a studierektor follows but does not act (403); a
clinical supervisor has no part in a round (they may be one of its raters)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar.testing import AsyncTestClient

from tests.rounds_support import RATERS, answer_by_link, rater_answer, rater_links
from tests.world import World, login

ROLES = ("trainee", "assessor", "clinical_supervisor", "main_supervisor", "studierektor", "admin")
N = 404

# endpoint -> (state of the round, expected status per role on an own round)
OWN: dict[str, tuple[str, tuple[int, ...]]] = {
    "create":   ("none",       (403, 403, 403, 201, 403, 403)),
    "list":     ("nominating", (200, 403, 403, 200, 200, 403)),
    "read":     ("nominating", (200, N, N, 200, 200, N)),
    "nominate": ("nominating", (201, N, N, 201, 403, N)),
    "remove":   ("nominating", (200, N, N, 200, 403, N)),
    "send":     ("nominated",  (200, N, N, 200, 403, N)),
    "remind":   ("open",       (403, N, N, 200, 403, N)),
    "close":    ("open",       (403, N, N, 200, 403, N)),
    "extend":   ("open",       (403, N, N, 200, 403, N)),
    "hide":     ("closed",     (403, N, N, 200, 403, N)),
    "release":  ("closed",     (403, N, N, 200, 403, N)),
    "report":   ("released",   (200, N, N, 200, 200, N)),
    "agree":    ("released",   (200, N, N, 200, 403, N)),
    "self":     ("nominating", (200, N, N, 403, 403, N)),
    "settings": ("none",       (200, 403, 403, 200, 200, 403)),
    "unit_rules": ("none",     (403, 403, 403, 403, 200, 200)),
    "change_unit_rules": ("none", (403, 403, 403, 403, 200, 200)),
}
OTHER: dict[str, tuple[int, ...]] = {name: (N,) * 6 for name in OWN} | {
    "create": (403,) * 6,
    "list": (403,) * 6,
    "settings": (403,) * 6,
    # another unit's settings are its studierektor's and the admin's
    "unit_rules": (403, 403, 403, 403, 403, 200),
    "change_unit_rules": (403, 403, 403, 403, 403, 200),
}


async def _round(client: AsyncTestClient, world: World, side: str, state: str) -> dict[str, Any] | None:
    """A round of this side's trainee in ``state``, its raters' links and an answer's id."""
    if state == "none":
        return None
    prefix = "" if side == "own" else "other_"
    headers = await login(client, world, f"{prefix}main_supervisor")
    made = (await client.post("/api/rounds", headers=headers, json={"trainee_id": world.id(f"{prefix}trainee")})).json()
    rid = made["id"]
    headers = await login(client, world, f"{prefix}trainee")  # she nominates (his own nominees are his)
    for name, email, group in RATERS[: 2 if state == "nominating" else None]:
        r = await client.post(f"/api/rounds/{rid}/raters", headers=headers, json={"name": name, "email": email, "group": group})
        assert r.status_code == 201, r.text
    if state in ("nominating", "nominated"):
        await login(client, world, f"{prefix}main_supervisor")
        return (await client.get(f"/api/rounds/{rid}")).json() | {"answer": None}
    headers = await login(client, world, f"{prefix}main_supervisor")
    assert (await client.post(f"/api/rounds/{rid}/send", headers=headers)).status_code == 200
    links = await rater_links(client, rid)
    answer = None
    if state in ("closed", "released"):
        for _, email, _ in RATERS[:10]:
            await answer_by_link(client, *links[email], rater_answer(4))
        answer = links[RATERS[0][1]][1]
        headers = await login(client, world, f"{prefix}main_supervisor")
        assert (await client.post(f"/api/rounds/{rid}/close", headers=headers)).status_code == 200
    if state == "released":
        assert (await client.post(f"/api/rounds/{rid}/release", headers=headers)).status_code == 200
    await login(client, world, f"{prefix}main_supervisor")
    return (await client.get(f"/api/rounds/{rid}")).json() | {"answer": answer}


def _action(name: str) -> Callable[..., Awaitable[int]]:
    async def act(client: AsyncTestClient, h: dict[str, str], rnd: dict[str, Any] | None, world: World, side: str,
                  role: str) -> int:
        prefix = "" if side == "own" else "other_"
        url = f"/api/rounds/{rnd['id']}" if rnd else ""
        if name == "create":
            return (await client.post("/api/rounds", headers=h, json={"trainee_id": world.id(f"{prefix}trainee")})).status_code
        if name == "settings":
            return (await client.get("/api/rounds/settings", params={"trainee_id": world.id(f"{prefix}trainee")})).status_code
        if name == "unit_rules":
            return (await client.get(f"/api/units/{world.units[side]}/round-rules")).status_code
        if name == "change_unit_rules":
            return (await client.put(f"/api/units/{world.units[side]}/round-rules", headers=h,
                                     json={"min_total": 12})).status_code
        if name == "list":
            return (await client.get("/api/rounds", params={"trainee_id": world.id(f"{prefix}trainee")})).status_code
        if name == "read":
            return (await client.get(url)).status_code
        if name == "nominate":
            return (await client.post(f"{url}/raters", headers=h, json={
                "name": "Ny Rater", "email": "ny.rater@sjukhus.test", "group": "sjukskoterska"})).status_code
        if name == "remove":
            return (await client.delete(f"{url}/raters/{rnd['raters'][0]['id']}", headers=h)).status_code
        if name in ("send", "close", "release"):
            return (await client.post(f"{url}/{name}", headers=h)).status_code
        if name == "remind":
            return (await client.post(f"{url}/raters/{rnd['raters'][0]['id']}/remind", headers=h)).status_code
        if name == "extend":
            return (await client.post(f"{url}/extend", headers=h, json={"deadline": rnd["deadline"][:10]})).status_code
        if name == "hide":
            return (await client.post(f"{url}/hidden", headers=h, json={
                "assessment_id": rnd["answer"], "field": "strengths", "reason": "Namnger en kollega."})).status_code
        if name == "report":
            return (await client.get(f"{url}/report")).status_code
        if name == "agree":
            return (await client.put(f"{url}/agreed", headers=h, json={"text": "Delegera mer."})).status_code
        if name == "self":
            # her own self-assessment, started by her (made as the trainee, then acted on as ``role``)
            t = await login(client, world, f"{prefix}trainee")
            made = await client.post("/api/assessments", headers=t, json={"form_id": "msf-self"})
            assert made.status_code == 201, made.text
            h = await login(client, world, role)
            return (await client.put(f"{url}/self", headers=h, json={"assessment_id": made.json()["doc_id"]})).status_code
        raise AssertionError(name)

    return act


async def test_round_access_matrix(client: AsyncTestClient, world: World) -> None:
    mismatches = []
    for endpoint, (state, own_expected) in OWN.items():
        for side, expected in (("own", own_expected), ("other", OTHER[endpoint])):
            for role, status in zip(ROLES, expected):
                rnd = await _round(client, world, side, state)
                headers = await login(client, world, role)
                got = await _action(endpoint)(client, headers, rnd, world, side, role)
                if got != status:
                    mismatches.append(f"{endpoint} {side} as {role}: expected {status}, got {got}")
                await _clear(client)
    assert not mismatches, "\n".join(mismatches)


async def _clear(client: AsyncTestClient) -> None:
    """Rounds of one cell never meet the next one (a trainee has one round under way at a time)."""
    from tests.helpers import in_app

    async def wipe(tx: Any) -> None:
        await tx.execute("UPDATE msf_rounds SET status = 'released'")

    await in_app(client, client.app.state.db.transaction, wipe)

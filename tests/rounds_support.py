"""Helpers for the 360 round tests: a round with nominated raters, and raters answering by their links."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from litestar.testing import AsyncTestClient

import server.clock
from server.privacy.ids import new_id

from tests.helpers import in_app
from tests.requests_support import claimed_secret, link_sync, mutation, request_link, token_of
from tests.world import World, login

ITEMS = ("medicinsk_kompetens", "kommunikation_patienter", "kommunikation_kollegor", "samarbete", "tillganglighet",
         "prioritering", "respekt", "larande_undervisning", "patientsakerhet")
#: twelve raters: 2 specialists, 3 ST/BT/AT, 3 nurses, 2 assistant nurses, 2 other staff
RATERS: list[tuple[str, str, str]] = [
    ("Sigrid Spec", "sigrid@sjukhus.test", "specialistlakare"),
    ("Stefan Spec", "stefan@sjukhus.test", "specialistlakare"),
    ("Alma ST", "alma@sjukhus.test", "st_bt_at_lakare"),
    ("Bodil BT", "bodil@sjukhus.test", "st_bt_at_lakare"),
    ("Arvid AT", "arvid@sjukhus.test", "st_bt_at_lakare"),
    ("Nora Ssk", "nora@sjukhus.test", "sjukskoterska"),
    ("Nils Ssk", "nils@sjukhus.test", "sjukskoterska"),
    ("Nea Ssk", "nea@sjukhus.test", "sjukskoterska"),
    ("Ulla Usk", "ulla@sjukhus.test", "underskoterska"),
    ("Uno Usk", "uno@sjukhus.test", "underskoterska"),
    ("Olga Sekreterare", "olga@sjukhus.test", "ovrig_personal"),
    ("Otto Kurator", "otto@sjukhus.test", "ovrig_personal"),
]


def rater_answer(score: int, *, concern: str = "inga", strengths: str = "Lugn och tydlig med patienterna.",
                 development: str = "Kan delegera mer till teamet.") -> dict[str, Any]:
    answer: dict[str, Any] = {item: score for item in ITEMS} | {
        "strengths": strengths, "development_areas": development, "overall_concern": concern}
    if concern != "inga":
        answer["concern_comment"] = "Har vid två tillfällen lämnat avdelningen utan överlämning."
    return answer


async def start_round(client: AsyncTestClient, world: World, *, raters: list[tuple[str, str, str]] | None = None,
                      **body: Any) -> dict[str, Any]:
    """The trainee's main supervisor starts a round; the trainee nominates ``raters`` (default all twelve)."""
    headers = await login(client, world, "main_supervisor")
    made = await client.post("/api/rounds", headers=headers, json={"trainee_id": world.id("trainee"), **body})
    assert made.status_code == 201, made.text
    round_id = made.json()["id"]
    headers = await login(client, world, "trainee")
    view = made.json()
    for name, email, group in RATERS if raters is None else raters:
        answer = await client.post(f"/api/rounds/{round_id}/raters", headers=headers,
                                   json={"name": name, "email": email, "group": group})
        assert answer.status_code == 201, answer.text
        view = answer.json()
    return view


async def rater_links(client: AsyncTestClient, round_id: str) -> dict[str, tuple[str, str]]:
    """e-mail -> (the link the rater was mailed, the draft answer's id), read as the server made them."""
    rows = await in_app(client, client.app.state.db.fetch,
                        """SELECT x.email, r.id AS request_id, r.assessment_id FROM msf_round_raters x
                           JOIN assessment_requests r ON r.id = x.request_id WHERE x.round_id = ?""", (round_id,))
    return {r["email"]: (await request_link(client, r["request_id"]), r["assessment_id"]) for r in rows}


async def answer_by_link(client: AsyncTestClient, link: str, doc_id: str, answer: dict[str, Any]) -> None:
    """A rater opens the mailed link on their phone (no account), fills in and signs."""
    client.cookies.clear()
    secret = await claimed_secret(client, token_of(link))
    done = await link_sync(client, secret, client_id=new_id(), mutations=[
        mutation(1, "edit", doc_id, base_version=1, fields={f"/{k}": v for k, v in answer.items()}),
        mutation(2, "submit", doc_id), mutation(3, "sign", doc_id)])
    assert done.status_code == 200, done.text
    assert [r["status"] for r in done.json()["results"]] == ["applied"] * 3, done.text


@pytest.fixture
def moved_clock(monkeypatch: pytest.MonkeyPatch) -> Any:
    """``move(days)`` moves the server's clock forward."""
    start = server.clock.now()
    offset = [dt.timedelta()]
    monkeypatch.setattr(server.clock, "now", lambda: start + offset[0])

    def move(days: float) -> None:
        offset[0] += dt.timedelta(days=days)

    return move

"""The demo's 360 round: Emil Nyström's, started by Helena Holm, open with twelve raters of whom eight
have answered (one with "viss farhåga", so Helena's home and round page show a concern at once)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sync.protocol import Edit, Sign, Submit

from .assessments.actor import Actor
from .assessments.service import apply_batch, now_ms
from .auth.sessions import load_principal
from .catalog import Catalog
from .db import Database, Tx
from .rounds import service as rounds
from .settings import Settings

ITEMS = ("medicinsk_kompetens", "kommunikation_patienter", "kommunikation_kollegor", "samarbete", "tillganglighet",
         "prioritering", "respekt", "larande_undervisning", "patientsakerhet")
RATERS = [
    ("Maria Öberg", "specialistlakare"), ("Johan Lind", "specialistlakare"), ("Sofia Berg", "st_bt_at_lakare"),
    ("Ali Rahimi", "st_bt_at_lakare"), ("Elin Strand", "sjukskoterska"), ("Karl Nord", "sjukskoterska"),
    ("Lena Ek", "sjukskoterska"), ("Anna Vik", "underskoterska"), ("Per Holm", "underskoterska"),
    ("Eva Sund", "underskoterska"), ("Lisa Falk", "ovrig_personal"), ("Nils Dahl", "ovrig_personal"),
]


def _answer(n: int) -> dict[str, Any]:
    data: dict[str, Any] = {f"/{item}": 3 + (n + i) % 3 for i, item in enumerate(ITEMS)}
    data |= {"/strengths": ["Lyssnar på patienterna och förklarar lugnt.", "Frågar när hen är osäker.",
                            "Tydlig i överlämningar.", "Hjälpsam mot nya kollegor."][n % 4],
             "/development_areas": ["Prioritera bland uppgifterna när det är mycket.", "Dokumentera i tid.",
                                    "Ta plats på ronden."][n % 3],
             "/overall_concern": "viss" if n == 4 else "inga"}
    if n == 4:
        data["/concern_comment"] = "Har vid två tillfällen lämnat avdelningen utan att lämna över."
    return data


async def load_demo_round(db: Database, catalog: Catalog, settings: Settings, ids: dict[str, int]) -> None:
    helena, emil = await load_principal(db, ids["main_supervisor"]), await load_principal(db, ids["trainee2"])
    assert helena is not None and emil is not None
    now = dt.datetime.now(dt.UTC)
    view = await rounds.create_round(db, helena, rounds.RoundCreate(trainee_id=emil.user_id), now)
    for name, group in RATERS:
        email = name.lower().replace(" ", ".").replace("ö", "o").replace("å", "a").replace("ä", "a") + "@demosjukhuset.se"
        await rounds.nominate(db, catalog, settings, emil, view.id, rounds.RaterCreate(name=name, email=email, group=group), now)
    await rounds.send_requests(db, catalog, settings, emil, view.id, now)
    requests = await db.fetch("""SELECT r.id, r.assessment_id, x.name FROM msf_round_raters x
                                 JOIN assessment_requests r ON r.id = x.request_id WHERE x.round_id = ?
                                 ORDER BY x.nominated_at, x.id""", (view.id,))
    for n, r in enumerate(requests[:8]):
        actor = Actor.link_holder(r["id"], r["name"], r["assessment_id"])

        async def answer(tx: Tx, actor: Actor = actor, doc: str = r["assessment_id"], n: int = n) -> None:
            results = await apply_batch(tx, catalog, actor, [
                Edit(id=1, doc_id=doc, at=now_ms(), base_version=1, fields=_answer(n)),
                Submit(id=2, doc_id=doc, at=now_ms()), Sign(id=3, doc_id=doc, at=now_ms())], device="demo")
            refused = [x for x in results if x.status == "rejected"]
            if refused:
                raise RuntimeError(f"demo round answer refused: {refused}")

        await db.transaction(answer)

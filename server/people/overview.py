"""Who is behind: per trainee and placement, how many assessments are signed, waiting and drafted.

Regions ask for at least two formative assessments per placement; a placement more than half through
with fewer signed than that is flagged as behind, so lapses show early.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..access import visible_trainees_sql
from ..auth.principal import Principal
from ..db import Database

MIN_ASSESSMENTS_PER_PLACEMENT = 2
SIGNED_STATES = ("signed", "acknowledged", "countersigned")


def _progress(start: str, end: str, today: dt.date) -> float:
    s, e = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    if e <= s:
        return 1.0
    return min(1.0, max(0.0, (today - s).days / (e - s).days))


async def trainee_overview(db: Database, p: Principal, today: dt.date | None = None) -> list[dict[str, Any]]:
    today = today or dt.date.today()
    visible, params = visible_trainees_sql(p)
    rows = await db.fetch(
        f"""SELECT u.id AS trainee_id, u.name AS trainee_name, pr.kind, pr.id AS programme_id,
                   hhl.name AS main_supervisor_name,
                   pl.id AS placement_id, pl.specialty, pl.start_date, pl.end_date, un.name AS unit_name,
                   ks.name AS clinical_supervisor_name
            FROM programmes pr
            JOIN users u ON u.id = pr.trainee_id
            LEFT JOIN users hhl ON hhl.id = pr.main_supervisor_id
            LEFT JOIN placements pl ON pl.programme_id = pr.id
            LEFT JOIN units un ON un.id = pl.unit_id
            LEFT JOIN users ks ON ks.id = pl.clinical_supervisor_id
            WHERE pr.trainee_id IN ({visible})
            ORDER BY u.name, pl.start_date""",
        params,
    )
    counts = await db.fetch(
        f"""SELECT trainee_id, placement_id, status, count(*) AS n FROM assessments
            WHERE deleted = 0 AND trainee_id IN ({visible}) GROUP BY trainee_id, placement_id, status""",
        params,
    )
    by_placement: dict[tuple[int, int | None], dict[str, int]] = {}
    for c in counts:
        bucket = by_placement.setdefault((c["trainee_id"], c["placement_id"]), {"signed": 0, "waiting": 0, "drafts": 0})
        key = "signed" if c["status"] in SIGNED_STATES else "waiting" if c["status"] == "submitted" else "drafts"
        bucket[key] += int(c["n"])
    trainees: dict[int, dict[str, Any]] = {}
    for r in rows:
        t = trainees.setdefault(r["trainee_id"], {
            "trainee_id": r["trainee_id"], "name": r["trainee_name"], "programme": r["kind"],
            "main_supervisor": r["main_supervisor_name"], "placements": [], "behind": False,
        })
        if r["placement_id"] is None:
            continue
        c = by_placement.get((r["trainee_id"], r["placement_id"]), {"signed": 0, "waiting": 0, "drafts": 0})
        progress = _progress(r["start_date"], r["end_date"], today)
        behind = progress >= 0.5 and c["signed"] < MIN_ASSESSMENTS_PER_PLACEMENT
        t["behind"] = t["behind"] or behind
        t["placements"].append({
            "placement_id": r["placement_id"], "unit": r["unit_name"], "specialty": r["specialty"],
            "start_date": r["start_date"], "end_date": r["end_date"],
            "clinical_supervisor": r["clinical_supervisor_name"], "progress": round(progress, 2),
            "behind": behind, **c,
        })
    return list(trainees.values())

"""What a person is to one assessment (trainee, assessor, clinical supervisor, main supervisor...).

Workflow rules in the catalog speak of these participant roles ("sign": "assessor", "countersign":
"main_supervisor"), so permission checks are: which participant roles does the caller hold here?
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from ..auth.principal import Principal
from ..db import Row


class Reader(Protocol):
    """A transaction or the database itself: anything that can run a SELECT."""

    async def fetch(self, sql: str, params: Any = ()) -> list[Row]: ...


@dataclass(frozen=True)
class TraineeContext:
    """The supervisors around one trainee: loaded once per trainee per request."""

    trainee_id: int
    is_trainee: bool
    main_supervisors: frozenset[int] = field(default_factory=frozenset)
    units: frozenset[int] = field(default_factory=frozenset)
    # placement id -> clinical supervisor id (None when not set)
    placements: dict[int, int | None] = field(default_factory=dict)
    # placement id -> (start date, end date), ISO text
    periods: dict[int, tuple[str, str]] = field(default_factory=dict)

    def placement_on(self, day: str) -> int | None:
        """The trainee's placement whose period contains ``day`` (ISO date), if any."""
        for placement_id, (start, end) in sorted(self.periods.items(), key=lambda p: p[1]):
            if start <= day <= end:
                return placement_id
        return None


async def load_trainee_contexts(tx: Reader, trainee_ids: set[int],
                                known: dict[int, TraineeContext] | None = None) -> dict[int, TraineeContext]:
    """One query for every trainee a batch touches. ``known``: contexts this request has read already
    (a sync push, then its pull): only the others are read, and they are added to it."""
    if known is not None:
        missing = trainee_ids - known.keys()
        if missing:
            known.update(await load_trainee_contexts(tx, missing))
        return {t: known[t] for t in trainee_ids if t in known}
    if not trainee_ids:
        return {}
    marks = ", ".join("?" for _ in trainee_ids)
    ids = sorted(trainee_ids)
    rows = await tx.fetch(
        f"""SELECT u.id AS trainee_id, r.role, pr.main_supervisor_id, pr.unit_id, pl.id AS placement_id,
                   pl.clinical_supervisor_id, pl.start_date, pl.end_date
            FROM users u
            LEFT JOIN user_roles r ON r.user_id = u.id AND r.role = 'trainee'
            LEFT JOIN programmes pr ON pr.trainee_id = u.id
            LEFT JOIN placements pl ON pl.programme_id = pr.id
            WHERE u.id IN ({marks})""",
        ids,
    )
    grouped: dict[int, list[dict[str, Any]]] = {}
    for r in rows:
        grouped.setdefault(r["trainee_id"], []).append(r)
    contexts = {}
    for trainee_id, group in grouped.items():
        contexts[trainee_id] = TraineeContext(
            trainee_id=trainee_id,
            is_trainee=any(r["role"] == "trainee" for r in group),
            main_supervisors=frozenset(r["main_supervisor_id"] for r in group if r["main_supervisor_id"]),
            units=frozenset(r["unit_id"] for r in group if r["unit_id"]),
            placements={r["placement_id"]: r["clinical_supervisor_id"] for r in group if r["placement_id"]},
            periods={r["placement_id"]: (r["start_date"], r["end_date"]) for r in group if r["placement_id"]},
        )
    return contexts


def participant_roles(
    p: Principal, *, trainee_id: int, assessor_id: int | None, ctx: TraineeContext | None
) -> frozenset[str]:
    """The participant roles ``p`` holds on an assessment of ``trainee_id`` assessed by ``assessor_id``."""
    roles: set[str] = set()
    if trainee_id == p.user_id:
        roles.add("trainee")
    if assessor_id is not None and assessor_id == p.user_id:
        roles.add("assessor")
    if ctx is not None:
        if p.has("clinical_supervisor") and p.user_id in ctx.placements.values():
            roles.add("clinical_supervisor")
        if p.has("main_supervisor") and p.user_id in ctx.main_supervisors:
            roles.add("main_supervisor")
        if p.has("studierektor") and ctx.units & p.studierektor_units:
            roles.add("studierektor")
    return frozenset(roles)


def may_read(roles: frozenset[str], *, anonymous_to_trainee: bool) -> bool:
    """A 360 rater's answer: only its assessor, the main supervisor and the studierektor, and never
    anyone who is also its trainee (a trainee who is studierektor of her own unit included)."""
    if anonymous_to_trainee:
        return "trainee" not in roles and bool(roles & {"assessor", "main_supervisor", "studierektor"})
    return bool(roles)

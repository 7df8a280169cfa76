"""Who may see what, as SQL conditions shared by every list and lookup.

- a trainee: their own assessments (but not single 360 rater answers, which are anonymous to them);
- an assessor: what they wrote (the assessments where they are the assessor);
- a clinical supervisor: the trainees of their placements;
- a main supervisor (HHL): their trainees;
- a studierektor: the trainees of their unit;
- an admin: everything administrative (users, units, placements), not assessment content;
- a private handledningssamtal: only its trainee and its supervisor, whatever the roles above say;
- a restricted form (an action plan): its trainee, its assessor, her HHL and studierektor, and the
  clinical supervisor of her current placement (who reads only part of it, views.py); no other
  clinical supervisor, not even one of an earlier placement.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import clock
from .auth.principal import Principal
from .errors import Forbidden, NotFound

if TYPE_CHECKING:
    from .assessments.actor import Actor


def supervised_trainees_sql(p: Principal, *, clinical: bool = True) -> tuple[str, list[Any]]:
    """A ``SELECT trainee_id`` of the trainees ``p`` supervises or oversees (empty when none);
    ``clinical=False``: only as main supervisor or studierektor."""
    parts: list[str] = []
    params: list[Any] = []
    if clinical and p.has("clinical_supervisor"):
        parts.append("""SELECT pr.trainee_id FROM placements pl JOIN programmes pr ON pr.id = pl.programme_id
                        WHERE pl.clinical_supervisor_id = ?""")
        params.append(p.user_id)
    if p.has("main_supervisor"):
        parts.append("SELECT trainee_id FROM programmes WHERE main_supervisor_id = ?")
        params.append(p.user_id)
    if p.has("studierektor") and p.studierektor_units:
        marks = ", ".join("?" for _ in p.studierektor_units)
        parts.append(f"SELECT trainee_id FROM programmes WHERE unit_id IN ({marks})")
        params.extend(sorted(p.studierektor_units))
    if not parts:
        return "SELECT -1 AS trainee_id WHERE 1 = 0", []
    return " UNION ".join(parts), params


def visible_trainees_sql(p: Principal) -> tuple[str, list[Any]]:
    sql, params = supervised_trainees_sql(p)
    if p.has("trainee"):
        return f"SELECT ? AS trainee_id UNION {sql}", [p.user_id, *params]
    return sql, params


def visible_assessments_where(p: Principal, anonymous_forms: tuple[str, ...], alias: str = "a", *,
                              restricted_forms: tuple[str, ...]) -> tuple[str, list[Any]]:
    """A WHERE condition on assessments ``alias`` that holds exactly for what ``p`` may read."""
    condition, params = _by_role(p, anonymous_forms, alias)
    between_two = f"({alias}.private = 0 OR {alias}.trainee_id = ? OR {alias}.assessor_id = ?)"
    condition, params = f"({condition} AND {between_two})", [*params, p.user_id, p.user_id]
    if not restricted_forms:
        return condition, params
    restricted, restricted_params = _restricted_readers(p, restricted_forms, alias)
    return f"({condition} AND {restricted})", [*params, *restricted_params]


def _restricted_readers(p: Principal, forms: tuple[str, ...], alias: str) -> tuple[str, list[Any]]:
    marks = ", ".join("?" for _ in forms)
    overseen, overseen_params = supervised_trainees_sql(p, clinical=False)
    parts = [f"{alias}.form_id NOT IN ({marks})", f"{alias}.trainee_id = ?", f"{alias}.assessor_id = ?",
             f"{alias}.trainee_id IN ({overseen})"]
    params: list[Any] = [*forms, p.user_id, p.user_id, *overseen_params]
    if p.has("clinical_supervisor"):
        today = clock.today().isoformat()
        parts.append(f"""{alias}.trainee_id IN (SELECT pr.trainee_id FROM placements pl JOIN programmes pr ON pr.id = pl.programme_id
                         WHERE pl.clinical_supervisor_id = ? AND pl.start_date <= ? AND pl.end_date >= ?)""")
        params += [p.user_id, today, today]
    return "(" + " OR ".join(parts) + ")", params


def _by_role(p: Principal, anonymous_forms: tuple[str, ...], alias: str) -> tuple[str, list[Any]]:
    supervised, params = supervised_trainees_sql(p)
    own = f"{alias}.trainee_id = ?"
    own_params: list[Any] = [p.user_id]
    if anonymous_forms:
        marks = ", ".join("?" for _ in anonymous_forms)
        own = f"({own} AND {alias}.form_id NOT IN ({marks}))"
        own_params.extend(anonymous_forms)
    if not anonymous_forms or not p.has("clinical_supervisor"):
        condition = f"({own} OR {alias}.assessor_id = ? OR {alias}.trainee_id IN ({supervised}))"
        return condition, [*own_params, p.user_id, *params]
    # a 360 rater's answer: its assessor, the trainee's main supervisor and studierektor, never her
    # clinical supervisors (who may be raters in the same round themselves)
    overseen, overseen_params = supervised_trainees_sql(p, clinical=False)
    marks = ", ".join("?" for _ in anonymous_forms)
    condition = (f"({own} OR {alias}.assessor_id = ? OR {alias}.trainee_id IN ({overseen}) OR "
                 f"({alias}.trainee_id IN ({supervised}) AND {alias}.form_id NOT IN ({marks})))")
    return condition, [*own_params, p.user_id, *overseen_params, *params, *anonymous_forms]


def actor_visibility_where(actor: Actor, anonymous_forms: tuple[str, ...], alias: str = "a", *,
                           restricted_forms: tuple[str, ...]) -> tuple[str, list[Any]]:
    """What an actor may read: a user by the rules above; a request-link holder only their one assessment."""
    if actor.principal is None:
        return f"{alias}.id = ?", [actor.request_doc_id]
    return visible_assessments_where(actor.principal, anonymous_forms, alias, restricted_forms=restricted_forms)


async def require_unit_steward(db: Any, p: Principal, unit_id: int) -> None:
    """Only an administrator or the unit's studierektor sees or changes a unit's settings. Who may ask
    is checked first: anyone else learns nothing, not even whether the unit exists."""
    if not (p.is_admin or unit_id in p.studierektor_units):
        raise Forbidden("Only an administrator or the unit's studierektor may see or change its rules.",
                        reason="not_your_unit")
    if not await db.fetchone("SELECT id FROM units WHERE id = ?", (unit_id,)):
        raise NotFound(f"Unit {unit_id} does not exist.")

"""Restricted forms (an action plan and its follow-ups, workflow ``restricted``): read in full only by
the trainee, the assessor (her HHL), her main supervisor and the studierektor of her unit; the clinical
supervisor of her *current* placement reads the part the workflow's ``partial_readers`` names (the
measures at the placement, never the underlying factors or the trainee's own view); a clinical
supervisor of another placement holds no role on it at all. ``access.py`` filters the rows the same way."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..catalog import FormVersion
from .participants import TraineeContext

FULL_READERS = frozenset({"trainee", "assessor", "main_supervisor", "studierektor"})


def supervises_now(ctx: TraineeContext | None, user_id: int, today: dt.date) -> bool:
    """Whether ``user_id`` is the clinical supervisor of the trainee's placement of today."""
    if ctx is None:
        return False
    day = today.isoformat()
    return any(supervisor == user_id and ctx.periods[pid][0] <= day <= ctx.periods[pid][1]
               for pid, supervisor in ctx.placements.items())


def reader_roles(roles: frozenset[str], form: FormVersion | None, ctx: TraineeContext | None, user_id: int | None,
                 today: dt.date) -> frozenset[str]:
    """``roles`` on a document of ``form`` as far as a restricted form lets them count."""
    if form is None or not form.workflow.restricted:
        return roles
    kept = roles & FULL_READERS
    if "clinical_supervisor" in roles and user_id is not None and supervises_now(ctx, user_id, today):
        kept |= {"clinical_supervisor"}
    return kept


def is_partial(form: FormVersion | None, roles: frozenset[str]) -> bool:
    """Whether a reader with ``roles`` sees only part of a document of ``form``."""
    return form is not None and form.workflow.restricted and not roles & FULL_READERS


def partial_data(form: FormVersion, roles: frozenset[str], data: dict[str, Any]) -> dict[str, Any]:
    """What a partial reader sees of ``data``: the fields of her role's rule, and of an object field
    under ``items_if`` only the entries whose named flag is true."""
    rules = [form.workflow.partial_readers[r] for r in sorted(roles) if r in form.workflow.partial_readers]
    shown: dict[str, Any] = {}
    for rule in rules:
        for pointer in rule["fields"]:
            key = pointer.lstrip("/")
            if key not in data:
                continue
            flag = rule.get("items_if", {}).get(pointer)
            value = data[key]
            if flag and isinstance(value, dict):
                value = {k: v for k, v in value.items() if isinstance(v, dict) and v.get(flag) is True}
            shown[key] = value
    return shown


def shown_pointer(pointer: str, data: dict[str, Any]) -> bool:
    """Whether a field at ``pointer`` lies in what ``partial_data`` kept (to filter conflicts)."""
    parts = pointer.lstrip("/").split("/")
    node: Any = data
    for part in parts:
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True

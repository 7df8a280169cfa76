"""Which participant may take which step, from the form's workflow (data in ``workflow.json``)."""

from __future__ import annotations

from sync.document import (
    ACKNOWLEDGED,
    DRAFT,
    LOCKED_STATUSES,
    SIGNED,
    SUBMITTED,
    Document,
)

from ..catalog import Workflow

EDITING_KINDS = ("edit", "resolve", "set_meta", "submit", "delete")


def allowed_roles(kind: str, workflow: Workflow) -> tuple[str, ...]:
    """The participant roles that may make a mutation of ``kind`` on a form with ``workflow``."""
    if kind in EDITING_KINDS:
        return workflow.editors
    if kind in ("sign", "return"):
        return (workflow.sign,)
    if kind == "acknowledge":
        return (workflow.acknowledge,) if workflow.acknowledge else ()
    if kind == "countersign":
        return (workflow.countersign,) if workflow.countersign else ()
    if kind == "amend":
        return (*workflow.editors, workflow.sign)
    return ()


def may(kind: str, workflow: Workflow, roles: frozenset[str]) -> bool:
    return bool(roles.intersection(allowed_roles(kind, workflow)))


def available_actions(doc: Document, workflow: Workflow, roles: frozenset[str]) -> list[str]:
    """What the caller can do next with ``doc`` (the PWA shows these as buttons)."""
    if doc.deleted:
        return []
    steps: list[str] = []
    if doc.status == DRAFT:
        steps += ["edit", "set_meta", "delete"] + (["resolve"] if doc.conflicts else ["submit"])
    elif doc.status == SUBMITTED:
        steps += ["return"] + ([] if doc.conflicts else ["sign"])
    elif doc.status == SIGNED:
        steps += ["acknowledge"] if workflow.acknowledge else (["countersign"] if workflow.countersign else [])
    elif doc.status == ACKNOWLEDGED and workflow.countersign:
        steps += ["countersign"]
    if doc.status in LOCKED_STATUSES:
        steps.append("amend")
    return [s for s in steps if may(s, workflow, roles)]

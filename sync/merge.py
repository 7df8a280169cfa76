"""Per-field three-way merge of an edit against the document's current state.

The base is the version the device had (``base_version``); each field's metadata tells who last
changed it and at which version. For each changed field, in this order:

1. an open conflict on the field: an edit based on ``opened_at_version`` or later resolves it; an
   older edit sets its person's side (two devices of one person: later ``at`` wins);
2. the value is already the current one: nothing to do;
3. not changed since the base, or last changed from this same device (which saw its own edit): apply;
4. changed since the base by the same person on another device: the later ``at`` wins (ties: the
   larger device id), the loser is reported as ``Superseded``;
5. changed since the base by someone else: a conflict opens; the field keeps its current value.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from sync.audit import AuditNote, ConflictOpened, ConflictResolved, ConflictSideSet, Superseded
from sync.document import Conflict, ConflictSide, Document, FieldMeta, same_value
from sync.errors import Rejection
from sync.pointer import PointerError, check_place, lookup, parse, place

__all__ = ["FieldChanges", "merge_edit", "merge_resolve", "wins"]


@dataclass
class FieldChanges:
    """The merged state; ``changed`` says whether the document must be stored with ``version``."""

    data: dict[str, Any]
    field_meta: dict[str, FieldMeta]
    conflicts: dict[str, Conflict]
    version: int
    changed: bool = False
    conflicted: bool = False
    notes: list[AuditNote] = field(default_factory=list)
    #: ids of the objects in ``data`` that are this state's own copies (see ``_set``)
    owned: set[int] = field(default_factory=set, repr=False)


def wins(incoming: ConflictSide, current: ConflictSide) -> bool:
    """Same person, two edits: the same device's later mutation always wins (its clock may have been
    set back); otherwise the later ``at``, ties broken by the larger device id."""
    if incoming.device == current.device:
        return True
    return (incoming.at, incoming.device) > (current.at, current.device)


def _start(doc: Document, fields: dict[str, Any]) -> tuple[FieldChanges, dict[str, list[str]]]:
    """Copy the state and check every pointer first, so a bad one rejects the whole mutation."""
    data = dict(doc.data)  # copied on write below: a merge never changes the document it started from
    state = FieldChanges(
        data=data, field_meta=dict(doc.field_meta), conflicts=dict(doc.conflicts), version=doc.version + 1,
        owned={id(data)},
    )
    paths: dict[str, list[str]] = {}
    try:
        for pointer, value in fields.items():
            tokens = parse(pointer)
            check_place(doc.data, tokens, value)
            paths[pointer] = tokens
    except PointerError as exc:
        raise Rejection("invalid", str(exc)) from exc
    ordered = sorted(paths.values())
    for a, b in zip(ordered, ordered[1:]):
        if b[: len(a)] == a:
            raise Rejection("invalid", "one field of the mutation lies inside another")
    return state, paths


def _set(state: FieldChanges, pointer: str, tokens: list[str], value: Any, side: ConflictSide) -> None:
    """Write a field into the state's data, copying only the objects on its path that are still the
    document's (instead of a deep copy of the whole document per edit). Values are never changed in
    place once stored (an array is replaced whole), so sharing the untouched ones is safe."""
    node = state.data
    for token in tokens[:-1]:
        child = node.get(token)
        if isinstance(child, dict) and id(child) not in state.owned:
            child = node[token] = dict(child)
            state.owned.add(id(child))
        if not isinstance(child, dict):
            break  # a missing parent: place creates it (and check_place refuses a leaf in the way)
        node = child
    place(state.data, tokens, copy.deepcopy(value))  # the mutation's own value stays the mutation's
    state.field_meta[pointer] = FieldMeta(version=side.version, actor=side.actor, device=side.device, at=side.at)
    state.changed = True


def merge_edit(
    doc: Document, fields: dict[str, Any], *, base_version: int, actor: str, device: str, at: int
) -> FieldChanges:
    if base_version > doc.version:
        raise Rejection("invalid", f"base_version {base_version} is newer than the document ({doc.version})")
    state, paths = _start(doc, fields)
    for pointer, tokens in paths.items():
        new = fields[pointer]
        side = ConflictSide(value=new, actor=actor, device=device, at=at, version=state.version)
        found, current = lookup(state.data, tokens)
        conflict = state.conflicts.get(pointer)
        if conflict is not None:
            if base_version >= conflict.opened_at_version:
                _set(state, pointer, tokens, new, side)
                del state.conflicts[pointer]
                state.notes.append(ConflictResolved(pointer=pointer, value=new, by="edit", conflict=conflict))
            else:
                _set_side(state, pointer, tokens, conflict, side, current)
            continue
        if same_value(current if found else None, new):
            continue
        meta = state.field_meta.get(pointer)
        if meta is None or meta.version <= base_version or meta.device == device:
            _set(state, pointer, tokens, new, side)
            continue
        holder = ConflictSide(value=current, actor=meta.actor, device=meta.device, at=meta.at, version=meta.version)
        if meta.actor == actor:
            if wins(side, holder):
                _set(state, pointer, tokens, new, side)
                state.notes.append(Superseded(pointer=pointer, loser=holder, winner=side))
            else:
                state.notes.append(Superseded(pointer=pointer, loser=side, winner=holder))
            continue
        opened = Conflict(values=[holder, side], opened_at_version=state.version)
        state.conflicts[pointer] = opened
        state.changed = state.conflicted = True
        state.notes.append(ConflictOpened(pointer=pointer, conflict=opened))
    return state


def _set_side(
    state: FieldChanges, pointer: str, tokens: list[str], conflict: Conflict, side: ConflictSide, current: Any
) -> None:
    """An edit that did not see the conflict: it becomes (or replaces) its person's side. When that
    person is the one whose value the field shows, the field follows their newer value."""
    mine = next((s for s in conflict.values if s.actor == side.actor), None)
    if mine is None:
        if same_value(current, side.value):
            return
        values = [*conflict.values, side]
    else:
        if same_value(mine.value, side.value):
            return
        if not wins(side, mine):
            state.notes.append(Superseded(pointer=pointer, loser=side, winner=mine))
            return
        state.notes.append(Superseded(pointer=pointer, loser=mine, winner=side))
        values = [side if s is mine else s for s in conflict.values]
        shown = state.field_meta.get(pointer)
        if shown is not None and shown.actor == side.actor:
            _set(state, pointer, tokens, side.value, side)
    state.conflicts[pointer] = Conflict(values=values, opened_at_version=conflict.opened_at_version)
    state.changed = state.conflicted = True
    state.notes.append(ConflictSideSet(pointer=pointer, side=side))


def merge_resolve(doc: Document, fields: dict[str, Any], *, actor: str, device: str, at: int) -> FieldChanges:
    state, paths = _start(doc, fields)
    for pointer, tokens in paths.items():
        conflict = state.conflicts.pop(pointer, None)
        if conflict is None:
            raise Rejection("no_conflict", f"{pointer} has no open conflict")
        value = fields[pointer]
        _set(state, pointer, tokens, value, ConflictSide(value=value, actor=actor, device=device, at=at, version=state.version))
        state.notes.append(ConflictResolved(pointer=pointer, value=value, by="resolve", conflict=conflict))
    return state

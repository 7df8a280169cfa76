"""What the server checks in a mutation's content: no personnummer anywhere, and the form's schema
(drafts may be incomplete but never ill-typed; submission needs a complete, valid document)."""

from __future__ import annotations

from typing import Any

from sync.document import DRAFT, Document
from sync.protocol import Acknowledge, Create, Edit, Mutation, Resolve, Return, SetMeta

from ..catalog import FormVersion
from ..privacy import contains_identity_number, find_identity_fields
from ..privacy.guard import first_identity_pointer


def identity_number_field(values: dict[str, Any]) -> str | None:
    """The first field (JSON Pointer) whose text holds a personnummer or samordningsnummer, else None."""
    for pointer, value in values.items():
        if isinstance(value, str):
            if contains_identity_number(value):
                return pointer
        elif isinstance(value, dict | list):
            found = find_identity_fields(value, pointer)
            if found:
                return found[0]
    return None


def identity_field_of(m: Mutation) -> str | None:
    """Where a mutation carries an identity number, named for a person (the field, never the value):
    every string a client sends is looked at, ids, keys and metadata included."""
    if contains_identity_number(m.doc_id):
        return "doc_id"
    for name in ("at", "base_version", "form_version"):  # numbers are kept too (audit, refused content)
        number = getattr(m, name, None)
        if number is not None and contains_identity_number(str(number)):
            return name
    if isinstance(m, Create):
        if contains_identity_number(m.form_id):
            return "form_id"
        return first_identity_pointer(m.data) or first_identity_pointer(m.meta, "meta")
    if isinstance(m, Edit | Resolve):
        for pointer, value in m.fields.items():
            if contains_identity_number(pointer):
                return "a field name"
            found = first_identity_pointer(value, pointer)
            if found is not None:
                return found
        return None
    if isinstance(m, SetMeta):
        return first_identity_pointer(m.meta, "meta")
    if isinstance(m, Return):
        return "reason" if contains_identity_number(m.reason) else None
    if isinstance(m, Acknowledge) and m.reflection:
        return "reflection" if contains_identity_number(m.reflection) else None
    return None


def without_nulls(data: dict[str, Any]) -> dict[str, Any]:
    """The data as the schema sees it: a field set to null was cleared, so it is absent (a required
    field that was cleared is then reported as missing). Arrays are values: kept as they are."""
    return {k: without_nulls(v) if isinstance(v, dict) else v for k, v in data.items() if v is not None}


def schema_errors(form: FormVersion, doc: Document) -> list[dict[str, str]]:
    """Field errors of the document's data for its status; empty when it may be stored."""
    check = form.validate_draft if doc.status == DRAFT else form.validate_complete
    return [{"field": e.field, "message": e.message} for e in check(without_nulls(doc.data))]


def describe(errors: list[dict[str, str]]) -> str:
    shown = "; ".join(f"{e['field'] or '(document)'}: {e['message']}" for e in errors)
    return f"The assessment does not match its form: {shown}"

"""What the server checks in a mutation's content: no personnummer anywhere, and the form's schema
(drafts may be incomplete but never ill-typed; submission needs a complete, valid document)."""

from __future__ import annotations

from typing import Any

from sync.document import DRAFT, Document

from ..catalog import FormVersion
from ..privacy import contains_identity_number, find_identity_fields


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


def schema_errors(form: FormVersion, doc: Document) -> list[dict[str, str]]:
    """Field errors of the document's data for its status; empty when it may be stored."""
    check = form.validate_draft if doc.status == DRAFT else form.validate_complete
    return [{"field": e.field, "message": e.message} for e in check(doc.data)]


def describe(errors: list[dict[str, str]]) -> str:
    shown = "; ".join(f"{e['field'] or '(document)'}: {e['message']}" for e in errors)
    return f"The assessment does not match its form: {shown}"

"""The draft variant of a form schema: the same types and choices, without completeness demands."""

from __future__ import annotations

from typing import Any

#: Keywords that say "fill this in" rather than "this is the wrong kind of value".
COMPLETENESS_KEYWORDS = frozenset({"required", "dependentRequired", "minProperties", "minItems", "minLength"})
SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "dependentSchemas")
SCHEMA_VALUES = ("additionalProperties", "unevaluatedProperties", "items", "unevaluatedItems", "then", "else")
SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
# "if", "not", "contains" and "propertyNames" are kept as they are: there "required" is a test, not a demand.


def draft_schema(schema: Any) -> Any:
    """A copy of ``schema`` with every completeness keyword removed, recursively (inside ``$defs``,
    nested objects and ``then``/``else`` branches too), so an incomplete draft passes but an
    ill-typed one does not."""
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in COMPLETENESS_KEYWORDS:
            continue
        if key in SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {name: draft_schema(sub) for name, sub in value.items()}
        elif key in SCHEMA_VALUES:
            out[key] = draft_schema(value)
        elif key in SCHEMA_LISTS and isinstance(value, list):
            out[key] = [draft_schema(sub) for sub in value]
        else:
            out[key] = value
    return out

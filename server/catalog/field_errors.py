"""Turn jsonschema's validation errors into (JSON Pointer, actionable English message) pairs."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

TYPE_NAMES = {
    "string": "text", "integer": "a whole number", "number": "a number", "boolean": "true or false",
    "object": "an object", "array": "a list", "null": "empty (null)",
}
FORMAT_MESSAGES = {
    "date": "Must be a date written YYYY-MM-DD.",
    "uuid": "Must be an assessment id (a UUID such as 3f2b8c1e-6a4d-4e8b-9c0a-1d2e3f4a5b6c).",
}
MAX_LISTED = 12


def pointer(path: Iterable[Any]) -> str:
    """A JSON Pointer (RFC 6901) for a path of keys and indexes; "" for the root."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def field_errors(validator: Draft202012Validator, data: object) -> list[tuple[str, str]]:
    """Every error in ``data``, one per field and problem, sorted by field."""
    found = {pair for error in validator.iter_errors(data) for pair in describe(error)}
    return sorted(found)


def describe(error: ValidationError) -> Iterator[tuple[str, str]]:
    """The (field, message) pairs for one jsonschema error."""
    where = pointer(error.absolute_path)
    if error.validator == "required":
        yield from _missing(error, where)
    elif error.validator == "additionalProperties" and isinstance(error.instance, dict):
        yield from _unknown(error, where)
    elif "propertyNames" in error.absolute_schema_path:
        yield f"{where}/{error.instance}", _bad_key(error)
    else:
        yield where, message(error)


def _missing(error: ValidationError, where: str) -> Iterator[tuple[str, str]]:
    instance = error.instance if isinstance(error.instance, dict) else {}
    for name in error.validator_value:
        if name not in instance:
            yield f"{where}/{name}", "This field is required."


def _unknown(error: ValidationError, where: str) -> Iterator[tuple[str, str]]:
    known = set(error.schema.get("properties", {}))
    patterns = list(error.schema.get("patternProperties", {}))
    for name in error.instance:
        if name not in known and not any(re.search(p, name) for p in patterns):
            yield f"{where}/{name}", f"Unknown field {name!r}: this form has no such field; remove it."


def _bad_key(error: ValidationError) -> str:
    problem = _choices(error) if error.validator == "enum" else message(error)
    return f"The key {json.dumps(error.instance, ensure_ascii=False)} is not allowed here. {problem}"


def message(error: ValidationError) -> str:
    """An English, actionable message for an error that is about the value itself."""
    keyword, expected = error.validator, error.validator_value
    if keyword == "type":
        kinds = expected if isinstance(expected, list) else [expected]
        return "Must be " + " or ".join(TYPE_NAMES.get(str(k), str(k)) for k in kinds) + "."
    if keyword == "enum":
        return f"{json.dumps(error.instance, ensure_ascii=False)} is not one of the choices. {_choices(error)}"
    if keyword == "const":
        return f"Must be {json.dumps(expected, ensure_ascii=False)}."
    if keyword in ("minimum", "exclusiveMinimum"):
        return f"Must be {'at least' if keyword == 'minimum' else 'more than'} {expected}."
    if keyword in ("maximum", "exclusiveMaximum"):
        return f"Must be {'at most' if keyword == 'maximum' else 'less than'} {expected}."
    if keyword == "minLength":
        return "Must not be empty." if expected == 1 else f"Must be at least {expected} characters."
    if keyword == "maxLength":
        return f"Must be at most {expected} characters (this is {len(error.instance)}); shorten it."
    if keyword == "format":
        return FORMAT_MESSAGES.get(expected, f"Must be a valid {expected}.")
    if keyword == "uniqueItems":
        return "Must not list the same item twice."
    if keyword in ("minItems", "maxItems"):
        return f"Must have {'at least' if keyword == 'minItems' else 'at most'} {expected} items."
    return error.message


def _choices(error: ValidationError) -> str:
    values = error.validator_value if isinstance(error.validator_value, list) else []
    shown = ", ".join(json.dumps(v, ensure_ascii=False) for v in values[:MAX_LISTED])
    more = ", …" if len(values) > MAX_LISTED else ""
    return f"Use one of: {shown}{more}."

"""ui.json against schema.json: every property shown exactly once, every field a property, and each
widget fitting the kind of value it edits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import CatalogError
from .files import shown
from .model import Vocabulary
from .refs import deref

SIMPLE_WIDGET_TYPES = {
    "text": {"string"}, "textarea": {"string"}, "number": {"integer", "number"}, "date": {"string"},
    "checkbox": {"boolean"}, "delmal": {"object"},
}


def ui_fields(ui: dict[str, Any]) -> list[dict[str, Any]]:
    return [field for section in ui["sections"] for field in section["fields"]]


def property_at(schema: dict[str, Any], field_pointer: str) -> Any | None:
    """The (unresolved) schema of the property a ui pointer names, following ``properties`` only."""
    node: Any = schema
    for part in field_pointer.lstrip("/").split("/"):
        properties = (deref(schema, node) or {}).get("properties")
        if not isinstance(properties, dict) or part not in properties:
            return None
        node = properties[part]
    return node


def uncovered_properties(schema: dict[str, Any], node: dict[str, Any], prefix: str, shown_fields: set[str]) -> list[str]:
    """Pointers of schema properties no ui field covers (a nested object may be covered whole or by its leaves)."""
    missing = []
    for name, sub in node.get("properties", {}).items():
        here = f"{prefix}/{name}"
        resolved = deref(schema, sub) or {}
        if here in shown_fields:
            continue
        if "properties" in resolved:
            missing += uncovered_properties(schema, resolved, here, shown_fields)
        else:
            missing.append(here)
    return missing


def check_ui(root: Path, folder: Path, schema: dict[str, Any], ui: dict[str, Any],
             vocabularies: tuple[Vocabulary, ...]) -> None:
    """Raise CatalogError (naming ui.json) when ui.json and schema.json do not describe the same fields."""
    where = shown(root, folder / "ui.json")
    by_urn = {v.urn: v for v in vocabularies}
    pointers = [field["field"] for field in ui_fields(ui)]
    _check_each_once(where, pointers)
    for field in ui_fields(ui):
        node = property_at(schema, field["field"])
        if node is None:
            raise CatalogError(f"{where}: field {field['field']} is not a property in schema.json; "
                               "add it to the schema or remove it from the UI.")
        problem = widget_problem(field, node, deref(schema, node) or {}, by_urn)
        if problem:
            raise CatalogError(f"{where}: field {field['field']}: {problem}")
        _check_show_if(where, schema, field, by_urn)
    missing = uncovered_properties(schema, schema, "", set(pointers))
    if missing:
        raise CatalogError(f"{where} has no field for schema.json propert{'y' if len(missing) == 1 else 'ies'} "
                           f"{', '.join(missing)}; every property must appear exactly once in the UI.")


def check_filled_by(root: Path, folder: Path, ui: dict[str, Any], editors: tuple[str, ...]) -> None:
    """Raise CatalogError (naming ui.json) when a section is filled in by someone who may not edit
    the form at all (``filled_by`` must name workflow editors only)."""
    for section in ui["sections"]:
        strangers = [r for r in section.get("filled_by", ()) if r not in editors]
        if strangers:
            raise CatalogError(
                f"{shown(root, folder / 'ui.json')}: section {section['id']!r} is filled_by {', '.join(strangers)}, "
                f"who {'is' if len(strangers) == 1 else 'are'} not among the workflow's editors "
                f"({', '.join(editors)}); name editors only, or add them to editors in workflow.json.")


def check_optional_sections(root: Path, folder: Path, schema: dict[str, Any], ui: dict[str, Any]) -> None:
    """Raise CatalogError (naming ui.json) when a section marked ``optional`` (opened folded, so easy to
    pass by) holds a field the schema requires: it could never be completed without opening it."""
    required = {f"/{name}" for name in schema.get("required", ())}
    for section in ui["sections"]:
        needed = [f["field"] for f in section["fields"] if f["field"] in required]
        if section.get("optional") and needed:
            raise CatalogError(
                f"{shown(root, folder / 'ui.json')}: section {section['id']!r} is optional but schema.json requires "
                f"{', '.join(needed)}; move the required field to another section, or drop optional.")


def _check_each_once(where: str, pointers: list[str]) -> None:
    for i, pointer in enumerate(pointers):
        if pointer in pointers[:i]:
            raise CatalogError(f"{where}: field {pointer} appears more than once.")
        inner = [p for p in pointers if p.startswith(pointer + "/")]
        if inner:
            raise CatalogError(f"{where}: field {pointer} is shown whole and again as {inner[0]}.")


def allowed_values(node: Any, resolved: dict[str, Any], by_urn: dict[str, Vocabulary]) -> list[Any] | None:
    """The values a property may take when it is a choice (vocabulary, enum or const), else None."""
    vocab = by_urn.get(str(node.get("$ref"))) if isinstance(node, dict) else None
    if vocab is not None:
        return vocab.values
    if "enum" in resolved:
        return list(resolved["enum"])
    if "const" in resolved:
        return [resolved["const"]]
    return None


def widget_problem(field: dict[str, Any], node: Any, resolved: dict[str, Any],
                   by_urn: dict[str, Vocabulary]) -> str | None:
    """What is wrong with using ``field``'s widget for this property, or None."""
    widget = field["widget"]
    has_vocabulary = isinstance(node, dict) and node.get("$ref") in by_urn
    if widget == "scale":
        return None if has_vocabulary else "a scale must refer to a vocabulary ($ref urn:bedside:vocabulary:<id>:<version>)."
    if widget == "choice":
        return _choice_problem(field.get("options"), allowed_values(node, resolved, by_urn), has_vocabulary)
    if widget == "choices":
        return _choices_problem(field.get("options"), resolved, by_urn)
    expected = SIMPLE_WIDGET_TYPES[widget]
    types = resolved.get("type")
    found = set(types) if isinstance(types, list) else {types}
    if not found <= expected:
        return f"a {widget} widget needs a property of type {' or '.join(sorted(expected))}, not {types}."
    if widget == "date" and resolved.get("format") != "date":
        return 'a date widget needs "format": "date" in the schema.'
    return None


def _choice_problem(options: dict[str, Any] | None, values: list[Any] | None, has_vocabulary: bool) -> str | None:
    if values is None:
        return "a choice needs an enum or a vocabulary in the schema."
    if options is None:
        return None if has_vocabulary else "a choice over an enum needs options: sv and en labels for each value."
    expected = {str(v) for v in values}
    if set(options) != expected:
        return f"options {sorted(options)} must label exactly the schema's values {sorted(expected)}."
    return None


def _choices_problem(options: dict[str, Any] | None, resolved: dict[str, Any], by_urn: dict[str, Vocabulary]) -> str | None:
    """A multiple choice is an array of distinct values from an enum or a vocabulary."""
    items = resolved.get("items")
    if resolved.get("type") != "array" or not isinstance(items, dict) or resolved.get("uniqueItems") is not True:
        return 'a choices widget needs "type": "array" with "uniqueItems": true and "items" that are a choice.'
    has_vocabulary = items.get("$ref") in by_urn
    return _choice_problem(options, allowed_values(items, items, by_urn), has_vocabulary)


def _check_show_if(where: str, schema: dict[str, Any], field: dict[str, Any], by_urn: dict[str, Vocabulary]) -> None:
    rule = field.get("show_if")
    if rule is None:
        return
    node = property_at(schema, rule["field"])
    if node is None:
        raise CatalogError(f"{where}: field {field['field']} is shown depending on {rule['field']}, "
                           "which is not a property in schema.json.")
    values = allowed_values(node, deref(schema, node) or {}, by_urn)
    if values is not None and rule["equals"] not in values:
        raise CatalogError(f"{where}: field {field['field']} is shown when {rule['field']} equals "
                           f"{rule['equals']!r}, which is not one of its values {values}.")

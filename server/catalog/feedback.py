"""Feedback rules (``schemas/feedback/<id>/<version>.json``): the prompts and gentle hints of a form's
feedback fields (seed 000, "Strukturerad återkoppling": concrete, about behaviour, reinforcing and
corrective, an agreed next step). Loading and checking them, and ``feedback_hints``, the pure rule
evaluation the PWA repeats in ``pwa/js/feedback.js`` (tests/data/feedback_hints.json holds the cases
both must agree on). Hints are advice: they never stop saving or signing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import CatalogError
from .files import shown
from .meta import MetaSchemas
from .model import FeedbackRules
from .refs import deref
from .vocabularies import read_versioned_file

#: what trimming removes at both ends of a text before it is measured (the same set as the PWA's)
WHITESPACE = " \t\n\v\f\r\u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
             "\u2028\u2029\u202f\u205f\u3000\ufeff"


@dataclass(frozen=True)
class FeedbackHint:
    """One rule that holds for a document's data: its ``code`` and the ``field`` (JSON Pointer) it is about."""

    code: str
    field: str


def text_length(value: Any) -> int:
    """Characters (code points) of a text after trimming white space; 0 for anything that is not text."""
    return len(value.strip(WHITESPACE)) if isinstance(value, str) else 0


def value_at(data: Any, pointer: str) -> Any:
    """The value at a JSON Pointer of the form ``/a/b`` (the meta-schema allows no escapes), or None."""
    node = data
    for key in pointer[1:].split("/"):
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def rule_holds(rule: dict[str, Any], data: Any) -> bool:
    """Whether one rule's hint applies to ``data`` (see the kinds in schemas/meta/feedback-meta.schema.json)."""
    short = text_length(value_at(data, rule["field"])) < rule["min"]
    if rule["kind"] == "only_corrective":
        return short and text_length(value_at(data, rule["corrective"])) > 0
    return short


def feedback_hints(rules: dict[str, Any], data: Any) -> list[FeedbackHint]:
    """Every hint that holds for ``data``, in the rules' order (a field shows the first of its own)."""
    return [FeedbackHint(r["code"], r["field"]) for r in rules["rules"] if rule_holds(r, data)]


def asks_before_signing(rules: dict[str, Any], data: Any) -> bool:
    """Whether signing ``data`` asks once for confirmation (a ``required_for_sign`` rule holds)."""
    return any(r["kind"] == "required_for_sign" and rule_holds(r, data) for r in rules["rules"])


# --- loading -----------------------------------------------------------------------------------------

def feedback_path(root: Path, rules_id: str, version: int) -> Path:
    return root / "feedback" / rules_id / f"{version}.json"


def load_feedback_rules(root: Path, meta: MetaSchemas, rules_id: str, entry: dict[str, Any]) -> FeedbackRules:
    """Read, hash-check (when published) and check one version of feedback rules listed in catalog.json."""
    path = feedback_path(root, rules_id, entry["version"])
    content, content_hash = read_versioned_file(root, meta, "feedback", path, rules_id, entry)
    codes = [r["code"] for r in content["rules"]]
    twice = sorted({c for c in codes if codes.count(c) > 1})
    if twice:
        raise CatalogError(f"{shown(root, path)} uses the rule code(s) {', '.join(twice)} more than once.")
    return FeedbackRules(id=rules_id, version=entry["version"], content=content, content_hash=content_hash,
                         status=entry["status"])


def form_feedback_rules(root: Path, form_id: str, version: int, status: str, ref: str | None,
                        schema: dict[str, Any], ui: dict[str, Any],
                        known: dict[tuple[str, int], FeedbackRules]) -> FeedbackRules | None:
    """The rules a form version's catalog entry names (``feedback_rules``), checked against that version:
    every pointer they name is a text field of its schema and its ui."""
    if ref is None:
        return None
    listing = shown(root, root / "catalog.json")
    rules_id, _, number = ref.partition(":")
    rules = known.get((rules_id, int(number)))
    if rules is None:
        raise CatalogError(f"{listing}: feedback_rules {ref!r} of {form_id} version {version} names feedback rules "
                           "that catalog.json does not list.")
    if status == "published" and rules.status != "published":
        raise CatalogError(f"{listing}: the published {form_id} version {version} names feedback_rules {ref!r}, "
                           "which is only a draft; publish the rules first.")
    folder = root / "forms" / form_id / str(version)
    on_screen = {f["field"]: f.get("widget") for s in ui["sections"] for f in s["fields"]}
    for pointer in rules.pointers:
        prop = _schema_field(schema, pointer)
        problem = (f"is not a field of {shown(root, folder / 'schema.json')}" if prop is None else
                   f"is not a text field of {shown(root, folder / 'schema.json')}"
                   if not isinstance(prop, dict) or prop.get("type") != "string" else
                   f"{shown(root, folder / 'ui.json')} does not show as text"
                   if on_screen.get(pointer) not in ("text", "textarea") else None)
        if problem:
            raise CatalogError(
                f"{listing}: feedback_rules {ref!r} of {form_id} version {version}: "
                f"{shown(root, feedback_path(root, rules.id, rules.version))} names {pointer}, which {problem}; "
                "name that version's text fields only, or leave feedback_rules out.")
    return rules


def _schema_field(schema: dict[str, Any], pointer: str) -> Any:
    node: Any = schema
    for key in pointer[1:].split("/"):
        node = deref(schema, node)
        props = node.get("properties") if isinstance(node, dict) else None
        if not isinstance(props, dict) or key not in props:
            return None
        node = props[key]
    return deref(schema, node)

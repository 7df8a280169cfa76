"""One tree of items per form version, from its ui sections and its JSON Schema: the Questionnaire's
items, and the shape every QuestionnaireResponse to it mirrors.

- a ui section is a ``group`` (linkId: the section's id, text: its title);
- a ui field is an item whose linkId is its JSON Pointer (``/focus``), typed by its widget and schema:
  text → ``string``, textarea → ``text``, number → ``integer`` (or ``decimal`` for a JSON number),
  scale and choice (any vocabulary, enum or const) → ``choice``, checkbox → ``boolean``, date → ``date``;
- an object is a ``group`` of its properties; an object keyed by a vocabulary or an enum (the
  Slutbedömning's delmål) is a group per key (``/delmal/BT1``, prefix ``BT1``, text the term's label);
- an array repeats its items' kind (``repeats``); an array of objects is a repeating group whose
  children's linkIds have ``*`` for the index (``/rows/*/name``);
- anything else (an unknown widget over a free-keyed object, an array of arrays, a schema without a
  type) is a ``text`` item holding the value as JSON: mapped, never a crash.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from ..catalog import FormVersion, Vocabulary
from ..catalog.refs import deref
from ..catalog.ui_check import allowed_values

__all__ = ["Item", "Option", "Text", "code_of", "item_tree"]

#: a label: Swedish (``sv``) and, mostly, English (``en``)
Text = dict[str, str]

#: properties inside a ui field that ui.json does not label: the rows of the Slutbedömning's delmål,
#: labelled and given a widget as the PWA does (``DELMAL_LABELS`` in pwa/js/render/form.js)
NESTED_FIELDS: dict[str, tuple[Text, str | None]] = {
    "outcome": ({"sv": "Bedömning", "en": "Assessment"}, "choice"),
    "how_checked": ({"sv": "Hur har det kontrollerats?", "en": "How was it checked?"}, "textarea"),
    "evidence": ({"sv": "Bedömningar som visar det", "en": "Assessments that show it"}, None),
}
STRING_FORMATS = {"date": "date", "date-time": "dateTime", "time": "time"}


@dataclass(frozen=True)
class Option:
    """One allowed value of a choice: the JSON value, its code (the value as a string) and its label."""

    value: Any
    code: str
    display: Text


@dataclass(frozen=True)
class Item:
    """One Questionnaire item. ``path``: where its value lies in its parent's data (a section: ``()``,
    it reads its parent's data itself); ``repeats``: the value is a JSON array, one answer (or one
    group) per element; ``as_json``: a ``text`` item holding a value no FHIR type fits, as JSON."""

    link_id: str
    text: Text
    type: str
    path: tuple[str, ...] = ()
    required: bool = False
    repeats: bool = False
    as_json: bool = False
    prefix: str | None = None
    max_length: int | None = None
    system: str | None = None
    options: tuple[Option, ...] = ()
    #: shown only when the item with this linkId has this value (ui.json's ``show_if``)
    show_if: tuple[str, Any] | None = None
    children: tuple[Item, ...] = ()


def code_of(value: Any) -> str:
    """A choice's value as a FHIR code: a string as it is, anything else as JSON (``7``, ``true``)."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def item_tree(form: FormVersion) -> tuple[Item, ...]:
    """The form version's items: a group per ui section, in ui order, an item per ui field inside."""
    build = _Builder(form)
    return tuple(Item(link_id=section["id"], text=section["title"], type="group",
                      children=tuple(build.field(f) for f in section["fields"]))
                 for section in form.ui["sections"])


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _unescape(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~")


def _type_of(schema: dict[str, Any]) -> Any:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind is None and "properties" in schema:
        return "object"
    return kind


class _Builder:
    def __init__(self, form: FormVersion) -> None:
        self.form = form
        self.by_urn: dict[str, Vocabulary] = {v.urn: v for v in form.vocabularies}

    def field(self, ui_field: dict[str, Any]) -> Item:
        pointer = ui_field["field"]
        path = tuple(_unescape(p) for p in pointer[1:].split("/"))
        node, required = self._property(path)
        item = self.node(pointer, path, ui_field["label"], node, required=required, widget=ui_field.get("widget"),
                         labels=ui_field.get("options"))
        rule = ui_field.get("show_if")
        return replace(item, show_if=(rule["field"], rule["equals"])) if rule else item

    def _property(self, path: tuple[str, ...]) -> tuple[Any, bool]:
        """The schema of the property at ``path`` (None if there is none) and whether it is required:
        required in its parent, and every parent in its own."""
        node: Any = self.form.schema
        required = True
        for key in path:
            parent = self._resolved(node)
            required = required and key in parent.get("required", [])
            node = parent.get("properties", {}).get(key)
        return node, required

    def _resolved(self, node: Any) -> dict[str, Any]:
        resolved = deref(self.form.schema, node) if isinstance(node, dict) else None
        return resolved if isinstance(resolved, dict) else {}

    def node(self, link_id: str, path: tuple[str, ...], text: Text, node: Any, *, required: bool = False,
             widget: str | None = None, labels: dict[str, Text] | None = None, under: str | None = None) -> Item:
        """The item for a value of schema ``node``; ``under``: the linkId its children's start with
        (its own, or ``<its own>/*`` for the elements of an array)."""
        resolved = self._resolved(node)
        base = Item(link_id=link_id, text=text, type="string", path=path, required=required)
        values = allowed_values(node, resolved, self.by_urn) if isinstance(node, dict) else None
        if values is not None:
            vocabulary = self.by_urn.get(str(node.get("$ref")))
            system = vocabulary.urn if vocabulary else \
                f"urn:bedside:form:{self.form.form_id}:{self.form.version}:{link_id[1:]}"
            return replace(base, type="choice", system=system, options=_options(values, vocabulary, labels))
        kind = _type_of(resolved)
        if kind == "boolean":
            return replace(base, type="boolean")
        if kind in ("integer", "number"):
            return replace(base, type="integer" if kind == "integer" else "decimal")
        if kind == "string":
            max_length = resolved.get("maxLength")
            fhir_type = STRING_FORMATS.get(resolved.get("format", ""), "text" if widget == "textarea" else "string")
            return replace(base, type=fhir_type,
                           max_length=max_length if isinstance(max_length, int) and fhir_type in ("string", "text")
                           else None)
        if kind == "object":
            return self._group(base, resolved, under or link_id)
        if kind == "array":
            return self._array(base, resolved, widget, labels)
        return replace(base, type="text", as_json=True)

    def _group(self, base: Item, schema: dict[str, Any], under: str) -> Item:
        required_keys = schema.get("required", [])
        properties = schema.get("properties", {})
        children = []
        for name, sub in properties.items():
            label, widget = NESTED_FIELDS.get(name, (None, None))
            title = self._resolved(sub).get("title")
            text = label or ({"sv": title} if isinstance(title, str) else {"sv": name})
            children.append(self.node(f"{under}/{_escape(name)}", (name,), text, sub, required=name in required_keys,
                                      widget=widget))
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            for option in self._keys(schema.get("propertyNames")):
                if option.code not in properties:
                    child = self.node(f"{under}/{_escape(option.code)}", (option.code,), option.display, extra,
                                      required=option.code in required_keys)
                    children.append(replace(child, prefix=option.code))
        if not children:
            return replace(base, type="text", as_json=True)
        return replace(base, type="group", children=tuple(children))

    def _keys(self, names: Any) -> tuple[Option, ...]:
        """The keys an object may have when its ``propertyNames`` lists them (a vocabulary or an enum)."""
        if not isinstance(names, dict):
            return ()
        values = allowed_values(names, self._resolved(names), self.by_urn)
        keys = [v for v in values or () if isinstance(v, str)]
        return _options(keys, self.by_urn.get(str(names.get("$ref"))), None)

    def _array(self, base: Item, schema: dict[str, Any], widget: str | None,
               labels: dict[str, Text] | None = None) -> Item:
        inner = self.node(base.link_id, base.path, base.text, schema.get("items"), required=base.required,
                          widget=widget, labels=labels, under=f"{base.link_id}/*")
        if inner.repeats or inner.as_json:
            return replace(base, type="text", as_json=True)
        return replace(inner, repeats=True)


def _options(values: list[Any], vocabulary: Vocabulary | None, labels: dict[str, Text] | None) -> tuple[Option, ...]:
    """Each value with its label: the ui field's ``options``, else the vocabulary term's, else the code."""
    terms = {code_of(t["value"]): t["label"] for t in vocabulary.content["terms"]} if vocabulary else {}
    return tuple(Option(value=v, code=code_of(v), display=(labels or {}).get(code_of(v)) or terms.get(code_of(v))
                        or {"sv": code_of(v)})
                 for v in values)

"""``$ref``s in form schemas: local ones (``#/...``) and vocabulary URNs, nothing else."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .errors import CatalogError
from .files import shown
from .model import Vocabulary

VOCABULARY_REF = re.compile(r"^urn:bedside:vocabulary:([a-z0-9]+(?:-[a-z0-9]+)*):([1-9][0-9]*)$")
VALUE_KEYWORDS = frozenset({"enum", "const", "default", "examples"})  # data, not subschemas


def iter_refs(node: Any) -> Iterator[str]:
    """Every ``$ref`` (and ``$dynamicRef``) value in a schema, depth first."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("$ref", "$dynamicRef") and isinstance(value, str):
                yield value
            elif key not in VALUE_KEYWORDS:
                yield from iter_refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from iter_refs(item)


def resolve_local(schema: dict[str, Any], ref: str) -> Any | None:
    """The subschema a ``#/json/pointer`` ref names inside ``schema``, or None."""
    if ref == "#":
        return schema
    if not ref.startswith("#/"):
        return None
    node: Any = schema
    for part in ref[2:].split("/"):
        key = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            return None
    return node


def deref(schema: dict[str, Any], node: Any) -> Any:
    """Follow local ``$ref``s from ``node`` until a schema without one (vocabulary refs are kept)."""
    seen: set[str] = set()
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#"):
        if node["$ref"] in seen:
            return node
        seen.add(node["$ref"])
        node = resolve_local(schema, node["$ref"])
    return node


def referenced_vocabularies(root: Path, path: Path, schema: dict[str, Any], status: str,
                            known: dict[tuple[str, int], Vocabulary]) -> tuple[Vocabulary, ...]:
    """The vocabularies ``schema`` refers to; CatalogError for a ref that does not resolve."""
    found: dict[tuple[str, int], Vocabulary] = {}
    for ref in iter_refs(schema):
        if ref.startswith("#"):
            if resolve_local(schema, ref) is None:
                raise CatalogError(f"{shown(root, path)}: $ref {ref!r} points at nothing in this schema.")
            continue
        match = VOCABULARY_REF.match(ref)
        if match is None:
            raise CatalogError(f"{shown(root, path)}: $ref {ref!r} is neither a local ref (#/...) nor a "
                               "vocabulary (urn:bedside:vocabulary:<id>:<version>).")
        key = (match.group(1), int(match.group(2)))
        vocab = known.get(key)
        if vocab is None:
            raise CatalogError(f"{shown(root, path)}: $ref {ref!r} refers to vocabulary {key[0]} version {key[1]}, "
                               "which catalog.json does not list.")
        if status == "published" and vocab.status != "published":
            raise CatalogError(f"{shown(root, path)}: this published form refers to {ref!r}, which is only a "
                               "draft; publish the vocabulary first.")
        found[key] = vocab
    return tuple(found[key] for key in sorted(found))

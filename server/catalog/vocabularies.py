"""Loading vocabularies and exposing each as a schema resource (an ``enum`` of its values)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .errors import CatalogError
from .files import parse_json, read_bytes, sha256_hex, shown
from .meta import MetaSchemas
from .model import Vocabulary

SCHEMA_2020_12 = "https://json-schema.org/draft/2020-12/schema"


def vocabulary_path(root: Path, vocab_id: str, version: int) -> Path:
    return root / "vocabularies" / vocab_id / f"{version}.json"


def load_vocabulary(root: Path, meta: MetaSchemas, vocab_id: str, entry: dict[str, Any]) -> Vocabulary:
    """Read, hash-check (when published) and check one vocabulary version listed in catalog.json."""
    path = vocabulary_path(root, vocab_id, entry["version"])
    content, content_hash = read_versioned_file(root, meta, "vocabulary", path, vocab_id, entry)
    _check_terms(root, path, content)
    return Vocabulary(id=vocab_id, version=entry["version"], content=content, content_hash=content_hash,
                      status=entry["status"])


def read_versioned_file(root: Path, meta: MetaSchemas, kind: str, path: Path, item_id: str,
                        entry: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """One version of a one-file catalog item (a vocabulary, feedback rules): its bytes match the hash
    catalog.json recorded when it is published, it fits its meta-schema and says which it is. Returns
    the content and ``sha256:<hex>`` of the bytes."""
    version = entry["version"]
    raw = read_bytes(root, path)
    digest = sha256_hex(raw)
    if entry["status"] == "published" and digest != entry.get("sha256"):
        what = "feedback rules" if kind == "feedback" else kind
        raise CatalogError(
            f"{shown(root, path)} has changed but version {version} of {what} {item_id} is published; "
            "published versions are immutable: publish the change as a new version")
    content = parse_json(root, path, raw)
    meta.check(kind, content, root, path)
    if content["id"] != item_id or content["version"] != version:
        raise CatalogError(f"{shown(root, path)} says it is {content['id']} version {content['version']}, "
                           f"but its place in the catalog is {item_id} version {version}.")
    return content, f"sha256:{digest}"


def _check_terms(root: Path, path: Path, content: dict[str, Any]) -> None:
    values = [term["value"] for term in content["terms"]]
    duplicates = sorted({repr(v) for v in values if values.count(v) > 1})
    if duplicates:
        raise CatalogError(f"{shown(root, path)} lists the term value(s) {', '.join(duplicates)} more than once.")
    bands = {band["id"] for band in content.get("bands", [])}
    for term in content["terms"]:
        if "band" in term and term["band"] not in bands:
            raise CatalogError(f"{shown(root, path)}: term {term['value']!r} is in band {term['band']!r}, "
                               "which is not in the vocabulary's bands.")
    not_observed = content.get("not_observed")
    if not_observed is not None and not_observed not in values:
        raise CatalogError(f"{shown(root, path)}: not_observed is {not_observed!r}, which is not a term value.")


def vocabulary_schema(vocab: Vocabulary) -> dict[str, Any]:
    """The schema a form's ``$ref`` to this vocabulary resolves to: any one of its term values."""
    return {"$schema": SCHEMA_2020_12, "enum": vocab.values}


def vocabulary_registry(vocabularies: list[Vocabulary]) -> Registry:
    """A ``referencing`` registry with one resource per vocabulary, at its URN."""
    resources: list[tuple[str, Resource[Any]]] = [
        (v.urn, DRAFT202012.create_resource(vocabulary_schema(v))) for v in vocabularies
    ]
    return Registry().with_resources(resources)

"""``load_catalog``: read ``schemas/``, check everything, and return a Catalog (or raise CatalogError)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import CatalogError
from .files import read_json, shown
from .feedback import load_feedback_rules
from .forms import load_form_version
from .meta import load_meta_schemas
from .model import Catalog
from .vocabularies import load_vocabulary, vocabulary_registry

__all__ = ["CatalogError", "load_catalog"]


def load_catalog(root: Path) -> Catalog:
    """Load the catalog under ``root`` (the ``schemas`` folder). Every listed form version and
    vocabulary is read and checked; published ones must match the hashes in catalog.json."""
    root = Path(root)
    meta = load_meta_schemas(root)
    listing = read_json(root, root / "catalog.json")
    meta.check("catalog", listing, root, root / "catalog.json")
    check_unique_entries(root, listing)
    check_nothing_unlisted(root, listing)
    vocabularies = [load_vocabulary(root, meta, v["id"], entry) for v in listing["vocabularies"] for entry in v["versions"]]
    known = {(v.id, v.version): v for v in vocabularies}
    registry = vocabulary_registry(vocabularies)
    feedback = {(r.id, r.version): r for r in (load_feedback_rules(root, meta, item["id"], entry)
                                                for item in listing.get("feedback", []) for entry in item["versions"])}
    forms = [load_form_version(root, meta, form, entry, known, registry, feedback)
             for form in listing["forms"] for entry in form["versions"]]
    return Catalog(forms, vocabularies)


def check_unique_entries(root: Path, listing: dict[str, Any]) -> None:
    """No form or vocabulary (or version of one) is listed twice."""
    for kind in ("forms", "vocabularies", "feedback"):
        seen: set[tuple[str, int]] = set()
        for item in listing.get(kind, []):
            for entry in item["versions"]:
                key = (item["id"], entry["version"])
                if key in seen:
                    what = "feedback rules" if kind == "feedback" else kind[:-1]
                    raise CatalogError(f"{shown(root, root / 'catalog.json')} lists {what} {key[0]} "
                                       f"version {key[1]} twice.")
                seen.add(key)


def check_nothing_unlisted(root: Path, listing: dict[str, Any]) -> None:
    """Every folder under forms/ and file under vocabularies/ and feedback/ must be listed in catalog.json."""
    forms = {(f["id"], str(e["version"])) for f in listing["forms"] for e in f["versions"]}
    vocabularies = {(v["id"], f"{e['version']}.json") for v in listing["vocabularies"] for e in v["versions"]}
    feedback = {(v["id"], f"{e['version']}.json") for v in listing.get("feedback", []) for e in v["versions"]}
    for kind, listed in (("forms", forms), ("vocabularies", vocabularies), ("feedback", feedback)):
        for path in _entries(root / kind):
            if not any(item_id == path.name for item_id, _ in listed):
                raise CatalogError(f"{shown(root, path)} is not listed in catalog.json; list it (as a draft) "
                                   "or remove it.")
            for inner in _entries(path):
                if (path.name, inner.name) not in listed:
                    raise CatalogError(f"{shown(root, inner)} is not listed in catalog.json; list it (as a draft) "
                                       "or remove it.")


def _entries(folder: Path) -> list[Path]:
    """The non-hidden entries of a folder (none when it does not exist)."""
    return sorted(p for p in folder.iterdir() if not p.name.startswith(".")) if folder.is_dir() else []

"""Content hashes: of files, of form versions, and what catalog.json should list."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from .files import sha256_hex

FORM_FILES = ("schema.json", "ui.json", "workflow.json")


def file_hashes(folder: Path) -> dict[str, str]:
    """sha256 (hex) of the raw bytes of each of a form version's three files that exists."""
    return {name: sha256_hex((folder / name).read_bytes()) for name in FORM_FILES if (folder / name).is_file()}


def form_content_hash(files: dict[str, str]) -> str:
    """``sha256:<hex>`` over the sorted file names and their hashes: one value per form version."""
    text = "".join(f"{name}\n{files[name]}\n" for name in sorted(FORM_FILES))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def compute_hashes(root: Path) -> dict[str, Any]:
    """catalog.json as it should be: every listed entry with freshly computed hashes, plus every form
    version folder and vocabulary file on disk that is not listed yet (as a draft). A maintainer
    publishes a version by setting its status to "published" and storing these hashes."""
    listed = _read_listing(root)
    forms = [_form_with_hashes(root, form) for form in _with_unlisted_forms(root, listed.get("forms", []))]
    vocabularies = [_vocabulary_with_hashes(root, v) for v in _with_unlisted_vocabularies(root, listed.get("vocabularies", []))]
    out = {"forms": forms, "vocabularies": vocabularies}
    feedback = [_vocabulary_with_hashes(root, v, "feedback")
                for v in _with_unlisted_vocabularies(root, listed.get("feedback", []), "feedback")]
    if feedback or "feedback" in listed:
        out["feedback"] = feedback
    return out


def _read_listing(root: Path) -> dict[str, Any]:
    path = root / "catalog.json"
    return json.loads(path.read_text("utf-8")) if path.is_file() else {}


def _form_with_hashes(root: Path, form: dict[str, Any]) -> dict[str, Any]:
    versions = []
    for entry in form["versions"]:
        folder = root / "forms" / form["id"] / str(entry["version"])
        versions.append({**entry, "files": file_hashes(folder)})
    return {**form, "versions": versions}


def _vocabulary_with_hashes(root: Path, vocab: dict[str, Any], folder: str = "vocabularies") -> dict[str, Any]:
    """A vocabulary's (or feedback rules') listing with each version's file hash."""
    versions = []
    for entry in vocab["versions"]:
        path = root / folder / vocab["id"] / f"{entry['version']}.json"
        versions.append({**entry, "sha256": sha256_hex(path.read_bytes()) if path.is_file() else None})
    return {**vocab, "versions": versions}


def _with_unlisted_forms(root: Path, forms: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_id = {f["id"]: {**f, "versions": list(f["versions"])} for f in forms}
    for folder in sorted((root / "forms").glob("*/*")):
        if not (folder.is_dir() and folder.name.isdigit()):
            continue
        form = by_id.setdefault(folder.parent.name, {"id": folder.parent.name, "instrument": folder.parent.name, "versions": []})
        if all(v["version"] != int(folder.name) for v in form["versions"]):
            form["versions"].append({"version": int(folder.name), "status": "draft"})
    return list(by_id.values())


def _with_unlisted_vocabularies(root: Path, vocabularies: list[dict[str, Any]],
                                folder: str = "vocabularies") -> list[dict[str, Any]]:
    by_id = {v["id"]: {**v, "versions": list(v["versions"])} for v in vocabularies}
    for path in sorted((root / folder).glob("*/*.json")):
        if not path.stem.isdigit():
            continue
        vocab = by_id.setdefault(path.parent.name, {"id": path.parent.name, "versions": []})
        if all(v["version"] != int(path.stem) for v in vocab["versions"]):
            vocab["versions"].append({"version": int(path.stem), "status": "draft"})
    return list(by_id.values())

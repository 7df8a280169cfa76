"""Each form version's examples: valid ones must pass, invalid ones must fail, and there must be enough."""

from __future__ import annotations

from pathlib import Path

from .errors import CatalogError
from .files import read_json, shown
from .model import FieldError, FormVersion

MIN_VALID = 2
MIN_INVALID = 3


def example_files(folder: Path, kind: str) -> list[Path]:
    """``examples/<kind>/*.json`` of a form version folder, sorted by name."""
    return sorted((folder / "examples" / kind).glob("*.json"))


def check_examples(root: Path, folder: Path, form: FormVersion) -> None:
    """Raise CatalogError naming the example file that is not what its folder says it is."""
    valid, invalid = example_files(folder, "valid"), example_files(folder, "invalid")
    if len(valid) < MIN_VALID or len(invalid) < MIN_INVALID:
        raise CatalogError(f"{shown(root, folder / 'examples')} has {len(valid)} valid and {len(invalid)} invalid "
                           f"examples; at least {MIN_VALID} valid and {MIN_INVALID} invalid are required.")
    for path in valid:
        errors = form.validate_complete(read_json(root, path))
        if errors:
            raise CatalogError(f"{shown(root, path)} is a valid example but fails validation: {summary(errors)}")
    for path in invalid:
        if not form.validate_complete(read_json(root, path)):
            raise CatalogError(f"{shown(root, path)} is an invalid example but passes validation; "
                               "make the example invalid or tighten the schema.")


def summary(errors: list[FieldError]) -> str:
    return "; ".join(f"{e.field or '(document)'}: {e.message}" for e in errors[:5])

"""Our meta-schemas (``schemas/meta/*.schema.json``): the shape every catalog file must have."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError, best_match

from .errors import CatalogError
from .field_errors import pointer
from .files import read_json, shown

META_FILES = {
    "catalog": "catalog-meta.schema.json", "form": "form-meta.schema.json", "ui": "ui-meta.schema.json",
    "workflow": "workflow-meta.schema.json", "vocabulary": "vocabulary-meta.schema.json",
    "feedback": "feedback-meta.schema.json",
}


@dataclass(frozen=True)
class MetaSchemas:
    """One validator per kind of catalog file."""

    validators: dict[str, Draft202012Validator]

    def check(self, kind: str, document: Any, root: Path, path: Path) -> None:
        """Raise CatalogError naming ``path`` when ``document`` does not fit its meta-schema."""
        error = best_match(self.validators[kind].iter_errors(document))
        if error is not None:
            where = pointer(error.absolute_path) or "(the document)"
            raise CatalogError(f"{shown(root, path)} at {where}: {error.message} "
                               f"(see schemas/meta/{META_FILES[kind]}).")


def load_meta_schemas(root: Path) -> MetaSchemas:
    """Read and check every meta-schema in ``<root>/meta``."""
    return MetaSchemas({kind: _meta_validator(root, root / "meta" / name) for kind, name in META_FILES.items()})


def _meta_validator(root: Path, path: Path) -> Draft202012Validator:
    schema = read_json(root, path)
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        raise CatalogError(f"{shown(root, path)} is not a valid JSON Schema 2020-12: {exc.message}") from None
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)

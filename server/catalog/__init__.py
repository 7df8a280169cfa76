"""The form catalog: versioned, JSON-Schema-driven form definitions and shared vocabularies,
loaded and checked from ``schemas/`` at start-up."""

from __future__ import annotations

from .errors import CatalogError
from .hashing import compute_hashes
from .loader import load_catalog
from .model import Catalog, FieldError, FormVersion, Vocabulary, Workflow

__all__ = [
    "Catalog", "CatalogError", "FieldError", "FormVersion", "Vocabulary", "Workflow", "compute_hashes",
    "load_catalog",
]

"""Reading catalog files: JSON with useful errors, hashes of raw bytes, and how paths are shown."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from .errors import CatalogError


def shown(root: Path, path: Path) -> str:
    """A path as error messages show it: relative to the schemas folder, prefixed with its name
    (``schemas/forms/mini-cex/1/ui.json``)."""
    try:
        relative = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
    name = root.resolve().name
    return f"{name}/{relative}" if relative != "." else name


def read_bytes(root: Path, path: Path) -> bytes:
    """The raw bytes of a file the catalog needs; CatalogError if it is missing."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise CatalogError(f"{shown(root, path)} is missing (catalog.json lists it).") from None
    except OSError as exc:
        raise CatalogError(f"{shown(root, path)} cannot be read: {exc.strerror}.") from None


def parse_json(root: Path, path: Path, raw: bytes) -> Any:
    """Parse UTF-8 JSON; a syntax error names the file, line and column."""
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise CatalogError(f"{shown(root, path)} is not UTF-8 text (byte {exc.start}).") from None
    except json.JSONDecodeError as exc:
        raise CatalogError(
            f"{shown(root, path)} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}."
        ) from None


def read_json(root: Path, path: Path) -> Any:
    """Read and parse one JSON file of the catalog."""
    return parse_json(root, path, read_bytes(root, path))


def sha256_hex(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()

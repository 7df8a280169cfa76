"""Maintainer commands: ``python -m server.catalog hashes [--root schemas]`` prints catalog.json with
freshly computed hashes (store it when publishing a version); ``check`` loads the catalog."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..settings import REPO_ROOT
from . import CatalogError, compute_hashes, load_catalog


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m server.catalog", description=__doc__)
    parser.add_argument("command", choices=["hashes", "check"])
    parser.add_argument("--root", type=Path, default=REPO_ROOT / "schemas", help="the schemas folder")
    args = parser.parse_args(argv)
    if args.command == "hashes":
        print(json.dumps(compute_hashes(args.root), ensure_ascii=False, indent=2))
        return 0
    try:
        catalog = load_catalog(args.root)
    except CatalogError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"OK: {len(catalog.forms())} form versions, {len(catalog.vocabularies())} vocabularies.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The compiled validity check must agree with the jsonschema validator it stands in front of."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from server.catalog import load_catalog
from server.catalog.field_errors import field_errors
from server.settings import REPO_ROOT

CATALOG = load_catalog(REPO_ROOT / "schemas")
EXAMPLES = sorted((REPO_ROOT / "schemas" / "forms").glob("*/*/examples/*/*.json"))
ODD_VALUES: list[Any] = [None, "", "x", 0, -1, 7, 1.5, True, [], {}, "2026-02-30", "ej_observerat", 10_000]


def _variants(doc: dict[str, Any], rng: random.Random) -> list[dict[str, Any]]:
    """Partial documents and documents with one field set to an odd value."""
    out = [{}]
    keys = list(doc)
    for _ in range(40):
        partial = {k: doc[k] for k in rng.sample(keys, rng.randint(0, len(keys)))}
        if keys:
            partial[rng.choice(keys)] = rng.choice(ODD_VALUES)
        out.append(partial)
    return out


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: "/".join(p.parts[-5:]))
def test_fast_check_agrees_with_jsonschema(path: Path) -> None:
    form_id, version = path.parts[-5], int(path.parts[-4])
    form = CATALOG.get(form_id, version)
    assert form is not None
    doc = json.loads(path.read_text())
    for variant in [doc, *_variants(doc, random.Random(path.name))]:
        for check, validator in ((form.complete_check, form.complete_validator),
                                 (form.draft_check, form.draft_validator)):
            assert check.is_valid(variant) == (not field_errors(validator, variant)), variant

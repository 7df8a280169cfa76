"""Every current form version, as its workflow says: created by who may start it, each part filled by
its section's owner, signed, acknowledged and countersigned, through the REST API and through sync, and
ends with exactly the example's answers."""

from __future__ import annotations

import json
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from server.catalog import FormVersion, load_catalog
from server.settings import REPO_ROOT
from tests.form_flow import through_sync, through_the_api
from tests.world import World, login

CATALOG = load_catalog(REPO_ROOT / "schemas")
#: a 360 rater answers only within a round (tests/test_rounds.py)
CURRENT = [f for f in (CATALOG.latest(i) for i in sorted({f.form_id for f in CATALOG.forms()}))
           if f is not None and not f.workflow.in_round and not f.workflow.anonymous_to_trainee]


def first_example(form: FormVersion) -> dict[str, Any]:
    folder = REPO_ROOT / "schemas" / "forms" / form.form_id / str(form.version) / "examples" / "valid"
    return json.loads(sorted(folder.glob("*.json"))[0].read_text())  # type: ignore[no-any-return]


def final_status(form: FormVersion) -> str:
    return "countersigned" if form.workflow.countersign else "acknowledged" if form.workflow.acknowledge else "signed"


@pytest.mark.parametrize("form", CURRENT, ids=lambda f: f"{f.form_id}-{f.version}")
@pytest.mark.parametrize("channel", ["api", "sync"])
async def test_each_current_form_goes_through_its_workflow(client: AsyncTestClient, world: World, form: FormVersion,
                                                         channel: str) -> None:
    data = first_example(form)
    flow = through_the_api if channel == "api" else through_sync
    doc_id = await flow(client, world, form, data)
    await login(client, world, "trainee")
    got = await client.get(f"/api/assessments/{doc_id}")
    assert got.status_code == 200, got.text
    doc = got.json()
    assert (doc["form_id"], doc["form_version"], doc["status"]) == (form.form_id, form.version, final_status(form))
    assert doc["data"] == data
    audit = (await client.get(f"/api/assessments/{doc_id}/audit")).json()
    assert audit, "every step is attributable"


def test_every_form_has_a_current_version_that_new_assessments_get() -> None:
    for form_id in {f.form_id for f in CATALOG.forms()}:
        current = CATALOG.latest(form_id)
        assert current is not None and current.status == "published"
        assert current.version == max(f.version for f in CATALOG.forms() if f.form_id == form_id and f.status == "published")


def test_the_new_versions_are_current() -> None:
    # Mini-CEX 3 and DOPS 3 were published once they fit the compact form's 2,600 px (issue 10)
    assert {i: CATALOG.latest(i).version for i in ("mini-cex", "dops", "slutbedomning-bt", "mini-cex-sjalvstandighet")} == {  # type: ignore[union-attr]
        "mini-cex": 3, "dops": 3, "slutbedomning-bt": 2, "mini-cex-sjalvstandighet": 2}
    assert CATALOG.get("mini-cex", 3).status == CATALOG.get("dops", 3).status == "published"  # type: ignore[union-attr]

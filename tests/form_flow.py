"""Drive one assessment of any form version through its workflow, as the catalog says: the person the
workflow lets start it creates it, each part is filled by whoever owns its section (``filled_by``), the
signer signs, the trainee acknowledges and the HHL countersigns where the workflow asks. Through the
REST API or through ``/api/sync`` (each person's own phone)."""

from __future__ import annotations

import json
from typing import Any

from litestar.testing import AsyncTestClient

from server.catalog import FormVersion
from sync.pointer import flatten
from server.privacy.ids import new_id
from server.settings import REPO_ROOT
from tests.world import World, login


def part_of(form: FormVersion, data: dict[str, Any], role: str) -> dict[str, Any]:
    """The top-level fields of ``data`` that ``role`` fills in (shared fields included)."""
    return {k: v for k, v in data.items() if role in form.owners_of(f"/{k}")}


def assessor_key(form: FormVersion) -> str:
    """The world's person who is the assessment's assessor: the clinical supervisor where the workflow
    requires one or only supervisors may start it (a BT-kollegium is convened by one), else a colleague
    with the assessor role."""
    start = set(form.workflow.start)
    if form.workflow.assessor_must_be == "main_supervisor":  # an action plan: her HHL writes and signs it
        return "main_supervisor"
    if form.workflow.assessor_must_be in ("clinical_supervisor", "supervisor") or (start and not start & {"trainee", "assessor"}):
        return "clinical_supervisor"
    return "assessor"


def starter(form: FormVersion) -> str:
    """Who starts it here: the trainee where she may, else the assessor."""
    if "trainee" in form.workflow.start:
        return "trainee"
    if "assessor" in form.workflow.start:
        return assessor_key(form)
    return "clinical_supervisor" if "clinical_supervisor" in form.workflow.start else "main_supervisor"


def roles_of(key: str) -> str:
    return "trainee" if key == "trainee" else "assessor"


def meta_for(form: FormVersion, world: World, follows_up: str | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"trainee_id": world.id("trainee")}
    if follows_up is not None:
        meta["follows_up"] = follows_up
    if "assessor" in form.workflow.editors:  # else the trainee's own document (a 360 self-assessment)
        meta["assessor_id"] = world.id(assessor_key(form))
    if form.workflow.requires_placement:
        meta["placement_id"] = world.placements["placement"]
    return meta


def valid_examples(form: FormVersion) -> list[dict[str, Any]]:
    folder = REPO_ROOT / "schemas/forms" / form.form_id / str(form.version) / "examples/valid"
    return [json.loads(p.read_text("utf-8")) for p in sorted(folder.glob("*.json"))]


async def followed_up(client: AsyncTestClient, world: World, form: FormVersion, through: Any) -> str | None:
    """For a form that follows up a signed document (an action plan's follow-up): that document, taken
    through its own workflow first, from an example that meets the form's condition (no improvement)."""
    if not form.workflow.follows_up:
        return None
    target = client.app.state.catalog.latest(form.workflow.follows_up[0])
    data = next(d for d in valid_examples(target)
                if all(d.get(p.lstrip("/")) == v for p, v in form.workflow.follows_up_if.items()))
    return await through(client, world, target, data)  # type: ignore[no-any-return]


async def through_the_api(client: AsyncTestClient, world: World, form: FormVersion, data: dict[str, Any]) -> str:
    """Create, fill, submit, sign, acknowledge, countersign via the REST API; returns the doc id."""
    follows_up = await followed_up(client, world, form, through_the_api)
    first = starter(form)
    headers = await login(client, world, first)
    made = await client.post("/api/assessments", headers=headers, json={
        "form_id": form.form_id, "form_version": form.version, **meta_for(form, world, follows_up),
        "data": part_of(form, data, roles_of(first))})
    assert made.status_code == 201, made.text
    doc = made.json()
    for key in dict.fromkeys(("trainee", assessor_key(form))):
        rest = {k: v for k, v in part_of(form, data, roles_of(key)).items() if doc["data"].get(k) != v}
        if not rest:
            continue
        headers = await login(client, world, key)
        got = await client.patch(f"/api/assessments/{doc['doc_id']}", headers=headers,
                                 json={"base_version": doc["version"], "data": rest})
        assert got.status_code == 200, got.text
        doc = got.json()
    assert doc["data"] == data, "every part was filled by its owner"
    signer = "trainee" if form.workflow.sign == "trainee" else assessor_key(form)
    headers = await login(client, world, signer)
    for step in ("submit", "sign"):
        done = await client.post(f"/api/assessments/{doc['doc_id']}/{step}", headers=headers)
        assert done.status_code == 200, done.text
    for step, who in (("acknowledge", form.workflow.acknowledge), ("countersign", form.workflow.countersign)):
        if who:
            headers = await login(client, world, who)
            done = await client.post(f"/api/assessments/{doc['doc_id']}/{step}", headers=headers)
            assert done.status_code == 200, done.text
    return str(doc["doc_id"])


class Phone:
    """One person's device: its client id, mutation numbers and checkpoint."""

    def __init__(self, client: AsyncTestClient, world: World, who: str) -> None:
        self.client, self.world, self.who = client, world, who
        self.client_id, self.next_id, self.since = new_id(), 1, 0

    async def push(self, kind: str, doc_id: str, **body: Any) -> dict[str, Any]:
        headers = await login(self.client, self.world, self.who)
        mutation = {"kind": kind, "id": self.next_id, "doc_id": doc_id, "at": 1_800_000_000_000 + self.next_id, **body}
        self.next_id += 1
        got = await self.client.post("/api/sync", headers=headers, json={
            "client_id": self.client_id, "since": self.since, "mutations": [mutation]})
        assert got.status_code == 200, got.text
        answer = got.json()
        self.since = answer["checkpoint"]
        (result,) = answer["results"]
        assert result["status"] == "applied", (kind, result)
        return {"version": result["version"], "changes": answer["changes"]}


async def through_sync(client: AsyncTestClient, world: World, form: FormVersion, data: dict[str, Any]) -> str:
    """The same flow as each person's phone pushes it through /api/sync; returns the doc id."""
    follows_up = await followed_up(client, world, form, through_sync)
    doc_id = new_id()
    phones = {key: Phone(client, world, key) for key in dict.fromkeys(
        ("trainee", assessor_key(form), starter(form), form.workflow.countersign or "trainee"))}
    first = starter(form)
    done = await phones[first].push("create", doc_id, form_id=form.form_id, form_version=form.version,
                                    data=part_of(form, data, roles_of(first)), meta=meta_for(form, world, follows_up))
    version = done["version"]
    for key in dict.fromkeys(("trainee", assessor_key(form))):
        rest = flatten(part_of(form, data, roles_of(key))) if key != first else {}
        if rest:
            version = (await phones[key].push("edit", doc_id, base_version=version, fields=rest))["version"]
    signer = "trainee" if form.workflow.sign == "trainee" else assessor_key(form)
    await phones[signer].push("submit", doc_id)
    await phones[signer].push("sign", doc_id)
    for kind, who in (("acknowledge", form.workflow.acknowledge), ("countersign", form.workflow.countersign)):
        if who:
            await phones[who].push(kind, doc_id)
    return doc_id

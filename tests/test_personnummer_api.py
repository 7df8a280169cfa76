"""The personnummer corpus through the API: identity numbers refused naming the field, the rest stored."""

from __future__ import annotations

import json
from pathlib import Path

from litestar.testing import AsyncTestClient

from tests.helpers import count_rows
from tests.world import World, login

CORPUS = json.loads((Path(__file__).parent / "data" / "personnummer_corpus.json").read_text())


async def test_corpus_through_the_api(client: AsyncTestClient, world: World) -> None:
    headers = await login(client, world, "assessor")  # who fills in the development areas
    wrong: list[str] = []
    for entry in CORPUS["identity"]:
        response = await client.post("/api/assessments", headers=headers, json={
            "form_id": "mini-cex", "trainee_id": world.id("trainee"), "data": {"development_areas": entry["text"]}})
        if response.status_code != 400 or "/development_areas" not in response.json().get("detail", ""):
            wrong.append(f"not refused: {entry['text']!r} -> {response.status_code}")
    assert await count_rows(client, "assessments") == 0
    for entry in CORPUS["not_identity"]:
        response = await client.post("/api/assessments", headers=headers, json={
            "form_id": "mini-cex", "trainee_id": world.id("trainee"), "data": {"development_areas": entry["text"]}})
        if response.status_code != 201:
            wrong.append(f"refused: {entry['text']!r} -> {response.status_code} {response.text[:200]}")
        elif response.json()["data"]["development_areas"] != entry["text"]:
            wrong.append(f"changed: {entry['text']!r}")
    assert not wrong, "\n".join(wrong)

"""The API describes itself at /schema (JSON): every operation has an id and a description."""

from __future__ import annotations

from litestar.testing import AsyncTestClient


async def test_openapi_lists_every_operation_with_an_id(client: AsyncTestClient) -> None:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    operations = [op for path in spec["paths"].values() for op in path.values() if isinstance(op, dict)]
    ids = {op.get("operationId") for op in operations}
    assert {"listForms", "getForm", "login", "createAssessment", "signAssessment", "sync"} <= ids
    assert all(op.get("operationId") for op in operations)
    schema = await client.get("/schema")  # the JSON too: no HTML viewer that loads scripts from a CDN
    assert schema.status_code == 200 and schema.json() == spec

"""The API describes itself at /schema (JSON): every operation has an id and a description, the body of
/api/sync, no unknown fields where the server refuses them, and every error status it answers."""

from __future__ import annotations

import msgspec
import pytest
from jsonschema import Draft202012Validator
from litestar import Litestar
from litestar.testing import AsyncTestClient

from server.openapi import OPERATIONS, complete_schema
from sync.protocol import InvalidRequest, Mutation, SyncRequest, decode_request


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


# --- what server/openapi.py adds: the sync body, no unknown fields, every error status -------------------

WRITES = {"post", "put", "patch", "delete"}
PERSONNUMMER = "19121212-1212"  # Skatteverket's test number


async def _spec(client: AsyncTestClient) -> dict:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    return response.json()


def _operations(spec: dict) -> list[tuple[str, str, dict]]:
    return [(path, method, op) for path, item in spec["paths"].items() for method, op in item.items()
            if isinstance(op, dict) and "operationId" in op]


def _resolve(spec: dict, ref: str) -> dict:
    assert ref.startswith("#/components/schemas/"), ref
    return spec["components"]["schemas"][ref.rsplit("/", 1)[1]]


async def test_sync_documents_its_request_body_with_every_mutation_kind(client: AsyncTestClient) -> None:
    spec = await _spec(client)
    body = spec["paths"]["/api/sync"]["post"]["requestBody"]
    assert body["required"] is True
    schema = body["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/SyncRequest"}
    sync_request = _resolve(spec, schema["$ref"])
    assert set(sync_request["required"]) == {"client_id", "since"}
    assert sync_request["additionalProperties"] is False
    mutations = sync_request["properties"]["mutations"]
    assert mutations["maxItems"] == 100
    kinds = {}
    for option in mutations["items"]["anyOf"]:
        mutation = _resolve(spec, option["$ref"])
        assert mutation["additionalProperties"] is False
        assert {"kind", "id", "doc_id", "at"} <= set(mutation["required"])
        (kind,) = mutation["properties"]["kind"]["enum"]
        kinds[kind] = option["$ref"]
    expected = {m.__struct_config__.tag for m in Mutation.__args__}
    assert set(kinds) == expected == {"create", "edit", "resolve", "set_meta", "submit", "return", "sign", "acknowledge",
                                      "countersign", "delete"}
    assert mutations["items"]["discriminator"] == {"propertyName": "kind", "mapping": kinds}


async def test_the_documented_sync_body_accepts_what_the_server_accepts(client: AsyncTestClient) -> None:
    """The README's push validates against the documented schema; an unknown field fails it, as it
    fails the server's decoder."""
    spec = await _spec(client)
    for name, component in spec["components"]["schemas"].items():
        assert Draft202012Validator.check_schema(component) is None, name
    validator = Draft202012Validator({"$ref": "#/components/schemas/SyncRequest", "components": spec["components"]})
    push = {"client_id": "phone-of-tove", "since": 1, "mutations": [
        {"kind": "edit", "id": 2, "doc_id": "6f1c2a9e-0d1b-4c1e-9a7e-3b2f5d8c4e10", "at": 1795420900000,
         "base_version": 1, "fields": {"/focus": "KOL-exacerbation", "/setting": "mottagning"}},
        {"kind": "resolve", "id": 3, "doc_id": "6f1c2a9e-0d1b-4c1e-9a7e-3b2f5d8c4e10", "at": 1795420900001,
         "fields": {"/focus": "KOL-exacerbation"}}]}
    assert list(validator.iter_errors(push)) == []
    decode_request(msgspec.json.encode(push))  # the server's own decoder agrees
    for wrong in ({**push, "extra": 1}, {**push, "mutations": [{**push["mutations"][0], "extra": 1}]},
                  {**push, "mutations": [{**push["mutations"][0], "kind": "rename"}]}):
        assert list(validator.iter_errors(wrong)), wrong
        with pytest.raises(InvalidRequest):
            decode_request(msgspec.json.encode(wrong))


async def test_structs_that_refuse_unknown_fields_say_so(client: AsyncTestClient) -> None:
    spec = await _spec(client)
    components = spec["components"]["schemas"]
    login = _resolve(spec, spec["paths"]["/api/auth/login"]["post"]["requestBody"]["content"]["application/json"]
                     ["schema"]["$ref"])
    assert login["additionalProperties"] is False and set(login["properties"]) == {"email", "password"}
    for name in ("AssessmentCreate", "AssessmentEdit", "UserCreate", "RequestCreate", "ClaimRequest",
                 "DisplacedAnswerIn", "MutationResult"):
        assert components[name]["additionalProperties"] is False, name
    # a struct that takes unknown fields (or is only ever sent) is left open
    for name in ("SessionInfo", "AssessmentView", "RequestView"):
        assert "additionalProperties" not in components[name], name
    # and the server really refuses an unknown field where the schema says so
    response = await client.post("/api/auth/login", json={"email": "a@b.se", "password": "x", "extra": 1})
    assert response.status_code == 400


def _rule_codes(path: str, method: str, op: dict, access: str) -> set[int]:
    """What each operation must document at least, from its shape and who may call it."""
    codes = {400}  # the personnummer guard reads every path and query parameter
    write = method in WRITES
    if write:
        codes |= {400, 413}  # the guard reads any JSON body; the size limit applies to every body
    if "requestBody" in op:
        codes.add(400)
    if access in ("session", "admin", "actor"):
        codes.add(401)
        if write:
            codes.add(403)  # CSRF
    if access == "admin":
        codes.add(403)
    if access == "actor":  # a claimed link's device, too
        codes |= {403, 404, 409, 410, 429}
    if access == "link":  # 410 too, except where a closed request is still taken (keepDisplacedAnswer)
        codes |= {401, 403, 404, 429}
    if access == "receipt":
        codes |= {401, 404}
    return codes


def _access_from_handlers(app: Litestar) -> dict[str, str]:
    """Who may call each operation, read from the handlers: a ``principal`` or ``actor`` dependency,
    the admin controller, the link and receipt controllers (bearer tokens)."""
    found = {}
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            if not isinstance(handler.operation_id, str):
                continue
            parameters = handler.parsed_fn_signature.parameters
            path = route.path
            if path.startswith("/api/admin/"):
                found[handler.operation_id] = "admin"
            elif "actor" in parameters:
                found[handler.operation_id] = "actor"
            elif "principal" in parameters:
                found[handler.operation_id] = "session"
            elif path.startswith("/api/link"):
                found[handler.operation_id] = "link"
            elif path.startswith("/api/receipt"):
                found[handler.operation_id] = "receipt"
            else:
                found[handler.operation_id] = "public"
    return found


async def test_every_operation_documents_the_errors_of_its_rules(app: Litestar, client: AsyncTestClient) -> None:
    spec = await _spec(client)
    operations = _operations(spec)
    ids = {op["operationId"] for _, _, op in operations}
    assert ids == set(OPERATIONS), "server.openapi.OPERATIONS must list exactly the operations of the app"
    access = _access_from_handlers(app)
    error = spec["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"status_code", "reason", "detail"} and "extra" in error["properties"]
    for path, method, op in operations:
        operation_id = op["operationId"]
        assert OPERATIONS[operation_id].access == access[operation_id], operation_id
        documented = {int(code) for code in op["responses"] if code != "default"}
        assert "default" not in op["responses"], operation_id  # a catch-all would document nothing
        missing = _rule_codes(path, method, op, access[operation_id]) - documented
        assert not missing, f"{operation_id} does not document {sorted(missing)}"
        for code, response in op["responses"].items():
            if int(code) >= 400:
                assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
                assert response["description"].strip(), (operation_id, code)
        assert any(200 <= int(code) < 300 for code in op["responses"]), operation_id
    login = spec["paths"]["/api/auth/login"]["post"]["responses"]
    assert {"401", "429"} <= set(login) and "Retry-After" in login["429"]["headers"]
    assert "403" in spec["paths"]["/api/admin/users"]["get"]["responses"]


async def test_an_error_answer_has_the_documented_shape(client: AsyncTestClient) -> None:
    spec = await _spec(client)
    error = spec["components"]["schemas"]["Error"]
    # even an operation without parameters answers 400 to a personnummer in the query (the rule)
    guarded = await client.get("/api/health", params={"note": PERSONNUMMER})
    assert guarded.status_code == 400 and guarded.json()["reason"] == "identity_number"
    for response in (guarded, await client.get("/api/auth/session"), await client.get("/api/forms/none/1"),
                     await client.post("/api/auth/login", content=b"{")):
        assert response.status_code in (400, 401, 404)
        body = response.json()
        assert set(error["required"]) <= set(body) <= set(error["properties"]), body


def test_sync_components_never_overwrite_a_different_schema_of_the_same_name(app: Litestar) -> None:
    """A Litestar component named like one of msgspec's (here ``Create``) but different keeps its name;
    msgspec's gets a prefix, and every reference to it (discriminator mapping included) follows. An
    identical one is shared."""
    theirs = {"title": "Create", "type": "object", "properties": {"other": {"type": "string"}}}
    _, own = msgspec.json.schema_components([SyncRequest], ref_template="#/components/schemas/{name}")
    schema = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
              "paths": {"/api/sync": {"post": {"operationId": "sync", "responses": {"200": {"description": "ok"}}}}},
              "components": {"schemas": {"Create": theirs, "Sign": own["Sign"]}}}
    done = complete_schema(schema, app)
    components = done["components"]["schemas"]
    assert components["Create"] == theirs
    assert components["Sign"] == own["Sign"] and "SyncSign" not in components  # the same schema: shared
    items = components["SyncRequest"]["properties"]["mutations"]["items"]
    assert {"$ref": "#/components/schemas/SyncCreate"} in items["anyOf"]
    assert items["discriminator"]["mapping"]["create"] == "#/components/schemas/SyncCreate"
    assert components["SyncCreate"]["properties"]["kind"] == {"enum": ["create"]}
    assert "Create" in schema["components"]["schemas"] and "SyncRequest" not in schema["components"]["schemas"]
    assert msgspec.json.decode(msgspec.json.encode(done))  # still plain JSON

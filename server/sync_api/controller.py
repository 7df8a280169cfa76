"""``POST /api/sync``: push a device's mutations and pull what changed, in one round trip."""

from __future__ import annotations

import msgspec
from litestar.di import NamedDependency
from typing import Any

from litestar import Request, get, post
from litestar.exceptions import HTTPException

from sync.protocol import MAX_MUTATIONS, InvalidRequest, Mutation, MutationResult, decode_request

from ..assessments.actor import Actor
from ..catalog import Catalog
from ..db import Database, Tx
from ..errors import IdentityNumberFound, InvalidInput
from ..privacy import contains_identity_number, identity_error_message
from ..settings import Settings
from ..requests import clock
from ..requests.links import check_link_mutations
from ..requests.receipts import after_link_push
from .store import SyncAnswer, sync


class PayloadTooLarge(HTTPException):
    status_code = 413


def _too_many_mutations(body: bytes) -> bool:
    try:
        raw = msgspec.json.decode(body)
    except (msgspec.DecodeError, RecursionError):
        return False
    return isinstance(raw, dict) and isinstance(raw.get("mutations"), list) and len(raw["mutations"]) > MAX_MUTATIONS


@post("/api/sync", operation_id="sync", tags=["sync"], status_code=200)
async def sync_endpoint(request: Request, actor: NamedDependency[Actor]) -> SyncAnswer:
    """Body: ``{client_id, since, mutations: [...]}`` (at most 100 mutations and 512 KB). Answers each
    mutation's result (applied, duplicate, conflict, rejected with a reason), then the changes the
    caller may see since ``since`` (their own included), the new checkpoint and ``has_more``.
    The caller is the session's user, or with ``Authorization: Bearer <device secret>`` the device
    that claimed a request link, which reads and changes only its one assessment. A mutation that
    carries a personnummer anywhere (ids, keys, metadata, values) is refused on its own, before
    anything is looked up, and nothing of it is kept."""
    # The database, catalog and settings come from the app's state, not as dependencies: with the
    # actor they would be resolved in an anyio task group per request (about a tenth of a push's CPU).
    state = request.app.state
    db: Database = state.db
    catalog: Catalog = state.catalog
    settings: Settings = state.settings
    body = await request.body()
    limit = min(settings.max_sync_bytes, settings.max_body_bytes)
    if len(body) > limit:
        raise PayloadTooLarge(detail=f"A sync request may be at most {limit} bytes; send the outbox in smaller batches.")
    try:
        sync_request = decode_request(body)
    except InvalidRequest as exc:
        if exc.too_large:
            raise PayloadTooLarge(detail=f"A sync request may be at most {limit} bytes; send smaller batches.") from None
        if _too_many_mutations(body):
            raise PayloadTooLarge(
                detail=f"A sync request may carry at most {MAX_MUTATIONS} mutations; send the rest in the next request."
            ) from None
        raise InvalidInput(f"Not a valid sync request: {exc}") from None
    if contains_identity_number(sync_request.client_id):
        raise IdentityNumberFound(identity_error_message("client_id"))
    check_link_mutations(actor, list(sync_request.mutations))
    if actor.request_id is None:
        answer = await sync(db, catalog, actor, sync_request)
    else:

        async def receipts(tx: Tx, applied: list[tuple[Mutation, MutationResult]]) -> None:
            await after_link_push(tx, catalog, actor, applied, clock.now())

        answer = await sync(db, catalog, actor, sync_request, receipts)
        job = getattr(request.app.state, "mail_job", None)
        if job is not None and sync_request.mutations:
            job.wake()  # a signature's receipt goes out now, not at the next tick
    if answer.results:
        request.app.state.metrics.count_sync(answer.results)
    return answer


class EchoAnswer(msgspec.Struct):
    client_id: str
    mutations: int


@post("/api/sync/echo", operation_id="syncEcho", tags=["sync"], status_code=200, include_in_schema=False)
async def sync_echo(request: Request) -> EchoAnswer:
    """Decode a sync body and answer a small struct, touching no data: the benchmark's ceiling for
    what the HTTP stack and decoding cost without any storage work. Mounted only when
    BEDSIDE_BENCHMARK_ROUTES is on (``python -m bench sync`` turns it on for its server)."""
    try:
        decoded = decode_request(await request.body())
    except InvalidRequest as exc:
        raise InvalidInput(f"Not a valid sync request: {exc}") from None
    if contains_identity_number(decoded.client_id):
        raise IdentityNumberFound(identity_error_message("client_id"))
    return EchoAnswer(decoded.client_id, len(decoded.mutations))


class RefusedChange(msgspec.Struct):
    """A change of yours the server refused, with what it carried (so nothing you typed is lost)."""

    doc_id: str
    kind: str
    reason: str
    at: str
    device: str
    detail: dict[str, Any]


@get("/api/sync/refused", operation_id="listRefusedChanges", tags=["sync"])
async def refused_changes(actor: NamedDependency[Actor], db: NamedDependency[Database]) -> list[RefusedChange]:
    """Your own refused sync mutations, newest first (at most 200): only you ever see them."""
    rows = await db.fetch("SELECT doc_id, kind, reason, at, client_id, detail FROM refused_mutations WHERE actor = ? "
                          "ORDER BY id DESC LIMIT 200", (actor.id,))
    return [RefusedChange(doc_id=r["doc_id"], kind=r["kind"], reason=r["reason"], at=r["at"], device=r["client_id"],
                          detail=msgspec.json.decode(r["detail"])) for r in rows]

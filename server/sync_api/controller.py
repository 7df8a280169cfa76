"""``POST /api/sync``: push a device's mutations and pull what changed, in one round trip."""

from __future__ import annotations

import msgspec
from litestar.di import NamedDependency
from litestar import Request, post
from litestar.exceptions import HTTPException

from sync.protocol import MAX_MUTATIONS, InvalidRequest, decode_request

from ..assessments.actor import Actor
from ..catalog import Catalog
from ..db import Database
from ..errors import InvalidInput
from ..settings import Settings
from ..requests.links import check_link_mutations
from .store import SyncAnswer, sync


class PayloadTooLarge(HTTPException):
    status_code = 413


def _too_many_mutations(body: bytes) -> bool:
    try:
        raw = msgspec.json.decode(body)
    except msgspec.DecodeError:
        return False
    return isinstance(raw, dict) and isinstance(raw.get("mutations"), list) and len(raw["mutations"]) > MAX_MUTATIONS


@post("/api/sync", operation_id="sync", tags=["sync"], status_code=200)
async def sync_endpoint(request: Request, actor: NamedDependency[Actor], db: NamedDependency[Database], catalog: NamedDependency[Catalog],
                        settings: NamedDependency[Settings]) -> SyncAnswer:
    """Body: ``{client_id, since, mutations: [...]}`` (at most 100 mutations and 512 KB). Answers each
    mutation's result (applied, duplicate, conflict, rejected with a reason), then the changes the
    caller may see since ``since`` (their own included), the new checkpoint and ``has_more``.
    The caller is the session's user, or with ``Authorization: Bearer <token>`` a request link, which
    reads and changes only its one assessment."""
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
    check_link_mutations(actor, list(sync_request.mutations))
    return await sync(db, catalog, actor, sync_request)


class EchoAnswer(msgspec.Struct):
    client_id: str
    mutations: int


@post("/api/sync/echo", operation_id="syncEcho", tags=["sync"], status_code=200, include_in_schema=False)
async def sync_echo(request: Request) -> EchoAnswer:
    """Decode a sync body and answer a small struct, touching no data: the benchmark's ceiling for
    what the HTTP stack and decoding cost without any storage work."""
    try:
        decoded = decode_request(await request.body())
    except InvalidRequest as exc:
        raise InvalidInput(f"Not a valid sync request: {exc}") from None
    return EchoAnswer(decoded.client_id, len(decoded.mutations))

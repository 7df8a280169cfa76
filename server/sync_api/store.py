"""One sync request in one transaction: exactly-once bookkeeping, the mutations, and the pull.

Statements per request are a constant handful whatever the batch size (set-based reads and
``executemany`` writes), because each awaited statement costs about 100 µs on this machine.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import msgspec

from sync.ordering import classify_mutation_ids, duplicate_of, gap_result
from sync.protocol import Mutation, MutationResult, SyncRequest

from ..access import actor_visibility_where
from ..assessments.repository import VIEW_SELECT
from ..assessments.actor import Actor
from ..assessments.participants import TraineeContext
from ..assessments.service import apply_batch
from ..assessments.views import AssessmentView, anonymous_forms, restricted_forms, views_for
from ..catalog import Catalog
from ..db import Database, Tx, utc_now
from ..errors import Forbidden

PAGE_SIZE = 200
#: called in the push's transaction with each applied mutation and its result (e.g. to queue a
#: signature receipt with the signature itself)
AfterPush = Callable[[Tx, list[tuple[Mutation, MutationResult]]], Awaitable[None]]
_decode_result = msgspec.json.Decoder(MutationResult).decode
_encode = msgspec.json.encode


class SyncAnswer(msgspec.Struct):
    """``results`` in the order of the request's mutations; ``changes`` since the checkpoint, own writes
    included; send ``checkpoint`` as ``since`` next time; when ``has_more``, pull again at once."""

    results: list[MutationResult]
    changes: list[AssessmentView]
    checkpoint: int
    has_more: bool


async def push(tx: Tx, catalog: Catalog, actor: Actor, request: SyncRequest,
               after_push: AfterPush | None = None,
               contexts: dict[int, TraineeContext] | None = None) -> list[MutationResult]:
    """Apply the request's mutations exactly once, in order, recording each result."""
    if not request.mutations:
        return []
    client = await tx.fetchone(
        f"SELECT actor, last_mutation_id FROM sync_clients WHERE client_id = ?{tx.for_update}", (request.client_id,))
    if client is not None and client["actor"] != actor.id:
        raise Forbidden("This client_id belongs to another person: make a new client_id for this login.")
    last = int(client["last_mutation_id"]) if client else 0
    dispositions = classify_mutation_ids(last, [m.id for m in request.mutations])
    fresh = [m for m, d in zip(request.mutations, dispositions) if d == "apply"]
    replayed = [m.id for m, d in zip(request.mutations, dispositions) if d == "duplicate"]
    stored: dict[int, MutationResult] = {}
    if replayed:
        marks = ", ".join("?" for _ in replayed)
        for r in await tx.fetch(
            f"SELECT mutation_id, result FROM sync_results WHERE client_id = ? AND mutation_id IN ({marks})",
            [request.client_id, *replayed],
        ):
            stored[int(r["mutation_id"])] = _decode_result(r["result"])
    applied = await apply_batch(tx, catalog, actor, fresh, device=request.client_id, contexts=contexts) if fresh else []
    by_id = {r.id: r for r in applied}
    if fresh:
        await tx.executemany(
            "INSERT INTO sync_results (client_id, mutation_id, result) VALUES (?, ?, ?)",
            [(request.client_id, r.id, _encode(r).decode()) for r in applied],
        )
        await tx.execute(
            """INSERT INTO sync_clients (client_id, actor, last_mutation_id, updated_at) VALUES (?, ?, ?, ?)
               ON CONFLICT (client_id) DO UPDATE SET last_mutation_id = excluded.last_mutation_id,
                 updated_at = excluded.updated_at""",
            (request.client_id, actor.id, fresh[-1].id, utc_now()),
        )
        if after_push is not None:
            await after_push(tx, list(zip(fresh, applied)))
    expected = (fresh[-1].id if fresh else last) + 1
    results = []
    for m, d in zip(request.mutations, dispositions):
        if d == "apply":
            results.append(by_id[m.id])
        elif d == "duplicate":  # sent before, or twice in this batch: answered, not applied again
            results.append(duplicate_of(m, by_id.get(m.id) or stored.get(m.id)))
        else:
            results.append(gap_result(m, expected))
    return results


async def pull(reader: Tx | Database, catalog: Catalog, actor: Actor, since: int,
               contexts: dict[int, TraineeContext] | None = None) -> tuple[list[AssessmentView], int, bool]:
    """Changes the actor may see with a sequence number above ``since``, oldest first, one page."""
    where, params = actor_visibility_where(actor, anonymous_forms(catalog), restricted_forms=restricted_forms(catalog))
    rows = await reader.fetch(
        f"{VIEW_SELECT} WHERE a.seq > ? AND {where} ORDER BY a.seq LIMIT {PAGE_SIZE + 1}", [since, *params])
    has_more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    checkpoint = int(rows[-1]["seq"]) if rows else since
    return await views_for(reader, rows, actor, catalog, contexts), checkpoint, has_more


async def sync(db: Database, catalog: Catalog, actor: Actor, request: SyncRequest,
               after_push: AfterPush | None = None) -> SyncAnswer:
    """On SQLite a push and its pull are one trip to the writer: one transaction, one job in the
    writer (its statements run there without a hop each). On PostgreSQL the push is one transaction
    on a pooled connection and the pull follows its COMMIT (see below). A pull alone is one read.

    The answer goes out only after COMMIT, so the pulled changes (the caller's own included) are all
    committed when the device sees them. A pull never skips a change: change-sequence numbers are
    taken under the counter row's lock, so transactions commit in sequence order and every number at
    or below the highest one visible is already committed. The trainee contexts the push reads are
    reused by the pull."""
    if not request.mutations:
        changes, checkpoint, has_more = await pull(db, catalog, actor, request.since)
        return SyncAnswer([], changes, checkpoint, has_more)

    contexts: dict[int, TraineeContext] = {}
    if db.dialect == "postgres":
        # Transactions run side by side here and each holds the change counter's row lock from the
        # moment it numbers its changes until COMMIT: the pull goes after COMMIT, on the pool, so
        # the lock is not held through it (two processes on one database serialise on that row).
        async def push_only(tx: Tx) -> list[MutationResult]:
            return await push(tx, catalog, actor, request, after_push, contexts)

        results = await db.transaction(push_only)
        changes, checkpoint, has_more = await pull(db, catalog, actor, request.since, contexts)
        return SyncAnswer(results, changes, checkpoint, has_more)

    async def push_then_pull(tx: Tx) -> SyncAnswer:
        results = await push(tx, catalog, actor, request, after_push, contexts)
        changes, checkpoint, has_more = await pull(tx, catalog, actor, request.since, contexts)
        return SyncAnswer(results, changes, checkpoint, has_more)

    return await db.transaction(push_then_pull)

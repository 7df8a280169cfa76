"""Exactly-once, in-order application of one client's mutations (Replicache's lastMutationID).

The server keeps, per client_id, the id of the last mutation it processed and the stored result of
each. Every processed mutation counts, rejected ones too (the answer is final and replays return
it); only a ``gap`` rejection does not advance, so the client resends from the missing id.
The server must process a batch in order and advance ``last_applied`` in the same transaction that
stores the documents.
"""

from __future__ import annotations

from typing import Literal

from sync.protocol import Mutation, MutationResult

__all__ = ["Disposition", "classify_mutation_ids", "duplicate_of", "gap_result"]

Disposition = Literal["apply", "duplicate", "gap"]


def classify_mutation_ids(last_applied: int, ids: list[int]) -> list[Disposition]:
    """One disposition per id, in order. An id already processed (before, or earlier in this batch)
    is a duplicate; the next expected id is applied; from the first id beyond it, every mutation of
    the batch is a gap."""
    out: list[Disposition] = []
    expected = last_applied + 1
    for i, mutation_id in enumerate(ids):
        if mutation_id < expected:
            out.append("duplicate")
        elif mutation_id == expected:
            out.append("apply")
            expected += 1
        else:
            out.extend(["gap"] * (len(ids) - i))
            break
    return out


def gap_result(mutation: Mutation, expected: int) -> MutationResult:
    return MutationResult(
        id=mutation.id, status="rejected", doc_id=mutation.doc_id, reason="gap",
        message=f"mutation {expected} has not arrived; send the mutations again from {expected}, in order",
    )


def duplicate_of(mutation: Mutation, stored: MutationResult | None) -> MutationResult:
    """The answer to a replayed mutation: the stored result marked ``duplicate`` (its ``reason``
    still tells a first rejection apart). ``stored`` may be None if results were pruned."""
    if stored is None:
        return MutationResult(id=mutation.id, status="duplicate", doc_id=mutation.doc_id)
    return MutationResult(
        id=mutation.id, status="duplicate", doc_id=stored.doc_id, version=stored.version,
        reason=stored.reason, message=stored.message,
    )

"""A model of sync for tests: an in-memory server built on the pure engine, and devices with an
outbox and a local replica.

``Device`` talks to any transport ``push(SyncRequest) -> SyncResponse``: ``ModelServer.push`` here,
or an HTTP client against the real server (encode the request, POST it, decode the response). For
an unreliable network, call ``request()`` and ``receive()`` yourself and deliver in between as you
like; ``sync()`` does both at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sync import (
    MAX_MUTATIONS, Acknowledge, AuditNote, Countersign, Create, Delete, Document, DocumentChange, Edit,
    Mutation, MutationResult, Outcome, Resolve, Return, Sign, Submit, SyncRequest, SyncResponse,
    apply_mutation, classify_mutation_ids, duplicate_of, gap_result, to_change,
)

Push = Callable[[SyncRequest], SyncResponse]
Observer = Callable[[Document | None, Mutation, str, str, Outcome], None]


@dataclass
class ModelServer:
    """What the real server does around the engine, minus storage and authorization.

    ``actors``: client_id → the person using that device. ``observer`` sees every applied mutation
    with the state before it (for oracles)."""

    actors: dict[str, str]
    countersign_forms: frozenset[str] = frozenset()
    page_size: int = 50
    observer: Observer | None = None
    docs: dict[str, Document] = field(default_factory=dict)
    doc_seq: dict[str, int] = field(default_factory=dict)
    seq: int = 0
    last_applied: dict[str, int] = field(default_factory=dict)
    stored: dict[tuple[str, int], MutationResult] = field(default_factory=dict)
    audit: list[tuple[str, AuditNote]] = field(default_factory=list)

    def push(self, request: SyncRequest) -> SyncResponse:
        client = request.client_id
        actor = self.actors[client]
        last = self.last_applied.get(client, 0)
        results: list[MutationResult] = []
        dispositions = classify_mutation_ids(last, [m.id for m in request.mutations])
        for mutation, disposition in zip(request.mutations, dispositions):
            if disposition == "duplicate":
                results.append(duplicate_of(mutation, self.stored.get((client, mutation.id))))
            elif disposition == "gap":
                results.append(gap_result(mutation, self.last_applied.get(client, 0) + 1))
            else:
                before = self.docs.get(mutation.doc_id)
                outcome = apply_mutation(
                    before, mutation, actor, client,
                    requires_countersign=self._form_of(before, mutation) in self.countersign_forms,
                )
                if self.observer is not None:
                    self.observer(before, mutation, actor, client, outcome)
                if outcome.document is not None:
                    self.seq += 1
                    self.docs[mutation.doc_id] = outcome.document
                    self.doc_seq[mutation.doc_id] = self.seq
                self.audit.extend((mutation.doc_id, note) for note in outcome.notes)
                self.stored[(client, mutation.id)] = outcome.result
                self.last_applied[client] = mutation.id
                results.append(outcome.result)
        return self.pull(request.since, results)

    def pull(self, since: int, results: list[MutationResult]) -> SyncResponse:
        newer = sorted((s, d) for d, s in self.doc_seq.items() if s > since)
        page = newer[: self.page_size]
        has_more = len(newer) > len(page)
        checkpoint = page[-1][0] if has_more else max(self.seq, since)
        changes = [to_change(self.docs[d], s) for s, d in page]
        return SyncResponse(results=results, changes=changes, checkpoint=checkpoint, has_more=has_more)

    def change_of(self, doc_id: str) -> DocumentChange:
        return to_change(self.docs[doc_id], self.doc_seq[doc_id])

    @staticmethod
    def _form_of(doc: Document | None, mutation: Mutation) -> str:
        if doc is not None:
            return doc.form_id
        return mutation.form_id if isinstance(mutation, Create) else ""


@dataclass
class Device:
    """One client: mutations wait in the outbox until the server answers them (any status but
    ``gap``); ``replica`` holds the newest server state of every document pulled so far."""

    client_id: str
    actor: str
    push: Push | None = None
    batch: int = MAX_MUTATIONS
    next_id: int = 1
    checkpoint: int = 0
    outbox: list[Mutation] = field(default_factory=list)
    replica: dict[str, DocumentChange] = field(default_factory=dict)
    answers: dict[int, tuple[Mutation, MutationResult]] = field(default_factory=dict)

    # -- what the person does ------------------------------------------------------------------

    def base_version(self, doc_id: str) -> int:
        """The version the person is looking at: the pulled one, or 1 for the device's own create."""
        known = self.replica.get(doc_id)
        return known.version if known is not None else 1

    def create(self, doc_id: str, form_id: str, data: dict[str, Any], *, at: int, form_version: int = 1,
               meta: dict[str, Any] | None = None) -> Mutation:
        return self._queue(Create, doc_id=doc_id, at=at, form_id=form_id, form_version=form_version,
                           data=data, meta=meta or {})

    def edit(self, doc_id: str, fields: dict[str, Any], *, at: int) -> Mutation:
        return self._queue(Edit, doc_id=doc_id, at=at, base_version=self.base_version(doc_id), fields=fields)

    def resolve(self, doc_id: str, fields: dict[str, Any], *, at: int) -> Mutation:
        return self._queue(Resolve, doc_id=doc_id, at=at, fields=fields)

    def step(self, kind: str, doc_id: str, *, at: int, text: str | None = None) -> Mutation:
        """submit, return, sign, acknowledge, countersign or delete."""
        if kind == "return":
            return self._queue(Return, doc_id=doc_id, at=at, reason=text or "")
        if kind == "acknowledge":
            return self._queue(Acknowledge, doc_id=doc_id, at=at, reflection=text)
        cls = {"submit": Submit, "sign": Sign, "countersign": Countersign, "delete": Delete}[kind]
        return self._queue(cls, doc_id=doc_id, at=at)

    def _queue(self, cls: Any, **kwargs: Any) -> Mutation:
        mutation: Mutation = cls(id=self.next_id, **kwargs)
        self.next_id += 1
        self.outbox.append(mutation)
        return mutation

    # -- talking to the server -----------------------------------------------------------------

    def request(self, *, skip: int = 0) -> SyncRequest:
        """The next push: the oldest pending mutations (``skip`` > 0 leaves out the first ones,
        as a buggy or truncated client would)."""
        return SyncRequest(client_id=self.client_id, since=self.checkpoint,
                           mutations=list(self.outbox[skip : skip + self.batch]))

    def receive(self, response: SyncResponse) -> None:
        """Apply an answer, however late or repeated: results settle outbox entries, changes only
        ever move a document forward (by seq), the checkpoint only grows."""
        pending = {m.id: m for m in self.outbox}
        for result in response.results:
            if result.reason == "gap":  # not processed: stays in the outbox, resent in order
                continue
            if result.id in pending:
                self.answers[result.id] = (pending[result.id], result)
        self.outbox = [m for m in self.outbox if m.id not in self.answers]
        for change in response.changes:
            known = self.replica.get(change.doc_id)
            if known is None or change.seq > known.seq:
                self.replica[change.doc_id] = change
        self.checkpoint = max(self.checkpoint, response.checkpoint)

    def sync(self) -> SyncResponse:
        assert self.push is not None, "no transport"
        response = self.push(self.request())
        self.receive(response)
        return response

    def sync_until_idle(self, max_rounds: int = 1000) -> None:
        """Push and pull until the outbox is empty and the last pull was not cut short."""
        for _ in range(max_rounds):
            response = self.sync()
            if not self.outbox and not response.has_more:
                return
        raise AssertionError(f"{self.client_id} did not settle in {max_rounds} rounds")

    def acknowledged(self) -> list[tuple[Mutation, MutationResult]]:
        """Mutations the server took (applied or conflict, first time or replayed)."""
        return [
            (m, r) for m, r in self.answers.values()
            if r.status in ("applied", "conflict") or (r.status == "duplicate" and r.reason is None)
        ]

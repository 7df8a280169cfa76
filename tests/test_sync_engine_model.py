"""Randomized sync over an unreliable network, against the pure engine (``tests/sync_model.py``).

Devices of three people edit the same documents offline; pushes and replies are dropped,
duplicated, reordered and delayed; pushes are retried until answered. An oracle that knows the
merge rules follows every mutation the server applies. Long run: ``SYNC_EXAMPLES=2000 pytest ...``.
"""

from __future__ import annotations

import os
from typing import Any

import msgspec
from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from sync import (
    LOCKED_STATUSES, ConflictOpened, ConflictResolved, ConflictSideSet, Create, Delete, Deleted, Document,
    Edit, FieldMeta, Mutation, Outcome, Resolve, Superseded, SyncRequest, SyncResponse, canonical_json,
    classify_mutation_ids, content_hash, flatten, same_value,
)
from sync.pointer import lookup, parse
from tests.sync_model import Device, ModelServer

PEOPLE = {"a1": "user:1", "a2": "user:1", "b1": "user:2", "b2": "user:2", "c1": "ext:3"}
FIELDS = ["/score", "/comment", "/delmal/BT1/outcome", "/delmal/BT2/outcome"]
VALUES = st.sampled_from([None, "a", "b", 3, [1, 2]])
FORMS = {"minicex": False, "slutbedomning": True}  # form → requires countersign
STEPS = ["submit", "return", "sign", "acknowledge", "countersign", "delete"]
NEXT_STEPS = {"draft": ["submit"], "submitted": ["sign", "sign", "return"], "signed": ["acknowledge"],
              "acknowledged": ["countersign"], "countersigned": ["countersign"]}
MAX_DOCS = 3  # few documents, so that people meet on the same fields
NETWORK_EVENTS = [
    ("deliver request", "requests"), ("duplicate request", "requests"), ("drop request", "requests"),
    ("deliver reply", "replies"), ("duplicate reply", "replies"), ("drop reply", "replies"),
]
ACTIONS = ["edit"] * 10 + ["resolve"] * 3 + ["step"] * 2 + ["create"]

request_codec = msgspec.json.Decoder(SyncRequest)
response_codec = msgspec.json.Decoder(SyncResponse)


def value_at(data: dict[str, Any], pointer: str) -> Any:
    return lookup(data, parse(pointer))[1]


class Oracle:
    """Follows the merge rules on its own bookkeeping and checks every outcome against them."""

    def __init__(self) -> None:
        self.writer: dict[str, dict[str, FieldMeta]] = {}  # doc → field → who last set it
        self.open: dict[str, dict[str, int]] = {}  # doc → field → opened_at_version
        self.recorded: set[tuple[str, str, bytes, str]] = set()  # (doc, field, value, actor) on record
        self.applied: set[tuple[str, int]] = set()

    def record(self, doc_id: str, pointer: str, value: Any, actor: str) -> None:
        self.recorded.add((doc_id, pointer, canonical_json(value), actor))

    def __call__(self, before: Document | None, m: Mutation, actor: str, device: str, outcome: Outcome) -> None:
        key = (device, m.id)
        assert key not in self.applied, f"mutation {key} applied twice"
        self.applied.add(key)
        event(f"{type(m).__name__} {outcome.result.status} {outcome.result.reason or ''}".strip())
        for note in outcome.notes:
            event(type(note).__name__)
            self._record_note(m.doc_id, note)
        if outcome.result.status == "rejected":
            assert outcome.document is None
            return
        after = outcome.document or before
        assert after is not None
        if outcome.document is not None:
            assert outcome.document.version == (before.version + 1 if before else 1)
            if before is not None:  # a new version always carries a real change
                assert msgspec.structs.replace(outcome.document, version=before.version) != before
        else:
            assert before is not None and outcome.result.version == before.version
        writers = self.writer.setdefault(m.doc_id, {})
        opened = self.open.setdefault(m.doc_id, {})
        meta = FieldMeta(version=after.version, actor=actor, device=device, at=m.at)
        if isinstance(m, Create):
            for pointer, value in flatten(m.data).items():
                writers[pointer] = meta
                self.record(m.doc_id, pointer, value, actor)
        elif isinstance(m, Edit):
            assert before is not None
            self._edit(before, after, m, meta, writers, opened)
        elif isinstance(m, Resolve):
            for pointer, value in m.fields.items():
                assert opened.pop(pointer, None) is not None
                writers[pointer] = meta
                assert same_value(value_at(after.data, pointer), value)
                self.record(m.doc_id, pointer, value, actor)
        elif isinstance(m, Delete):
            writers.clear()
            opened.clear()
        assert {p: c.opened_at_version for p, c in after.conflicts.items()} == opened
        assert {p: (w.version, w.actor, w.device) for p, w in after.field_meta.items()} == {
            p: (w.version, w.actor, w.device) for p, w in writers.items()
        }
        conflict_status = any(isinstance(n, (ConflictOpened, ConflictSideSet)) for n in outcome.notes)
        assert (outcome.result.status == "conflict") == conflict_status

    def _edit(self, before: Document, after: Document, m: Edit, meta: FieldMeta,
              writers: dict[str, FieldMeta], opened: dict[str, int]) -> None:
        for pointer, value in m.fields.items():
            prev, now = value_at(before.data, pointer), value_at(after.data, pointer)
            w = writers.get(pointer)
            if pointer in opened:
                if m.base_version >= opened[pointer]:  # saw the conflict: resolves it
                    del opened[pointer]
                    writers[pointer] = meta
                    assert same_value(now, value)
                elif not same_value(prev, now):  # the person shown moved their own value
                    assert w is not None and w.actor == meta.actor and same_value(now, value)
                    writers[pointer] = meta
            elif same_value(prev, value):
                assert same_value(now, prev)
            elif w is None or w.version <= m.base_version or w.device == meta.device:
                assert same_value(now, value)
                writers[pointer] = meta
            elif w.actor == meta.actor:
                if (m.at, meta.device) > (w.at, w.device):
                    assert same_value(now, value)
                    writers[pointer] = meta
                else:
                    assert same_value(now, prev)
            else:  # two people, concurrently, different values
                assert same_value(now, prev)
                opened[pointer] = meta.version
            if same_value(now, value):
                self.record(m.doc_id, pointer, value, meta.actor)

    def _record_note(self, doc_id: str, note: Any) -> None:
        if isinstance(note, Superseded):
            for side in (note.loser, note.winner):
                self.record(doc_id, note.pointer, side.value, side.actor)
        elif isinstance(note, (ConflictOpened, ConflictResolved)):
            for side in note.conflict.values:
                self.record(doc_id, note.pointer, side.value, side.actor)
            assert len({s.actor for s in note.conflict.values}) >= 2
        elif isinstance(note, ConflictSideSet):
            self.record(doc_id, note.pointer, note.side.value, note.side.actor)
        elif isinstance(note, Deleted):
            for conflict in note.conflicts.values():
                assert len({s.actor for s in conflict.values}) >= 2


class SyncMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.oracle = Oracle()
        self.server = ModelServer(actors=dict(PEOPLE), observer=self.oracle, page_size=3,
                                  countersign_forms=frozenset(f for f, cs in FORMS.items() if cs))
        self.devices = {c: Device(c, actor, push=self.reliable, batch=4) for c, actor in PEOPLE.items()}
        self.skew = dict.fromkeys(PEOPLE, 0)
        self.clock = 1_000_000
        self.docs = 0
        self.requests: list[tuple[str, bytes]] = []  # in flight to the server
        self.replies: list[tuple[str, bytes]] = []  # in flight back to a device
        self.signed: dict[str, str] = {}

    # -- the wire --------------------------------------------------------------------------------

    def deliver(self, body: bytes) -> bytes:
        request = request_codec.decode(body)
        last = self.server.last_applied.get(request.client_id, 0)
        replay = "apply" not in classify_mutation_ids(last, [m.id for m in request.mutations])
        state = (msgspec.json.encode(self.server.docs), self.server.seq)
        response = self.server.push(request)
        if replay:
            assert (msgspec.json.encode(self.server.docs), self.server.seq) == state, "a replay changed state"
        assert response.checkpoint >= request.since
        seqs = [c.seq for c in response.changes]
        assert seqs == sorted(seqs) and all(request.since < s <= response.checkpoint for s in seqs)
        return msgspec.json.encode(response)

    def reliable(self, request: SyncRequest) -> SyncResponse:
        return response_codec.decode(self.deliver(msgspec.json.encode(request)))

    def now(self, device: str) -> int:
        self.clock += 10
        return self.clock + self.skew[device]

    # -- people ----------------------------------------------------------------------------------

    @initialize(skews=st.lists(st.integers(-30, 30), min_size=len(PEOPLE), max_size=len(PEOPLE)))
    def start(self, skews: list[int]) -> None:
        """Clocks that disagree by up to 30 ms, and one document that every device has pulled."""
        self.skew = dict(zip(PEOPLE, skews))
        self.create("a1", data=None)
        for device in self.devices.values():
            device.sync_until_idle()

    @rule(device=st.sampled_from(sorted(PEOPLE)), data=st.data(), action=st.sampled_from(ACTIONS))
    def a_person_acts(self, device: str, data: st.DataObject, action: str) -> None:
        self.person_acts(device, data, action)

    def person_acts(self, device: str, data: st.DataObject, action: str) -> None:
        """One thing a person does on a device (offline: it only goes into the outbox)."""
        if action == "create":
            if self.docs < MAX_DOCS:
                self.create(device, data)
        elif self.known(device):
            getattr(self, action)(device, data)

    def create(self, device: str, data: st.DataObject | None) -> None:
        self.docs += 1
        doc_id = f"00000000-0000-4000-8000-{self.docs:012d}"
        form = data.draw(st.sampled_from(sorted(FORMS))) if data else "slutbedomning"
        fields = data.draw(st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=2)) if data else {}
        content: dict[str, Any] = {}
        for pointer, value in fields.items():
            node = content
            *parents, last = parse(pointer)
            for token in parents:
                node = node.setdefault(token, {})
            node[last] = value
        self.devices[device].create(doc_id, form, content, at=self.now(device))

    def known(self, device: str) -> list[str]:
        dev = self.devices[device]
        mine = [m.doc_id for m in dev.outbox if isinstance(m, Create)]
        return sorted(set(dev.replica) | set(mine))

    def edit(self, device: str, data: st.DataObject) -> None:
        doc_id = data.draw(st.sampled_from(self.known(device)))
        fields = data.draw(st.dictionaries(st.sampled_from(FIELDS), VALUES, min_size=1, max_size=2))
        self.devices[device].edit(doc_id, fields, at=self.now(device))

    def resolve(self, device: str, data: st.DataObject) -> None:
        dev = self.devices[device]
        conflicted = sorted(d for d, c in dev.replica.items() if c.conflicts)
        if conflicted:
            doc_id = data.draw(st.sampled_from(conflicted))
            pointer = data.draw(st.sampled_from(sorted(dev.replica[doc_id].conflicts)))
            sides = [s.value for s in dev.replica[doc_id].conflicts[pointer].values]
            value = data.draw(st.sampled_from(sides) | VALUES)
            dev.resolve(doc_id, {pointer: value}, at=self.now(device))

    def step(self, device: str, data: st.DataObject) -> None:
        """Mostly the step the device's copy of the document is ready for, sometimes any step."""
        doc_id = data.draw(st.sampled_from(self.known(device)))
        known = self.devices[device].replica.get(doc_id)
        natural = data.draw(st.sampled_from([True, True, True, False]))
        kinds = NEXT_STEPS[known.status if known else "draft"] if natural else STEPS
        kind = data.draw(st.sampled_from(kinds))
        self.devices[device].step(kind, doc_id, at=self.now(device), text=f"{kind} by {device}")

    # -- the network -----------------------------------------------------------------------------

    @rule(device=st.sampled_from(sorted(PEOPLE)), data=st.data(), action=st.sampled_from(ACTIONS))
    def another_person_acts(self, device: str, data: st.DataObject, action: str) -> None:
        """The same again: people act about as often as the network does something."""
        self.person_acts(device, data, action)

    @rule(data=st.data())
    def network(self, data: st.DataObject) -> None:
        """A device sends its outbox (as a push that also pulls), or something happens to a message in
        flight: delivered (in any order), delivered and kept for a second delivery (duplication), or
        lost. Sending again is how devices retry."""
        self.network_event(data)

    @rule(data=st.data())
    def more_network(self, data: st.DataObject) -> None:
        self.network_event(data)

    def network_event(self, data: st.DataObject) -> None:
        events = ["send", "send"] + [e for e, queue in NETWORK_EVENTS if getattr(self, queue)]
        kind = data.draw(st.sampled_from(events))
        if kind == "send":
            device = data.draw(st.sampled_from(sorted(PEOPLE)))
            skip = data.draw(st.sampled_from([0, 0, 0, 0, 1]))  # 1: a truncated push (a gap)
            self.requests.append((device, msgspec.json.encode(self.devices[device].request(skip=skip))))
            return
        queue = self.requests if kind.endswith("request") else self.replies
        i = data.draw(st.integers(0, len(queue) - 1))
        device, body = queue[i] if kind.startswith("duplicate") else queue.pop(i)
        event(kind)
        if kind.startswith("drop"):
            return
        if queue is self.requests:
            self.replies.append((device, self.deliver(body)))
        else:
            self.devices[device].receive(response_codec.decode(body))

    @rule()
    def drain(self) -> None:
        """Deliver what is in flight, then let every device sync until its outbox is empty, then
        pull once more everywhere: everyone must then see exactly the server's state."""
        for client, body in self.requests:
            self.replies.append((client, self.deliver(body)))
        self.requests.clear()
        for client, body in self.replies:
            self.devices[client].receive(response_codec.decode(body))
        self.replies.clear()
        for _ in range(2):
            for device in self.devices.values():
                device.sync_until_idle()
        self.check_converged()

    def teardown(self) -> None:
        self.drain()

    # -- invariants ------------------------------------------------------------------------------

    def check_converged(self) -> None:
        expected = {d: self.server.change_of(d) for d in self.server.docs}
        for client, device in self.devices.items():
            assert not device.outbox
            assert device.replica == expected, f"{client} differs from the server"
            for doc_id, doc in self.server.docs.items():
                copy = device.replica[doc_id]
                assert (copy.version, copy.status, copy.deleted, copy.data, copy.conflicts, copy.content_hash) == (
                    doc.version, doc.status, doc.deleted, doc.data, doc.conflicts, doc.content_hash)
            assert device.checkpoint == self.server.seq
            assert self.server.last_applied.get(client, 0) == device.next_id - 1
            assert set(device.answers) == set(range(1, device.next_id))
            for mutation, _ in device.acknowledged():
                written = mutation.fields if isinstance(mutation, (Edit, Resolve)) else (
                    flatten(mutation.data) if isinstance(mutation, Create) else {})
                for pointer, value in written.items():
                    key = (mutation.doc_id, pointer, canonical_json(value), device.actor)
                    assert key in self.oracle.recorded, f"acknowledged write lost: {key}"

    @invariant()
    def signed_documents_never_change(self) -> None:
        for doc_id, doc in self.server.docs.items():
            if doc.status in LOCKED_STATUSES:
                assert doc.content_hash == content_hash(doc.data)
                assert self.signed.setdefault(doc_id, doc.content_hash) == doc.content_hash
                assert not doc.conflicts
            elif doc_id in self.signed:
                raise AssertionError(f"{doc_id} left the signed states")
            if doc.status != "draft":
                assert not doc.conflicts


SyncMachine.TestCase.settings = settings(
    max_examples=int(os.environ.get("SYNC_EXAMPLES", "150")), deadline=None, stateful_step_count=40
)
TestSyncOverAnUnreliableNetwork = SyncMachine.TestCase

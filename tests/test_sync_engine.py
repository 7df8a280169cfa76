"""The pure sync engine (``sync/``): merge rules, locks, rejections, exactly-once, protocol."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import msgspec
import pytest

from sync import (
    Acknowledge, ConflictOpened, ConflictResolved, ConflictSide, ConflictSideSet, Countersign, Create,
    Delete, Deleted, Document, Edit, InvalidRequest, MAX_BODY_BYTES, MAX_MUTATIONS, Mutation,
    MutationResult, Outcome, REASONS, Resolve, Return, Sign, StatusChanged, Submit, Superseded,
    SyncRequest, apply_mutation, classify_mutation_ids, content_hash, decode_request, duplicate_of,
    flatten, gap_result, same_value, to_change,
)
from sync import protocol
from sync.document import Conflict
from tests.sync_model import Device, ModelServer

ROOT = Path(__file__).resolve().parents[1]
ANNA, BERT = "user:1", "user:2"  # two people; Anna has two devices, a1 and a2
DOC = "5b3f0c1e-0000-4000-8000-000000000001"


def run(doc: Document | None, mutation: Mutation, actor: str = ANNA, device: str = "a1",
        countersign: bool = False) -> Outcome:
    return apply_mutation(doc, mutation, actor, device, requires_countersign=countersign)


def created(data: dict[str, Any] | None = None, actor: str = ANNA, device: str = "a1") -> Document:
    m = Create(id=1, doc_id=DOC, at=1_000, form_id="minicex", form_version=1,
               data={"score": 5, "comment": "ok"} if data is None else data)
    doc = run(None, m, actor, device).document
    assert doc is not None
    return doc


def edit(base: int, fields: dict[str, Any], at: int = 2_000, id: int = 2) -> Edit:
    return Edit(id=id, doc_id=DOC, at=at, base_version=base, fields=fields)


def applied(outcome: Outcome) -> Document:
    assert outcome.result.status in ("applied", "conflict"), outcome.result
    assert outcome.document is not None
    return outcome.document


def with_status(doc: Document, status: str, **more: Any) -> Document:
    return msgspec.structs.replace(doc, status=status, **more)


def rejected(outcome: Outcome, reason: str) -> None:
    assert outcome.result.status == "rejected"
    assert outcome.result.reason == reason, outcome.result
    assert outcome.result.message
    assert outcome.document is None


# -- create ------------------------------------------------------------------------------------


def test_create_starts_at_version_1_with_metadata_for_every_leaf() -> None:
    doc = created({"score": 5, "delmal": {"BT3": {"outcome": "uppnått", "links": [1, 2]}}, "note": None})
    assert doc.version == 1 and doc.status == "draft" and not doc.deleted
    assert set(doc.field_meta) == {"/score", "/delmal/BT3/outcome", "/delmal/BT3/links", "/note"}
    assert {(m.version, m.actor, m.device, m.at) for m in doc.field_meta.values()} == {(1, ANNA, "a1", 1_000)}


def test_create_keeps_the_header_meta() -> None:
    m = Create(id=1, doc_id=DOC, at=1, form_id="minicex", form_version=2, data={},
               meta={"trainee_id": 7, "assessor_name": "Eva", "amends": "other-doc"})
    doc = applied(run(None, m))
    assert doc.meta == {"trainee_id": 7, "assessor_name": "Eva", "amends": "other-doc"}
    assert doc.form_version == 2


def test_create_of_an_existing_id_is_rejected_exists() -> None:
    doc = created()
    rejected(run(doc, Create(id=2, doc_id=DOC, at=1, form_id="minicex", form_version=1)), "exists")


@pytest.mark.parametrize("mutation", [
    Edit(id=1, doc_id=DOC, at=1, base_version=1, fields={"/a": 1}),
    Resolve(id=1, doc_id=DOC, at=1, fields={"/a": 1}),
    Submit(id=1, doc_id=DOC, at=1), Delete(id=1, doc_id=DOC, at=1), Sign(id=1, doc_id=DOC, at=1),
])
def test_mutation_on_a_missing_document_is_rejected_not_found(mutation: Mutation) -> None:
    outcome = run(None, mutation)
    rejected(outcome, "not_found")
    assert outcome.result.version is None


# -- merge rules -------------------------------------------------------------------------------


def test_field_unchanged_since_base_is_applied_and_version_grows() -> None:
    doc = created()
    new = applied(run(doc, edit(1, {"/score": 7, "/delmal/BT1/outcome": "pågående"}), BERT, "b1"))
    assert new.version == 2
    assert new.data == {"score": 7, "comment": "ok", "delmal": {"BT1": {"outcome": "pågående"}}}
    assert new.field_meta["/score"].version == 2 and new.field_meta["/score"].actor == BERT
    assert new.field_meta["/comment"].version == 1
    assert not new.conflicts


def test_identical_value_changes_nothing_and_keeps_the_version() -> None:
    doc = created()
    outcome = run(doc, edit(1, {"/score": 5}), BERT, "b1")
    assert outcome.result.status == "applied" and outcome.result.version == 1
    assert outcome.document is None and outcome.notes == []


def test_null_clears_a_field_and_is_stored_as_null() -> None:
    doc = created()
    new = applied(run(doc, edit(1, {"/comment": None})))
    assert new.data == {"score": 5, "comment": None}
    assert run(new, edit(2, {"/comment": None}, id=3)).document is None  # clearing again: no change
    assert run(doc, edit(1, {"/never": None})).document is None  # an absent field is already clear


def test_json_equality_is_strict() -> None:
    assert not same_value(1, True) and not same_value(1, 1.0) and same_value([1, {"a": 1}], [1, {"a": 1}])
    doc = created({"flag": 1})
    assert applied(run(doc, edit(1, {"/flag": True}))).data["flag"] is True


def test_same_person_on_another_device_later_edit_wins_and_the_loser_is_superseded() -> None:
    doc = applied(run(created(), edit(1, {"/score": 6}, at=3_000), ANNA, "a1"))
    outcome = run(doc, edit(1, {"/score": 8}, at=4_000), ANNA, "a2")
    new = applied(outcome)
    assert new.data["score"] == 8 and new.version == 3 and not new.conflicts
    [note] = outcome.notes
    assert isinstance(note, Superseded) and note.pointer == "/score"
    assert (note.loser.value, note.loser.device, note.winner.value) == (6, "a1", 8)


def test_same_person_on_another_device_earlier_edit_loses_and_is_still_recorded() -> None:
    doc = applied(run(created(), edit(1, {"/score": 6}, at=3_000), ANNA, "a1"))
    outcome = run(doc, edit(1, {"/score": 8}, at=2_500), ANNA, "a2")
    assert outcome.result.status == "applied" and outcome.document is None
    [note] = outcome.notes
    assert isinstance(note, Superseded)
    assert (note.loser.value, note.loser.device, note.loser.at, note.winner.value) == (8, "a2", 2_500, 6)


def test_same_person_same_time_ties_break_by_device_id() -> None:
    doc = applied(run(created(), edit(1, {"/score": 6}, at=3_000), ANNA, "a2"))
    assert run(doc, edit(1, {"/score": 8}, at=3_000), ANNA, "a1").document is None  # "a1" < "a2"
    doc = applied(run(created(), edit(1, {"/score": 6}, at=3_000), ANNA, "a1"))
    assert applied(run(doc, edit(1, {"/score": 8}, at=3_000), ANNA, "a2")).data["score"] == 8


def test_same_device_later_mutation_wins_even_if_its_clock_went_back() -> None:
    doc = applied(run(created(), edit(1, {"/score": 6}, at=3_000), ANNA, "a1"))
    outcome = run(doc, edit(1, {"/score": 7}, at=1_500, id=3), ANNA, "a1")
    assert applied(outcome).data["score"] == 7 and outcome.notes == []


def test_different_people_concurrently_open_a_conflict_and_other_fields_still_merge() -> None:
    doc = applied(run(created(), edit(1, {"/score": 6}, at=3_000), ANNA, "a1"))
    outcome = run(doc, edit(1, {"/score": 9, "/comment": "bra"}, at=3_500), BERT, "b1")
    assert outcome.result.status == "conflict" and outcome.result.version == 3
    new = applied(outcome)
    assert new.data == {"score": 6, "comment": "bra"}  # the current value stays; comment merged
    conflict = new.conflicts["/score"]
    assert conflict.opened_at_version == 3
    assert [(s.value, s.actor, s.device, s.at, s.version) for s in conflict.values] == [
        (6, ANNA, "a1", 3_000, 2), (9, BERT, "b1", 3_500, 3)]
    assert new.field_meta["/score"].actor == ANNA and new.field_meta["/comment"].actor == BERT
    assert [type(n) for n in outcome.notes] == [ConflictOpened]


def test_concurrent_identical_values_are_no_conflict() -> None:
    doc = applied(run(created(), edit(1, {"/score": 6}), ANNA, "a1"))
    outcome = run(doc, edit(1, {"/score": 6}), BERT, "b1")
    assert outcome.result.status == "applied" and outcome.document is None


def conflicted() -> Document:
    doc = applied(run(created(), edit(1, {"/score": 6}, at=3_000), ANNA, "a1"))
    return applied(run(doc, edit(1, {"/score": 9}, at=3_500), BERT, "b1"))  # version 3, conflict at 3


def test_an_edit_made_after_seeing_the_conflict_resolves_it() -> None:
    outcome = run(conflicted(), edit(3, {"/score": 7}, at=5_000), BERT, "b2")
    new = applied(outcome)
    assert outcome.result.status == "applied"
    assert new.data["score"] == 7 and not new.conflicts and new.version == 4
    assert new.field_meta["/score"].actor == BERT
    [note] = outcome.notes
    assert isinstance(note, ConflictResolved) and note.by == "edit" and len(note.conflict.values) == 2


def test_an_older_edit_by_a_third_person_adds_a_side() -> None:
    outcome = run(conflicted(), edit(1, {"/score": 4}, at=3_700), "user:3", "c1")
    new = applied(outcome)
    assert outcome.result.status == "conflict" and new.version == 4
    assert [s.value for s in new.conflicts["/score"].values] == [6, 9, 4]
    assert new.conflicts["/score"].opened_at_version == 3 and new.data["score"] == 6
    assert [type(n) for n in outcome.notes] == [ConflictSideSet]


def test_an_older_edit_by_a_person_with_a_side_replaces_it() -> None:
    outcome = run(conflicted(), edit(2, {"/score": 10}, at=3_600), BERT, "b2")
    new = applied(outcome)
    assert [s.value for s in new.conflicts["/score"].values] == [6, 10]
    assert new.data["score"] == 6
    superseded = [n for n in outcome.notes if isinstance(n, Superseded)]
    assert [(n.loser.value, n.winner.value) for n in superseded] == [(9, 10)]


def test_an_older_edit_by_the_person_shown_moves_the_shown_value() -> None:
    new = applied(run(conflicted(), edit(1, {"/score": 5}, at=3_800), ANNA, "a2"))
    assert [s.value for s in new.conflicts["/score"].values] == [5, 9]
    assert new.data["score"] == 5 and new.field_meta["/score"].device == "a2"


def test_an_older_losing_edit_to_a_side_is_superseded_and_changes_nothing() -> None:
    outcome = run(conflicted(), edit(1, {"/score": 10}, at=3_400), BERT, "b2")
    assert outcome.document is None and outcome.result.status == "applied"
    [note] = outcome.notes
    assert isinstance(note, Superseded) and note.loser.value == 10


def test_resolve_closes_the_conflict_with_the_chosen_value() -> None:
    outcome = run(conflicted(), Resolve(id=5, doc_id=DOC, at=6_000, fields={"/score": 8}), BERT, "b1")
    new = applied(outcome)
    assert new.data["score"] == 8 and not new.conflicts and new.version == 4
    assert new.field_meta["/score"].actor == BERT
    [note] = outcome.notes
    assert isinstance(note, ConflictResolved) and note.by == "resolve" and note.value == 8


def test_resolve_where_no_conflict_is_open_is_rejected_no_conflict() -> None:
    doc = conflicted()
    rejected(run(doc, Resolve(id=5, doc_id=DOC, at=1, fields={"/score": 8, "/comment": "x"})), "no_conflict")


# -- statuses and locks ------------------------------------------------------------------------


def test_full_lifecycle_with_countersign_and_a_stable_content_hash() -> None:
    doc = created()
    steps: list[Mutation] = [
        Submit(id=2, doc_id=DOC, at=1), Sign(id=3, doc_id=DOC, at=2),
        Acknowledge(id=4, doc_id=DOC, at=3, reflection="lärorikt"), Countersign(id=5, doc_id=DOC, at=4),
    ]
    statuses = []
    for step in steps:
        outcome = run(doc, step, countersign=True)
        doc = applied(outcome)
        statuses.append(doc.status)
        assert isinstance(outcome.notes[0], StatusChanged)
    assert statuses == ["submitted", "signed", "acknowledged", "countersigned"]
    assert doc.version == 5 and doc.reflection == "lärorikt"
    assert doc.content_hash == content_hash({"score": 5, "comment": "ok"})


def test_countersign_without_the_form_requiring_it_is_an_invalid_transition() -> None:
    doc = with_status(created(), "acknowledged")
    rejected(run(doc, Countersign(id=2, doc_id=DOC, at=1), countersign=False), "invalid_transition")


@pytest.mark.parametrize(("status", "mutation"), [
    ("draft", Sign(id=2, doc_id=DOC, at=1)), ("draft", Return(id=2, doc_id=DOC, at=1, reason="x")),
    ("draft", Acknowledge(id=2, doc_id=DOC, at=1)), ("submitted", Submit(id=2, doc_id=DOC, at=1)),
    ("submitted", Acknowledge(id=2, doc_id=DOC, at=1)), ("signed", Sign(id=2, doc_id=DOC, at=1)),
    ("signed", Return(id=2, doc_id=DOC, at=1, reason="x")), ("signed", Countersign(id=2, doc_id=DOC, at=1)),
    ("countersigned", Countersign(id=2, doc_id=DOC, at=1)),
])
def test_steps_the_status_does_not_allow_are_invalid_transitions(status: str, mutation: Mutation) -> None:
    rejected(run(with_status(created(), status), mutation, countersign=True), "invalid_transition")


def test_return_sends_back_to_draft_with_the_reason_and_submit_clears_it() -> None:
    doc = applied(run(created(), Submit(id=2, doc_id=DOC, at=1)))
    doc = applied(run(doc, Return(id=3, doc_id=DOC, at=2, reason="fyll i styrkor")))
    assert doc.status == "draft" and doc.returned_reason == "fyll i styrkor"
    doc = applied(run(doc, edit(3, {"/comment": "styrkor: ..."}, id=4)))
    doc = applied(run(doc, Submit(id=5, doc_id=DOC, at=3)))
    assert doc.status == "submitted" and doc.returned_reason is None


def test_submit_and_sign_are_blocked_while_a_conflict_is_open() -> None:
    doc = conflicted()
    rejected(run(doc, Submit(id=9, doc_id=DOC, at=1)), "open_conflicts")
    rejected(run(with_status(doc, "submitted"), Sign(id=9, doc_id=DOC, at=1)), "open_conflicts")


def test_a_submitted_document_is_not_editable() -> None:
    doc = with_status(created(), "submitted")
    rejected(run(doc, edit(1, {"/score": 1})), "not_editable")
    rejected(run(doc, Resolve(id=2, doc_id=DOC, at=1, fields={"/score": 1})), "not_editable")
    rejected(run(doc, Delete(id=2, doc_id=DOC, at=1)), "not_editable")


@pytest.mark.parametrize("status", ["signed", "acknowledged", "countersigned"])
def test_signed_and_later_are_locked(status: str) -> None:
    doc = with_status(created(), status)
    rejected(run(doc, edit(1, {"/score": 1})), "locked")
    rejected(run(doc, Resolve(id=2, doc_id=DOC, at=1, fields={"/score": 1})), "locked")
    rejected(run(doc, Delete(id=2, doc_id=DOC, at=1)), "locked")


def test_delete_leaves_a_tombstone_and_records_what_it_held() -> None:
    doc = conflicted()
    outcome = run(doc, Delete(id=9, doc_id=DOC, at=1))
    tomb = applied(outcome)
    assert tomb.deleted and tomb.data == {} and not tomb.conflicts and tomb.version == doc.version + 1
    [note] = outcome.notes
    assert isinstance(note, Deleted) and note.data == doc.data and "/score" in note.conflicts
    change = to_change(tomb, seq=42)
    assert change.deleted and change.seq == 42 and change.version == tomb.version


@pytest.mark.parametrize("mutation", [
    Edit(id=9, doc_id=DOC, at=1, base_version=2, fields={"/score": 1}),
    Resolve(id=9, doc_id=DOC, at=1, fields={"/score": 1}), Submit(id=9, doc_id=DOC, at=1),
    Delete(id=9, doc_id=DOC, at=1), Create(id=9, doc_id=DOC, at=1, form_id="minicex", form_version=1),
])
def test_any_mutation_on_a_tombstone_is_rejected_deleted(mutation: Mutation) -> None:
    tomb = applied(run(created(), Delete(id=2, doc_id=DOC, at=1)))
    rejected(run(tomb, mutation), "deleted")


def test_content_hash_is_sha256_of_sorted_compact_json() -> None:
    data = {"b": [1, "å"], "a": {"y": None, "x": True}}
    expected = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert content_hash(data) == hashlib.sha256(expected.encode()).hexdigest()
    assert content_hash({"a": {"x": True, "y": None}, "b": [1, "å"]}) == content_hash(data)


# -- malformed edits ---------------------------------------------------------------------------


@pytest.mark.parametrize("fields", [
    {"score": 1},  # not a pointer
    {"/a~2b": 1},  # bad escape
    {"/delmal": {"BT1": "x"}},  # an object is not a field value
    {"/score/deeper": 1},  # /score is a field
    {"/comment/x": 1},
])
def test_malformed_edits_are_rejected_invalid(fields: dict[str, Any]) -> None:
    rejected(run(created(), edit(1, fields)), "invalid")


def test_an_object_is_not_a_field_and_fields_may_not_nest() -> None:
    doc = created({"delmal": {"BT1": {"outcome": "x"}}})
    rejected(run(doc, edit(1, {"/delmal/BT1": "x"})), "invalid")
    rejected(run(doc, edit(1, {"/new": 1, "/new/x": 2})), "invalid")
    rejected(run(doc, edit(1, {"/a/b/c": 1, "/a/b": 2})), "invalid")


def test_a_base_version_from_the_future_is_rejected_invalid() -> None:
    rejected(run(created(), edit(5, {"/score": 1})), "invalid")


def test_pointer_escapes_address_keys_with_slash_and_tilde() -> None:
    doc = applied(run(created({}), edit(1, {"/a~1b/c~0d": 1})))
    assert doc.data == {"a/b": {"c~d": 1}}
    assert flatten(doc.data) == {"/a~1b/c~0d": 1}


def test_apply_mutation_does_not_modify_its_inputs() -> None:
    doc = conflicted()
    before = msgspec.json.encode(doc)
    mutations: list[Mutation] = [
        edit(1, {"/score": 4, "/list": [1, 2], "/deep/x": 1}, at=9_000),
        edit(3, {"/score": 4}), Resolve(id=3, doc_id=DOC, at=1, fields={"/score": [1]}),
        Delete(id=3, doc_id=DOC, at=1),
    ]
    for m in mutations:
        m_before = msgspec.json.encode(m)
        out = run(doc, m, BERT, "b9")
        if out.document is not None and "list" in out.document.data:
            out.document.data["list"].append(3)  # the new document does not share the mutation's values
        assert msgspec.json.encode(m) == m_before
    assert msgspec.json.encode(doc) == before


# -- exactly-once ------------------------------------------------------------------------------


@pytest.mark.parametrize(("last", "ids", "expected"), [
    (0, [], []),
    (0, [1, 2, 3], ["apply", "apply", "apply"]),
    (3, [2, 3, 4], ["duplicate", "duplicate", "apply"]),
    (3, [5, 6], ["gap", "gap"]),
    (3, [4, 6, 7, 5], ["apply", "gap", "gap", "gap"]),
    (0, [1, 1, 2], ["apply", "duplicate", "apply"]),
    (5, [1], ["duplicate"]),
])
def test_classify_mutation_ids(last: int, ids: list[int], expected: list[str]) -> None:
    assert classify_mutation_ids(last, ids) == expected


def test_gap_and_duplicate_results() -> None:
    m = Submit(id=7, doc_id=DOC, at=1)
    gap = gap_result(m, 5)
    assert (gap.status, gap.reason, gap.id) == ("rejected", "gap", 7) and "5" in (gap.message or "")
    first = MutationResult(id=7, status="rejected", doc_id=DOC, version=3, reason="locked", message="no")
    again = duplicate_of(m, first)
    assert (again.status, again.reason, again.version) == ("duplicate", "locked", 3)
    assert duplicate_of(m, None).status == "duplicate"


def test_a_replayed_push_returns_duplicates_and_changes_nothing() -> None:
    server = ModelServer(actors={"a1": ANNA})
    device = Device("a1", ANNA, push=server.push)
    device.create(DOC, "minicex", {"score": 1}, at=1)
    device.edit(DOC, {"/score": 2}, at=2)
    request = device.request()
    first = server.push(request)
    assert [r.status for r in first.results] == ["applied", "applied"]
    state = (msgspec.json.encode(server.docs), server.seq)
    second = server.push(request)
    assert [r.status for r in second.results] == ["duplicate", "duplicate"]
    assert (msgspec.json.encode(server.docs), server.seq) == state
    device.receive(second)
    assert not device.outbox and device.replica[DOC].data == {"score": 2}


def test_a_push_with_a_gap_is_rejected_from_the_gap_on_and_resent_in_order() -> None:
    server = ModelServer(actors={"a1": ANNA})
    device = Device("a1", ANNA, push=server.push)
    device.create(DOC, "minicex", {}, at=1)
    device.edit(DOC, {"/score": 2}, at=2)
    device.edit(DOC, {"/score": 3}, at=3)
    response = server.push(device.request(skip=1))
    assert [(r.status, r.reason) for r in response.results] == [("rejected", "gap")] * 2
    device.receive(response)
    assert len(device.outbox) == 3 and DOC not in server.docs
    device.sync_until_idle()
    assert server.docs[DOC].data == {"score": 3} and server.last_applied["a1"] == 3


def test_a_pull_is_paged_and_the_checkpoint_covers_every_change() -> None:
    server = ModelServer(actors={"a1": ANNA, "b1": BERT}, page_size=2)
    writer = Device("a1", ANNA, push=server.push)
    for n in range(5):
        writer.create(f"doc-{n}", "minicex", {"n": n}, at=n)
    writer.sync_until_idle()
    reader = Device("b1", BERT, push=server.push)
    seen = []
    while True:
        response = reader.sync()
        seen += [c.seq for c in response.changes]
        if not response.has_more:
            break
    assert seen == [1, 2, 3, 4, 5] and reader.checkpoint == 5


# -- protocol ----------------------------------------------------------------------------------


def test_mutations_round_trip_as_a_tagged_union() -> None:
    request = SyncRequest(client_id="a1", since=3, mutations=[
        Create(id=1, doc_id=DOC, at=1, form_id="minicex", form_version=1, data={"a": 1}, meta={"trainee_id": 1}),
        edit(1, {"/a": None}), Resolve(id=3, doc_id=DOC, at=1, fields={"/a": 2}), Submit(id=4, doc_id=DOC, at=1),
        Return(id=5, doc_id=DOC, at=1, reason="r"), Sign(id=6, doc_id=DOC, at=1),
        Acknowledge(id=7, doc_id=DOC, at=1, reflection=None), Countersign(id=8, doc_id=DOC, at=1),
        Delete(id=9, doc_id=DOC, at=1),
    ])
    body = msgspec.json.encode(request)
    assert b'"kind":"return"' in body
    assert decode_request(body) == request


@pytest.mark.parametrize("body", [
    b'{"client_id":"a1","since":0,"mutations":[{"kind":"launch","id":1,"doc_id":"d","at":1}]}',
    b'{"client_id":"a1","since":0,"mutations":[{"kind":"submit","id":1,"doc_id":"d","at":1,"x":1}]}',
    b'{"client_id":"a1","since":0,"extra":true}',
    b'{"client_id":"a1","since":0,"mutations":[{"kind":"submit","id":0,"doc_id":"d","at":1}]}',
    b'{"client_id":"a1","since":0,"mutations":[{"kind":"edit","id":1,"doc_id":"d","at":1,"fields":{}}]}',
    b"{not json",
])
def test_malformed_requests_are_refused(body: bytes) -> None:
    with pytest.raises(InvalidRequest):
        decode_request(body)


def test_request_limits() -> None:
    too_many = SyncRequest(client_id="a1", since=0,
                           mutations=[Submit(id=i + 1, doc_id=DOC, at=1) for i in range(MAX_MUTATIONS + 1)])
    with pytest.raises(InvalidRequest):
        decode_request(msgspec.json.encode(too_many))
    with pytest.raises(InvalidRequest) as raised:
        decode_request(b" " * (MAX_BODY_BYTES + 1))
    assert raised.value.too_large


def test_documents_and_notes_encode_as_json() -> None:
    outcome = run(conflicted(), Delete(id=9, doc_id=DOC, at=1))
    assert outcome.document is not None
    doc_json = msgspec.json.encode(outcome.document)
    assert msgspec.json.decode(doc_json, type=Document) == outcome.document
    assert b'"note":"deleted"' in msgspec.json.encode(outcome.notes)
    side = ConflictSide(value=1, actor="a", device="d", at=1, version=1)
    assert msgspec.json.decode(msgspec.json.encode(Conflict(values=[side], opened_at_version=1)), type=Conflict)


def test_every_rejection_reason_the_engine_uses_is_documented() -> None:
    source = "".join(p.read_text() for p in (ROOT / "sync").glob("*.py"))
    used = set(re.findall(r'Rejection\("([a-z_]+)"', source)) | {"gap"}
    assert used <= set(REASONS)
    for reason in REASONS:
        assert f"``{reason}``" in (protocol.__doc__ or "")


def test_the_sync_package_imports_no_web_framework_and_no_server() -> None:
    code = (
        "import sys, sync, sync.engine, sync.protocol, sync.merge, sync.ordering, sync.feed;"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('litestar', 'server', 'piccolo'));"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""

"""What a loaded catalog is made of: vocabularies, workflows, form versions and the catalog itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jsonschema import Draft202012Validator

from .field_errors import field_errors


@dataclass(frozen=True)
class FieldError:
    """One problem with submitted data: ``field`` is a JSON Pointer ("" for the whole document)."""

    field: str
    message: str


@dataclass(frozen=True)
class Workflow:
    """Who starts, edits, signs, acknowledges and countersigns a form (``workflow.json``)."""

    start: tuple[str, ...]
    editors: tuple[str, ...]
    sign: str
    acknowledge: str | None
    countersign: str | None
    assessor_must_be: str | None
    requires_placement: bool
    evidence_for: tuple[str, ...]
    anonymous_to_trainee: bool
    #: asked only through a 360 round (its nominations), never through a single request
    #: (``in_round``; absent from workflow.json: False)
    in_round: bool = False
    #: not an assessment but a supervision meeting ("handledning") or an action plan ("handlingsplan"),
    #: or None (``purpose`` in workflow.json)
    purpose: str | None = None
    #: read only by the trainee, the assessor, her HHL and studierektor, and in part by ``partial_readers``
    restricted: bool = False
    #: participant role -> {"fields": [top-level pointers it reads], "items_if": {pointer: flag}}
    partial_readers: dict[str, Any] = field(default_factory=dict)
    #: forms of which this one follows up a signed document (``meta.follows_up``)
    follows_up: tuple[str, ...] = ()
    #: what the followed-up document must say (top-level pointer -> value), e.g. no improvement
    follows_up_if: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Workflow:
        """Build from a ``workflow.json`` already checked against its meta-schema."""
        return cls(
            start=tuple(data["start"]), editors=tuple(data["editors"]), sign=data["sign"],
            acknowledge=data["acknowledge"], countersign=data["countersign"],
            assessor_must_be=data["assessor_must_be"], requires_placement=data["requires_placement"],
            evidence_for=tuple(data["evidence_for"]), anonymous_to_trainee=data["anonymous_to_trainee"],
            in_round=data.get("in_round", False), purpose=data.get("purpose"),
            restricted=data.get("restricted", False), partial_readers=data.get("partial_readers", {}),
            follows_up=tuple(data.get("follows_up", ())), follows_up_if=data.get("follows_up_if", {}),
        )


@dataclass(frozen=True)
class VersionedFile:
    """One version of a catalog item that is one JSON file (``<folder>/<id>/<version>.json``)."""

    id: str
    version: int
    content: dict[str, Any]
    content_hash: str  # "sha256:<hex>" of the file's bytes
    status: str = "published"


@dataclass(frozen=True)
class Vocabulary(VersionedFile):
    """A shared, versioned scale or list of terms (``vocabularies/<id>/<version>.json``)."""

    @property
    def urn(self) -> str:
        return vocabulary_urn(self.id, self.version)

    @property
    def values(self) -> list[Any]:
        """Every term's value, in the file's order."""
        return [term["value"] for term in self.content["terms"]]


@dataclass(frozen=True)
class FeedbackRules(VersionedFile):
    """Prompts and gentle hints for a form's feedback fields (``feedback/<id>/<version>.json``), named by
    a form version's catalog entry (``feedback_rules``); evaluated by ``feedback.feedback_hints``."""

    @property
    def ref(self) -> str:
        """How catalog.json names it: ``<id>:<version>``."""
        return f"{self.id}:{self.version}"

    @property
    def pointers(self) -> list[str]:
        """Every field the rules and prompts name, in order, once each."""
        named = [p for r in self.content["rules"] for p in (r["field"], r.get("corrective")) if p]
        return list(dict.fromkeys([*named, *self.content["prompts"]]))


def field_owners(ui: dict[str, Any], workflow: Workflow) -> dict[str, tuple[str, ...]]:
    """Each ui field's pointer -> who fills it in: its section's ``filled_by``, or every editor."""
    return {f["field"]: tuple(section.get("filled_by") or workflow.editors)
            for section in ui["sections"] for f in section["fields"]}


def vocabulary_urn(vocab_id: str, version: int) -> str:
    """The URI form schemas use to refer to a vocabulary: ``urn:bedside:vocabulary:<id>:<version>``."""
    return f"urn:bedside:vocabulary:{vocab_id}:{version}"


@dataclass(frozen=True)
class FormVersion:
    """One version of one form: its schema, UI description, workflow and validators."""

    form_id: str
    version: int
    instrument: str
    status: str
    title: dict[str, str]
    schema: dict[str, Any]
    ui: dict[str, Any]
    workflow: Workflow
    content_hash: str  # "sha256:<hex>" over the three files' hashes
    vocabularies: tuple[Vocabulary, ...]
    complete_validator: Draft202012Validator = field(repr=False, compare=False)
    draft_validator: Draft202012Validator = field(repr=False, compare=False)
    #: compiled validity checks in front of the validators above (see fast_check.py)
    complete_check: Any = field(default=None, repr=False, compare=False)
    draft_check: Any = field(default=None, repr=False, compare=False)
    #: JSON Pointer to the top-level string field that is an assessment's one-line summary in lists
    #: (catalog.json's ``summary_field``; None: the form has none)
    summary_field: str | None = None
    #: ui field pointer -> the participant roles who fill it in (its section's ``filled_by``, else
    #: the workflow's editors); see ``owners_of``
    field_owners: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False, compare=False)
    #: the prompts and hints of its feedback fields (catalog.json's ``feedback_rules``; None: none)
    feedback_rules: FeedbackRules | None = None
    #: ``owners_of`` answers by pointer: a version never changes, and every mutation asks (sync hot path)
    _owners_memo: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False, compare=False)

    def owners_of(self, pointer: str) -> tuple[str, ...]:
        """Who may fill in the data at ``pointer``: whoever owns every ui field it lies in or holds. A
        pointer no ui field covers is left to the editors (the schema refuses an unknown field)."""
        owners = self._owners_memo.get(pointer)
        if owners is None:
            owners = self._owners_of(pointer)
            if len(self._owners_memo) < 4096:  # pointers come from clients: the memo stays bounded
                self._owners_memo[pointer] = owners
        return owners

    def _owners_of(self, pointer: str) -> tuple[str, ...]:
        covering = [roles for ui_field, roles in self.field_owners.items()
                    if pointer == ui_field or pointer.startswith(ui_field + "/") or ui_field.startswith(pointer + "/")]
        if not covering:
            return self.workflow.editors
        common = set(covering[0]).intersection(*covering[1:])
        return tuple(r for r in self.workflow.editors if r in common)

    def not_fillable_by(self, roles: frozenset[str], pointers: list[str]) -> list[str]:
        """The pointers among ``pointers`` that none of ``roles`` may fill in, in the order given."""
        return [p for p in pointers if not roles.intersection(self.owners_of(p))]

    def validate_draft(self, data: object) -> list[FieldError]:
        """Errors that make ``data`` unstorable even as a draft: missing or empty fields are fine,
        wrong types, unknown fields and values outside a scale are not."""
        if self.draft_check is not None and self.draft_check.is_valid(data):
            return []
        return [FieldError(f, m) for f, m in field_errors(self.draft_validator, data)]

    def validate_complete(self, data: object) -> list[FieldError]:
        """Errors that stop ``data`` from being submitted (the full schema, ``required`` included)."""
        if self.complete_check is not None and self.complete_check.is_valid(data):
            return []
        return [FieldError(f, m) for f, m in field_errors(self.complete_validator, data)]


class Catalog:
    """Every loaded form version and vocabulary, looked up by id and version."""

    def __init__(self, forms: list[FormVersion], vocabularies: list[Vocabulary]) -> None:
        self._forms = {(f.form_id, f.version): f for f in forms}
        self._vocabularies = {(v.id, v.version): v for v in vocabularies}

    def get(self, form_id: str, version: int) -> FormVersion | None:
        return self._forms.get((form_id, version))

    def latest(self, form_id: str) -> FormVersion | None:
        """The highest published version of a form (drafts are never "latest")."""
        published = [f for f in self._forms.values() if f.form_id == form_id and f.status == "published"]
        return max(published, key=lambda f: f.version, default=None)

    def forms(self) -> list[FormVersion]:
        """Every form version, sorted by form id and then version."""
        return [self._forms[key] for key in sorted(self._forms)]

    def vocabulary(self, vocab_id: str, version: int) -> Vocabulary | None:
        return self._vocabularies.get((vocab_id, version))

    def vocabularies(self) -> list[Vocabulary]:
        """Every vocabulary version, sorted by id and then version."""
        return [self._vocabularies[key] for key in sorted(self._vocabularies)]

"""HTTP: the form catalog (list, one form version with its vocabularies, and the whole bundle)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar import Controller, get

from ..errors import InvalidInput, NotFound
from . import Catalog, FormVersion


def summary(form: FormVersion, latest: bool) -> dict[str, Any]:
    return {
        "id": form.form_id, "version": form.version, "instrument": form.instrument, "title": form.title,
        "status": form.status, "content_hash": form.content_hash, "latest": latest,
        "summary_field": form.summary_field,
        "workflow": workflow_dict(form),
    }


def workflow_dict(form: FormVersion) -> dict[str, Any]:
    w = form.workflow
    return {
        "start": list(w.start), "editors": list(w.editors), "sign": w.sign, "acknowledge": w.acknowledge,
        "countersign": w.countersign, "assessor_must_be": w.assessor_must_be,
        "requires_placement": w.requires_placement, "evidence_for": list(w.evidence_for),
        "anonymous_to_trainee": w.anonymous_to_trainee, "in_round": w.in_round, "purpose": w.purpose,
    } | {k: v for k, v in (("restricted", w.restricted), ("follows_up", list(w.follows_up)),
                           ("follows_up_if", w.follows_up_if)) if v}  # an action plan's only


#: a user role -> the workflow ``start`` roles whose forms its phone keeps: those it may start as (every
#: assessing role is an assessor); a studierektor reads her unit's documents of every kind, an admin none
START_AS: dict[str, tuple[str, ...]] = {
    "trainee": ("trainee",), "assessor": ("assessor",), "clinical_supervisor": ("clinical_supervisor", "assessor"),
    "main_supervisor": ("main_supervisor", "assessor"),
    "studierektor": ("trainee", "assessor", "clinical_supervisor", "main_supervisor"), "admin": (),
}


def parse_roles(text: str | None) -> frozenset[str] | None:
    """``?for=trainee,assessor``: the roles whose startable forms a phone keeps (None: every form)."""
    if text is None:
        return None
    roles = frozenset(r.strip() for r in text.split(",") if r.strip())
    unknown = sorted(roles - set(START_AS))
    if unknown:
        raise InvalidInput(f"for: {', '.join(unknown)} is not a role (one or more of {', '.join(START_AS)}).")
    return roles


def catalog_bundle(catalog: Catalog, roles: frozenset[str] | None = None) -> dict[str, Any]:
    """``GET /api/catalog``: the current version (the highest published one) of every form, with everything
    needed to render it, but its content hash. A phone keeps the older versions it already has and asks
    ``GET /api/forms/{id}/{version}`` for the version of a document it holds and lacks, so the bundle grows
    with the forms, not with their versions. Drafts are a maintainer's preview, never downloaded here."""
    current = [catalog.latest(form_id) for form_id in sorted({f.form_id for f in catalog.forms()})]
    if roles is not None:  # what these roles start; a document of another form brings its form along
        starts = {s for r in roles for s in START_AS[r]}
        current = [f for f in current if f is not None and starts.intersection(f.workflow.start)]
    return {"forms": [{k: v for k, v in definition(f).items() if k != "content_hash"} | {"latest": True}
                      for f in current if f is not None]}


def definition(form: FormVersion) -> dict[str, Any]:
    return summary(form, latest=False) | {
        "schema": form.schema, "ui": form.ui,
        "vocabularies": {f"urn:bedside:vocabulary:{v.id}:{v.version}": v.content for v in form.vocabularies},
        "feedback_rules": form.feedback_rules.content if form.feedback_rules else None,
    }


def _is_latest(catalog: NamedDependency[Catalog], form: FormVersion) -> bool:
    latest = catalog.latest(form.form_id)
    return latest is not None and latest.version == form.version


class CatalogController(Controller):
    path = "/api"
    tags = ["forms"]

    @get("/forms", operation_id="listForms", sync_to_thread=False)
    def list_forms(self, catalog: NamedDependency[Catalog]) -> list[dict[str, Any]]:
        """Every form version in the catalog, with title (sv, en), version, content hash, workflow and
        ``summary_field`` (the JSON Pointer of the field that sums an assessment up in one line, or null)."""
        return [summary(f, _is_latest(catalog, f)) for f in catalog.forms()]

    @get("/forms/{form_id:str}/{version:int}", operation_id="getForm", sync_to_thread=False)
    def get_form(self, catalog: NamedDependency[Catalog], form_id: FromPath[str], version: FromPath[int]) -> dict[str, Any]:
        """One form version: JSON Schema, UI description, workflow, the vocabularies it refers to and its
        ``feedback_rules`` (prompts and hints for its feedback fields, or null)."""
        form = catalog.get(form_id, version)
        if form is None:
            raise NotFound(f"There is no form {form_id!r} version {version}; GET /api/forms lists them.")
        return definition(form) | {"latest": _is_latest(catalog, form)}

    @get("/catalog", operation_id="getCatalogBundle", sync_to_thread=False)
    def bundle(self, catalog: NamedDependency[Catalog], for_roles: Annotated[str | None, QueryParameter(name="for", max_length=200)] = None,
               ) -> dict[str, Any]:
        """The current version of every form with everything needed to render it offline (what the PWA caches;
        an older version a document was started with: ``GET /api/forms/{id}/{version}``). Not the
        content hash (random to gzip: a tenth of the bundle): an assessment carries its own ``form_hash``,
        and ``GET /api/forms/{id}/{version}`` has it. ``?for=trainee,assessor``: only the forms those roles
        start (a phone fetches the form of any other document it holds), so a BT-läkare's phone does not
        carry the supervisors' desk documents; the same answer for everyone who asks it, so it stays
        cacheable and personal to no one."""
        return catalog_bundle(catalog, parse_roles(for_roles))

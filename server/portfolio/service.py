"""What each PDF holds, read as its maker may read it: one assessment (``visible_view``), a released
360 report (``round_report``: aggregates only), a trainee's portfolio and her certificate drafts (the
trainee herself, her HHL or her unit's studierektor; the trainee page's access rules and data)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import msgspec

from ..assessments.views import AssessmentView, visible_view, visible_views
from ..auth.principal import Principal
from ..catalog import Catalog
from ..db import Database
from ..errors import Forbidden, InvalidInput
from ..overview.repository import SIGNED_STATES
from ..overview.service import FormKinds, TraineeStatus
from ..overview.trainee_page import TraineePage, trainee_page
from ..rounds.report import Report
from ..rounds.service import get_round, round_report
from ..rounds.views import RoundView
from .certificates import (DelmalCertificate, Evidence, Final, Issuer, Placement, ServiceCertificate,
                           delmal_certificate, delmal_groups, service_certificate)
from .html import delmal_titles, short_name

#: what a portfolio may hold, in its order; the trainee chooses (action plans only when she asks)
SECTIONS = ("placements", "assessments", "delmal", "iup", "handledning", "plans")
DEFAULT_SECTIONS = ("placements", "assessments", "delmal", "iup", "handledning")
#: never printed from an action plan: the sensitive "possible underlying factors" (issue 13)
PLAN_OMITS = frozenset({"/underlying_factors"})


class Certificates(msgspec.Struct, kw_only=True):
    """The certificate drafts of one trainee, to transfer to Socialstyrelsen's forms."""

    trainee_id: int
    trainee_name: str
    programme: str
    delmal: list[DelmalCertificate]
    service: ServiceCertificate


class Portfolio(msgspec.Struct, kw_only=True):
    page: TraineePage
    sections: tuple[str, ...]
    #: every document the portfolio prints, as its maker reads it
    views: dict[str, AssessmentView]
    programme_start: str | None
    programme_end: str | None
    made_by: str


def parse_sections(text: str | None) -> tuple[str, ...]:
    """``placements,assessments,…`` (any order; none given: the default) in the portfolio's order."""
    if text is None or not text.strip():
        return DEFAULT_SECTIONS
    asked = {part.strip() for part in text.split(",") if part.strip()}
    unknown = sorted(asked - set(SECTIONS))
    if unknown:
        raise InvalidInput(f"Unknown portfolio section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}.",
                           reason="unknown_section")
    return tuple(s for s in SECTIONS if s in asked)


def parse_merged(text: str | None, codes: list[str]) -> list[list[str]]:
    """``BT3+BT4+BT5,BT6+BT7``: groups of delmål certified on one certificate (a ``+`` that arrives
    as a space, unencoded in a query, separates as well)."""
    groups = []
    for part in (text or "").split(","):
        group = [c.upper() for c in re.split(r"[+\s]+", part) if c]
        if not group:
            continue
        unknown = [c for c in group if c not in codes]
        if unknown:
            raise InvalidInput(f"Unknown delmål {', '.join(unknown)}.", reason="unknown_delmal")
        groups.append(group)
    seen = [c for g in groups for c in g]
    if len(seen) != len(set(seen)):
        raise InvalidInput("A delmål may be on one merged certificate only.", reason="unknown_delmal")
    return groups


def _require_maker(principal: Principal, trainee: TraineeStatus) -> None:
    """The trainee herself, her HHL, or the studierektor of her programme's unit."""
    if principal.user_id == trainee.trainee_id or principal.user_id in trainee.main_supervisor_ids:
        return
    if principal.has("studierektor") and set(trainee.programme_unit_ids) & set(principal.studierektor_units):
        return
    raise Forbidden("The portfolio is made by the trainee, her main supervisor or her unit's studierektor.",
                    reason="portfolio_not_yours")


async def assessment_view(db: Database, catalog: Catalog, principal: Principal, doc_id: str) -> tuple[AssessmentView, str | None]:
    """One assessment as its reader sees it, and its placement's name."""
    view = await visible_view(db, principal, catalog, doc_id)
    placement = None
    if view.placement_id is not None:
        rows = await db.fetch("SELECT u.name, pl.specialty FROM placements pl JOIN units u ON u.id = pl.unit_id WHERE pl.id = ?",
                              [view.placement_id])
        placement = f"{rows[0]['name']} ({rows[0]['specialty']})" if rows else None
    return view, placement


async def round_for_report(db: Database, catalog: Catalog, principal: Principal, round_id: str,
                           now: dt.datetime) -> tuple[RoundView, Report]:
    """A round and its report, under the report's own rules (the trainee once released)."""
    report = await round_report(db, catalog, principal, round_id, now)
    return await get_round(db, principal, round_id, now), report


def _placements(trainee: TraineeStatus) -> list[Placement]:
    return [Placement(placement_id=p.placement_id, unit=p.unit, specialty=p.specialty, start_date=p.start_date,
                      end_date=p.end_date, placement_type=p.placement_type,
                      employment_rate_percent=p.employment_rate_percent, absence_days=p.absence_days)
            for p in trainee.placements]


def _iup_courses(views: list[AssessmentView]) -> dict[str, str]:
    """Delmål → the courses of the newest signed IUP that names a course as a method for it."""
    courses: dict[str, str] = {}
    for view in sorted(views, key=lambda v: v.observed_on or "", reverse=True):
        text = view.data.get("courses")
        if not isinstance(text, str) or not text.strip():
            continue
        for code, methods in (view.data.get("delmal_methods") or {}).items():
            if isinstance(methods, list) and "kurs" in methods:
                courses.setdefault(code, text.strip())
    return courses


async def _issuer(db: Database, trainee: TraineeStatus) -> Issuer:
    if trainee.main_supervisor_id is None:
        return Issuer(name=None, specialty=None, workplace=None)
    rows = await db.fetch("SELECT name, title, workplace FROM users WHERE id = ?", [trainee.main_supervisor_id])
    row = rows[0] if rows else {"name": trainee.main_supervisor, "title": None, "workplace": None}
    return Issuer(name=row["name"], specialty=row["title"], workplace=row["workplace"])


def build_certificates(catalog: Catalog, page: TraineePage, views: dict[str, AssessmentView], issuer: Issuer,
                       merged: list[list[str]], today: dt.date) -> Certificates:
    kinds = FormKinds.of(catalog)
    trainee = page.trainee
    evidence = [Evidence(doc_id=i.doc_id, instrument=short_name(catalog, i.form_id), observed_on=i.observed_on,
                         placement_id=i.placement_id, delmal=tuple(i.delmal))
                for i in page.assessments if i.form_id in kinds.formative and i.status in SIGNED_STATES]
    finals = [Final(doc_id=p.final.doc_id, placement_id=p.placement_id, outcomes=dict(p.final.outcomes))
              for p in trainee.placements if p.final is not None and p.final.status in SIGNED_STATES]
    titles = delmal_titles(catalog)
    codes = list(titles) or [f"BT{n}" for n in range(1, 19)]
    placements = _placements(trainee)
    courses = _iup_courses([v for v in views.values() if v.form_id in kinds.iups and v.status in SIGNED_STATES])
    return Certificates(
        trainee_id=trainee.trainee_id, trainee_name=trainee.name, programme=trainee.programme,
        delmal=[delmal_certificate(group, titles, evidence, finals, placements, issuer, courses, trainee.trainee_id)
                for group in delmal_groups(codes, merged)],
        service=service_certificate(trainee.trainee_id, placements, today))


async def _page_for_maker(db: Database, catalog: Catalog, principal: Principal, trainee_id: int,
                          today: dt.date) -> TraineePage:
    page = await trainee_page(db, catalog, principal, trainee_id, today)
    _require_maker(principal, page.trainee)
    return page


async def certificates(db: Database, catalog: Catalog, principal: Principal, trainee_id: int, today: dt.date,
                       merged_text: str | None = None) -> Certificates:
    page = await _page_for_maker(db, catalog, principal, trainee_id, today)
    kinds = FormKinds.of(catalog)
    iups = [i.doc_id for i in page.assessments if i.form_id in kinds.iups]
    views = {v.doc_id: v for v in await visible_views(db, principal, catalog, iups)}
    merged = parse_merged(merged_text, list(delmal_titles(catalog)) or [f"BT{n}" for n in range(1, 19)])
    return build_certificates(catalog, page, views, await _issuer(db, page.trainee), merged, today)


async def portfolio(db: Database, catalog: Catalog, principal: Principal, trainee_id: int, today: dt.date,
                    sections: tuple[str, ...]) -> Portfolio:
    """Everything the chosen sections print: signed documents only (a portfolio is evidence); a
    handledning meeting is listed by day and kind, its notes never printed."""
    page = await _page_for_maker(db, catalog, principal, trainee_id, today)
    kinds = FormKinds.of(catalog)
    wanted = [i.doc_id for i in page.assessments
              if i.status in SIGNED_STATES and i.form_id not in kinds.handledning]
    views = {v.doc_id: v for v in await visible_views(db, principal, catalog, wanted)}
    programme: list[Any] = await db.fetch("SELECT start_date, end_date FROM programmes WHERE id = ?",
                                          [page.trainee.programme_id])
    return Portfolio(
        page=page, sections=sections, views=views,
        programme_start=programme[0]["start_date"] if programme else None,
        programme_end=programme[0]["end_date"] if programme else None, made_by=principal.name)

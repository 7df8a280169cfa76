"""Drafts of Socialstyrelsen's BT certificates, computed from the signed evidence (pure: no database).

- *Intyg om delmål* (the HHL issues it, per delmål or for several merged): the delmål, the
  utbildningsaktiviteter (the placements where the delmål was assessed, with their periods, and the
  IUP's courses where the IUP names a course as the method), "hur det kontrollerats" written from the
  evidence ("Mini-CEX ×3 (2026-09-02 – 2026-11-15), DOPS ×1 (2026-10-01), Slutbedömning
  Akutmottagningen"), and the issuer's name, specialty and workplace.
- *Intyg om fullgjord bastjänstgöring*: every placement with its period, sysselsättningsgrad, absence
  and full-time months, marking primärvård and akut sjukvård, with the totals.

Every line carries ``links``: where its evidence is in the app (``#/a/<doc>``, ``#/bt/<trainee>``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import msgspec

PLACEMENT_TYPES = {"primarvard": "Primärvård", "akut_sjukvard": "Akut sjukvård", "psykiatri": "Psykiatri",
                   "annan": "Annan"}
OUTCOMES = {"uppnatt": "uppnått", "pagaende": "pågående", "ej_uppnatt": "ej uppnått", "ej_aktuellt": "ej aktuellt"}
#: a month of full-time service, in days (a year's days over twelve)
MONTH_DAYS = 365.25 / 12


class Placement(msgspec.Struct, frozen=True, kw_only=True):
    placement_id: int
    unit: str
    specialty: str
    start_date: str
    end_date: str
    placement_type: str | None
    employment_rate_percent: int
    absence_days: int


class Evidence(msgspec.Struct, frozen=True, kw_only=True):
    """A signed formative assessment: its form's short name, day, placement and delmål."""

    doc_id: str
    instrument: str
    observed_on: str | None
    placement_id: int | None
    delmal: tuple[str, ...]


class Final(msgspec.Struct, frozen=True, kw_only=True):
    """A placement's latest signed Slutbedömning: delmål → outcome."""

    doc_id: str
    placement_id: int
    outcomes: dict[str, str]


class Line(msgspec.Struct, kw_only=True):
    text: str
    links: list[str] = []


class Issuer(msgspec.Struct, kw_only=True):
    name: str | None
    specialty: str | None
    workplace: str | None


class DelmalCertificate(msgspec.Struct, kw_only=True):
    delmal: list[str]
    #: the delmål's titles, in the order of ``delmal``
    titles: list[str]
    activities: list[Line]
    #: "hur det kontrollerats": one line per instrument and per Slutbedömning, then all of it as text
    checked: list[Line]
    checked_text: str
    issuer: Issuer


class PlacementLine(msgspec.Struct, kw_only=True):
    placement_id: int
    unit: str
    specialty: str
    start_date: str
    end_date: str
    placement_type: str | None
    type_label: str
    employment_rate_percent: int
    absence_days: int
    full_time_months: float
    primarvard: bool
    akut_sjukvard: bool
    #: the placement has not ended yet: its months are the planned ones
    ongoing: bool
    links: list[str]


class ServiceCertificate(msgspec.Struct, kw_only=True):
    """Intyg om fullgjord bastjänstgöring: the placements and their full-time months."""

    placements: list[PlacementLine]
    total_months: float
    primarvard_months: float
    akut_sjukvard_months: float


def full_time_months(start: str, end: str, rate_percent: int, absence_days: int) -> float:
    """Calendar days of the period (both ends counted) less the absence, at the sysselsättningsgrad, in
    months of 365.25 / 12 days, to one decimal."""
    days = (dt.date.fromisoformat(end) - dt.date.fromisoformat(start)).days + 1
    return round(max(days - absence_days, 0) * rate_percent / 100 / MONTH_DAYS, 1)


def service_certificate(trainee_id: int, placements: Sequence[Placement], today: dt.date) -> ServiceCertificate:
    lines = [PlacementLine(
        placement_id=p.placement_id, unit=p.unit, specialty=p.specialty, start_date=p.start_date, end_date=p.end_date,
        placement_type=p.placement_type, type_label=PLACEMENT_TYPES.get(p.placement_type or "", "Ej angiven"),
        employment_rate_percent=p.employment_rate_percent, absence_days=p.absence_days,
        full_time_months=full_time_months(p.start_date, p.end_date, p.employment_rate_percent, p.absence_days),
        primarvard=p.placement_type == "primarvard", akut_sjukvard=p.placement_type == "akut_sjukvard",
        ongoing=p.end_date >= today.isoformat(), links=[f"#/bt/{trainee_id}"]) for p in sorted(placements, key=lambda p: p.start_date)]
    return ServiceCertificate(
        placements=lines, total_months=round(sum(p.full_time_months for p in lines), 1),
        primarvard_months=round(sum(p.full_time_months for p in lines if p.primarvard), 1),
        akut_sjukvard_months=round(sum(p.full_time_months for p in lines if p.akut_sjukvard), 1))


def _period(days: list[str]) -> str:
    if not days:
        return ""
    first, last = min(days), max(days)
    return f" ({first})" if first == last else f" ({first} – {last})"


def checked_lines(codes: Sequence[str], evidence: Sequence[Evidence], finals: Sequence[Final],
                  placements: dict[int, Placement]) -> list[Line]:
    """"Hur det kontrollerats": per instrument (in the order first used) how many signed assessments
    showed one of ``codes`` and over which days; then each placement's Slutbedömning that judged it."""
    wanted = set(codes)
    by_instrument: dict[str, list[Evidence]] = {}
    for e in sorted(evidence, key=lambda e: (e.observed_on or "", e.doc_id)):
        if wanted.intersection(e.delmal):
            by_instrument.setdefault(e.instrument, []).append(e)
    lines = [Line(text=f"{name} ×{len(items)}{_period([e.observed_on for e in items if e.observed_on])}",
                  links=[f"#/a/{e.doc_id}" for e in items]) for name, items in by_instrument.items()]
    for final in sorted(finals, key=lambda f: placements[f.placement_id].start_date if f.placement_id in placements else ""):
        judged = [final.outcomes[c] for c in codes if final.outcomes.get(c) not in (None, "ej_aktuellt")]
        if not judged or final.placement_id not in placements:
            continue
        worst = next((o for o in ("ej_uppnatt", "pagaende") if o in judged), "uppnatt")
        note = "" if worst == "uppnatt" else f" ({OUTCOMES[worst]})"
        lines.append(Line(text=f"Slutbedömning {placements[final.placement_id].unit}{note}", links=[f"#/a/{final.doc_id}"]))
    return lines


def activity_lines(codes: Sequence[str], evidence: Sequence[Evidence], finals: Sequence[Final],
                   placements: dict[int, Placement], courses: str | None, trainee_id: int) -> list[Line]:
    """The placements where one of ``codes`` was assessed (by a signed assessment or its Slutbedömning),
    with their periods; then the IUP's courses when the IUP names a course as a method for it."""
    wanted = set(codes)
    used = {e.placement_id for e in evidence if e.placement_id is not None and wanted.intersection(e.delmal)}
    used |= {f.placement_id for f in finals if any(f.outcomes.get(c) not in (None, "ej_aktuellt") for c in codes)}
    lines = [Line(text=f"Placering: {p.unit} ({p.specialty}), {p.start_date} – {p.end_date}", links=[f"#/bt/{trainee_id}"])
             for p in sorted((placements[i] for i in used if i in placements), key=lambda p: p.start_date)]
    if courses:
        lines.append(Line(text=f"Kurser enligt IUP: {courses}", links=[f"#/bt/{trainee_id}"]))
    return lines


def delmal_certificate(codes: Sequence[str], titles: dict[str, str], evidence: Sequence[Evidence],
                       finals: Sequence[Final], placements: Sequence[Placement], issuer: Issuer,
                       iup_courses: dict[str, str], trainee_id: int) -> DelmalCertificate:
    """One certificate for ``codes`` (one delmål, or several merged). ``iup_courses``: delmål → the
    IUP's courses, for the delmål whose IUP methods include a course."""
    by_id = {p.placement_id: p for p in placements}
    courses = "; ".join(dict.fromkeys(iup_courses[c] for c in codes if c in iup_courses)) or None
    checked = checked_lines(codes, evidence, finals, by_id)
    return DelmalCertificate(
        delmal=list(codes), titles=[titles.get(c, c) for c in codes],
        activities=activity_lines(codes, evidence, finals, by_id, courses, trainee_id),
        checked=checked, checked_text=", ".join(line.text for line in checked), issuer=issuer)


def delmal_groups(codes: Sequence[str], merged: Sequence[Sequence[str]]) -> list[list[str]]:
    """The certificates to make: each group of ``merged`` as one (in the order of its first delmål), every
    other delmål on its own."""
    groups: list[list[str]] = []
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            continue
        group = next((list(g) for g in merged if code in g), [code])
        group = [c for c in codes if c in group]
        seen.update(group)
        groups.append(group)
    return groups

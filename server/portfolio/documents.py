"""The HTML of the composite PDFs: the BT portfolio, the certificate drafts and the 360 report."""

from __future__ import annotations

import datetime as dt

from ..assessments.views import AssessmentView
from ..catalog import Catalog
from ..overview.progress import PlacementStatus
from ..overview.service import FormKinds
from ..rounds.report import Report
from ..rounds.views import RoundView
from .certificates import PLACEMENT_TYPES, DelmalCertificate, OUTCOMES, ServiceCertificate
from .html import delmal_titles, document, e, protocol, rows, short_name, table, toc
from .service import PLAN_OMITS, Certificates, Portfolio

DRAFT_NOTE = ("UTKAST – för överföring till Socialstyrelsens blankett. Detta är inte ett intyg: det gäller först "
              "när det har förts över till den officiella blanketten och undertecknats.")
MEETING_STATUS = {"submitted": "ej bekräftad", "signed": "bekräftad", "acknowledged": "bekräftad",
                  "countersigned": "bekräftad"}


def _link(base_url: str, path: str, text: str) -> str:
    return f'<a href="{e(base_url.rstrip("/") + "/" + path)}">{e(text)}</a>'


def _placement_name(p: PlacementStatus) -> str:
    return f"{p.unit} ({p.specialty})"


def _timeline(placements: list[PlacementStatus]) -> str:
    if not placements:
        return ""
    start = min(dt.date.fromisoformat(p.start_date) for p in placements)
    end = max(dt.date.fromisoformat(p.end_date) for p in placements)
    span = max((end - start).days + 1, 1)
    bars = []
    for p in placements:
        left = (dt.date.fromisoformat(p.start_date) - start).days / span * 100
        width = ((dt.date.fromisoformat(p.end_date) - dt.date.fromisoformat(p.start_date)).days + 1) / span * 100
        bars.append(f'<span class="{e(p.placement_type or "annan")}" style="left:{left:.2f}%;width:{width:.2f}%">'
                    f"{e(p.unit)}</span>")
    return f'<div class="timeline">{"".join(bars)}</div>'


def _placements_table(placements: list[PlacementStatus]) -> str:
    return table(["Period", "Enhet", "Specialitet", "Typ", "Syssel­sättnings­grad", "Frånvaro", "Klinisk handledare"],
                 [[f'<span class="nowrap">{e(p.start_date)} –</span> <span class="nowrap">{e(p.end_date)}</span>', e(p.unit), e(p.specialty),
                   e(PLACEMENT_TYPES.get(p.placement_type or "", "Ej angiven")), e(f"{p.employment_rate_percent} %"),
                   e(f"{p.absence_days} dagar"), e(p.clinical_supervisor)] for p in placements])


def _protocols(views: list[AssessmentView], catalog: Catalog, placement: str | None,
               omit: frozenset[str] = frozenset(), documents: dict[str, str] | None = None) -> str:
    return "".join(protocol(v, catalog, placement=placement, omit=omit, anchor=f"a-{v.doc_id}", documents=documents)
                   for v in views)


def document_names(views: dict[str, AssessmentView], catalog: Catalog) -> dict[str, str]:
    """Each printed document's name as another one cites it ("Mini-CEX 2026-07-05")."""
    return {v.doc_id: " ".join(x for x in (short_name(catalog, v.form_id), v.observed_on) if x) for v in views.values()}


def _meeting_kinds(catalog: Catalog, kinds: FormKinds) -> dict[str, str]:
    labels: dict[str, str] = {}
    for form_id in kinds.handledning:
        form = catalog.latest(form_id)
        for field in (f for s in (form.ui["sections"] if form else []) for f in s["fields"]):
            if field["field"] == "/kind":
                labels.update({k: v.get("sv", k) for k, v in (field.get("options") or {}).items()})
    return labels


def portfolio_document(p: Portfolio, catalog: Catalog, base_url: str, today: dt.date) -> str:
    trainee = p.page.trainee
    kinds = FormKinds.of(catalog)
    by_placement: dict[int | None, list[AssessmentView]] = {}
    iups: list[AssessmentView] = []
    plans: list[AssessmentView] = []
    for item in p.page.assessments[::-1]:  # oldest first
        view = p.views.get(item.doc_id)
        if view is None:
            continue
        if view.form_id in (*kinds.iups, *kinds.iup_follow_ups):
            iups.append(view)
        elif view.form_id in (*kinds.plans, *kinds.plan_follow_ups):
            plans.append(view)
        else:
            by_placement.setdefault(view.placement_id, []).append(view)
    finals = set(kinds.finals)
    names = document_names(p.views, catalog)
    entries: list[tuple[str, str]] = []
    chapters: list[str] = []
    placements = trainee.placements
    if "placements" in p.sections:
        entries.append(("placeringar", "Placeringar"))
        chapters.append('<section class="chapter"><h2 id="placeringar">Placeringar</h2>'
                        f"{_timeline(placements)}{_placements_table(placements)}</section>")
    if "assessments" in p.sections:
        for pl in placements:
            views = by_placement.get(pl.placement_id, [])
            final = [v for v in views if v.form_id in finals]
            rest = [v for v in views if v.form_id not in finals]
            anchor = f"placering-{pl.placement_id}"
            entries.append((anchor, f"{pl.unit}: Slutbedömning och bedömningar ({len(views)})"))
            chapters.append(
                f'<section class="chapter"><h2 id="{anchor}">{e(_placement_name(pl))}, {e(pl.start_date)} – {e(pl.end_date)}</h2>'
                + (_protocols(final, catalog, _placement_name(pl), documents=names) if final else
                   '<p class="note">Ingen signerad Slutbedömning för placeringen.</p>')
                + _protocols(rest, catalog, _placement_name(pl)) + "</section>")
        loose = by_placement.get(None, [])
        if loose:
            entries.append(("utan-placering", f"Bedömningar utan placering ({len(loose)})"))
            chapters.append(f'<section class="chapter"><h2 id="utan-placering">Bedömningar utan placering</h2>'
                            f"{_protocols(loose, catalog, None)}</section>")
    if "delmal" in p.sections:
        entries.append(("delmal", "Delmål BT1–BT18"))
        chapters.append(f'<section class="chapter"><h2 id="delmal">Delmål BT1–BT18</h2>{_matrix(p, catalog)}</section>')
    if "iup" in p.sections:
        entries.append(("iup", "IUP och uppföljningar"))
        chapters.append('<section class="chapter"><h2 id="iup">IUP och uppföljningar</h2>'
                        + (_protocols(iups, catalog, None) or '<p class="note">Ingen IUP.</p>') + "</section>")
    if "handledning" in p.sections:
        labels = _meeting_kinds(catalog, kinds)
        lines = [[e(m.day), e(labels.get(m.kind or "", m.kind or "")), e(MEETING_STATUS.get(m.status, m.status))]
                 for m in sorted(p.page.meetings, key=lambda m: m.day)]
        entries.append(("handledning", "Handledning"))
        chapters.append('<section class="chapter"><h2 id="handledning">Handledning</h2>'
                        '<p class="muted">Datum och slag av handledningssamtal. Anteckningarna skrivs inte ut.</p>'
                        + (table(["Datum", "Slag", "Status"], lines) if lines else '<p class="note">Inga samtal.</p>')
                        + "</section>")
    if "plans" in p.sections:
        entries.append(("handlingsplaner", "Handlingsplaner"))
        chapters.append('<section class="chapter"><h2 id="handlingsplaner">Handlingsplaner</h2>'
                        '<p class="muted">Möjliga bakomliggande faktorer skrivs inte ut.</p>'
                        + (_protocols(plans, catalog, None, PLAN_OMITS) or '<p class="note">Inga handlingsplaner.</p>')
                        + "</section>")
    last_day = p.programme_end or max((pl.end_date for pl in placements), default=None)
    period = " – ".join(x for x in (p.programme_start, last_day) if x)
    cover = (f'<section class="cover"><h1>Portfölj {e(trainee.programme)}</h1>'
             f'<p class="lead">{e(trainee.name)}</p>'
             + rows([("Program", e(f"{trainee.programme}, {trainee.programme_unit}")),
                     ("Huvudhandledare", e(trainee.main_supervisor)), ("Period", e(period)),
                     ("Placeringar", e(len(placements))), ("Utskriven", e(f"{today.isoformat()} av {p.made_by}")),
                     ("I appen", _link(base_url, f"#/bt/{trainee.trainee_id}", "Öppna BT-läkarens sida"))])
             + toc(entries) + "</section>")
    footer = f"Bedside · portfölj {trainee.name} · utskriven {today.isoformat()}"
    return document(f"Portfölj {trainee.name}", cover + "".join(chapters), footer=footer)


def _matrix(p: Portfolio, catalog: Catalog) -> str:
    titles = delmal_titles(catalog)
    placements = p.page.trainee.placements
    lines = []
    for row in p.page.delmal:
        evidence = [p.views[d] for d in row.evidence if d in p.views]
        counted: dict[str, int] = {}
        for v in evidence:
            counted[short_name(catalog, v.form_id)] = counted.get(short_name(catalog, v.form_id), 0) + 1
        cells = [f"<b>{e(row.delmal)}</b> {e(titles.get(row.delmal, ''))}",
                 e(", ".join(f"{name} ×{n}" for name, n in counted.items()) or "–")]
        for pl in placements:
            outcome = row.outcomes.get(str(pl.placement_id))
            cells.append(e(OUTCOMES.get(outcome["outcome"], outcome["outcome"])) if outcome else "")
        lines.append(cells)
    return table(["Delmål", "Bedömningar", *[pl.unit for pl in placements]], lines, "matrix")


def _delmal_certificate(c: DelmalCertificate, trainee: str, base_url: str) -> str:
    delmal = "<br>".join(f"{e(code)} {e(title)}" for code, title in zip(c.delmal, c.titles, strict=True))
    activities = "<br>".join(_link(base_url, line.links[0], line.text) if line.links else e(line.text)
                             for line in c.activities) or "–"
    checked = "<br>".join(_link(base_url, line.links[0], line.text) + (f" <span class=\"muted\">({len(line.links)} dokument)</span>"
                                                                      if len(line.links) > 1 else "")
                          for line in c.checked) or "Inga signerade bedömningar för delmålet än."
    return (f'<section class="chapter"><h2 id="intyg-{e("-".join(c.delmal))}">Intyg om delmål: {e(", ".join(c.delmal))}</h2>'
            f'<p class="draft-mark">{e(DRAFT_NOTE)}</p>'
            + rows([("Sökande", e(trainee) + ' <span class="muted">(personnummer fylls i på blanketten)</span>'),
                    ("Delmål som intyget avser", delmal), ("Utbildningsaktiviteter", activities),
                    ("Hur det kontrollerats att sökanden uppfyllt kompetenskraven", checked),
                    ("Text att föra över", f'<span class="value">{e(c.checked_text)}</span>'),
                    ("Intygande: namn", e(c.issuer.name)), ("Specialitet", e(c.issuer.specialty)),
                    ("Tjänsteställe", e(c.issuer.workplace)), ("Ort, datum och namnteckning", "Fylls i på blanketten")])
            + "</section>")


def _service_certificate(s: ServiceCertificate, trainee: str) -> str:
    lines = [[e(f"{p.start_date} – {p.end_date}") + (" (pågår)" if p.ongoing else ""), e(f"{p.unit} ({p.specialty})"), e(p.type_label),
              e(f"{p.employment_rate_percent} %"), e(p.absence_days), e(f"{p.full_time_months:.1f}".replace(".", ",")),
              "Ja" if p.primarvard else "", "Ja" if p.akut_sjukvard else ""] for p in s.placements]
    totals = rows([("Heltidsmånader totalt", e(f"{s.total_months:.1f}".replace(".", ","))),
                   ("Varav primärvård", e(f"{s.primarvard_months:.1f}".replace(".", ","))),
                   ("Varav akut sjukvård", e(f"{s.akut_sjukvard_months:.1f}".replace(".", ",")))])
    return ('<section class="chapter"><h2 id="intyg-bt">Intyg om fullgjord bastjänstgöring</h2>'
            f'<p class="draft-mark">{e(DRAFT_NOTE)}</p>'
            + rows([("Sökande", e(trainee) + ' <span class="muted">(personnummer fylls i på blanketten)</span>')])
            + table(["Period", "Tjänstgöringsställe", "Typ", "Syssel­sättnings­grad", "Frånvaro (dagar)",
                     "Heltids­månader", "Primärvård", "Akut sjukvård"], lines)
            + totals
            + '<p class="muted">Heltidsmånader: kalenderdagar minus frånvaro, gånger sysselsättningsgraden, '
              "delat med 30,44 dagar per månad. En placering som pågår räknas med sin planerade period.</p></section>")


def certificates_document(c: Certificates, base_url: str, today: dt.date) -> str:
    entries = [("intyg-bt", "Intyg om fullgjord bastjänstgöring")] + [
        (f"intyg-{'-'.join(d.delmal)}", f"Intyg om delmål {', '.join(d.delmal)}") for d in c.delmal]
    cover = (f'<section class="cover"><h1>Utkast till intyg</h1><p class="lead">{e(c.trainee_name)}, {e(c.programme)}</p>'
             f'<p class="draft-mark">{e(DRAFT_NOTE)}</p>'
             '<p>Varje rad bygger på signerade bedömningar i Bedside; länkarna leder till underlaget i appen.</p>'
             + toc(entries) + "</section>")
    body = _service_certificate(c.service, c.trainee_name) + "".join(
        _delmal_certificate(d, c.trainee_name, base_url) for d in c.delmal)
    return document(f"Utkast till intyg {c.trainee_name}", cover + body,
                    footer=f"Bedside · UTKAST till intyg · {c.trainee_name} · {today.isoformat()}")


def _distribution(counts: dict[str, int], cannot: int, median: float | None) -> str:
    spread = ", ".join(f"{value}: {n} svar" for value, n in counts.items()) or "inga svar"
    shown_median = f"{median:g}".replace(".", ",") if median is not None else "–"
    return f"median {shown_median} ({spread})" + (f", kan ej bedöma: {cannot}" if cannot else "")


COMMENT_TITLES = {"strengths": "Styrkor", "development_areas": "Utvecklingsområden", "concern_comment": "Farhågor"}
CONCERN_TITLES = {"inga": "Ingen farhåga", "viss": "Viss farhåga", "allvarlig": "Allvarlig farhåga"}


def round_report_document(round_view: RoundView, report: Report, today: dt.date) -> str:
    """The 360 report as the trainee may see it: answers per shown group (each big enough), medians and
    spreads, comments unattributed in the round's fixed order. No rater's name, e-mail or time."""
    groups = ", ".join(f"{g.label} ({g.answers})" for g in report.groups) or "–"
    items = [[e(i.label), e(_distribution(i.overall.counts, i.overall.cannot_judge, i.overall.median)),
              "<br>".join(e(f"{g.label}: {_distribution(g.distribution.counts, g.distribution.cannot_judge, g.distribution.median)}")
                          for g in i.groups),
              e(i.self_value if i.self_value is not None else "–")] for i in report.items]
    comments = "".join(
        f"<h3>{e(COMMENT_TITLES.get(field, field))}</h3>" + "".join(f'<p class="note value">{e(text)}</p>' for text in texts)
        for field, texts in report.comments.items() if texts)
    body = (f"<h1>360-bedömning</h1><p class=\"lead\">{e(round_view.trainee_name)}</p>"
            + rows([("Svar", e(report.answers)), ("Grupper", e(groups)), ("Sista svarsdag", e(round_view.deadline[:10])),
                    ("Helhetsbedömning", e(", ".join(f"{CONCERN_TITLES[c]}: {n}" for c, n in report.concerns.items()))),
                    ("Överenskomna punkter", f'<span class="value">{e(round_view.agreed_points)}</span>'
                     if round_view.agreed_points else "")])
            + '<p class="muted">Svaren visas bara sammanställda per grupp, och en grupp bara när den har tillräckligt '
              "många svar. Kommentarerna står utan namn och i en fast slumpvis ordning.</p>"
            + "<h2>Skattningar (1–5)</h2>"
            + table(["Område", "Alla", "Per grupp", "Egen skattning"], items, "report")
            + (f"<h2>Kommentarer</h2>{comments}" if comments else ""))
    return document("360-bedömning", body, footer=f"Bedside · 360-bedömning · {round_view.trainee_name} · {today.isoformat()}")


"""The HTML of every PDF (Swedish; print.css lays it out on A4). Everything shown is escaped here.

A document is made of the same pieces: ``protocol`` (one assessment as its reader may see it: facts,
answers by section with scale values and their band label, reflection, signatures, form version and
content hash), tables and a table of contents whose page numbers WeasyPrint fills in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from html import escape
from pathlib import Path
from typing import Any

from .. import clock
from ..assessments.views import AssessmentView
from ..catalog import Catalog, FormVersion
from ..fhir.service import answered_items

CSS = (Path(__file__).parent / "print.css").read_text("utf-8")

STATUS = {"draft": "Utkast", "submitted": "Inskickad", "signed": "Signerad", "acknowledged": "Kvitterad",
          "countersigned": "Kontrasignerad", "returned": "Återsänd"}


def e(value: Any) -> str:
    return escape("" if value is None else str(value))


def moment(text: str | None) -> str:
    """A stored UTC moment as Swedish local time, to the minute."""
    if not text:
        return ""
    try:
        return clock.parse(text).astimezone(clock.STOCKHOLM).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return text[:16].replace("T", " ")


def document(title: str, body: str, *, footer: str) -> str:
    """A whole HTML document: ``footer`` is printed at the foot of every page (with the page number)."""
    return (f'<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>{e(title)}</title>'
            f"<style>{CSS}</style></head><body><p class=\"footer\">{e(footer)}</p>{body}</body></html>")


def rows(pairs: Iterable[tuple[str, str]], cls: str = "facts") -> str:
    """A two-column table; each value is already HTML."""
    body = "".join(f"<tr><th>{e(k)}</th><td>{v}</td></tr>" for k, v in pairs if v)
    return f'<table class="{cls}">{body}</table>' if body else ""


def table(head: Sequence[str], lines: Iterable[Sequence[str]], cls: str = "") -> str:
    """A table with a header row; each cell is already HTML."""
    cells = "".join(f"<tr>{''.join(f'<td>{c}</td>' for c in line)}</tr>" for line in lines)
    return f'<table class="{cls}"><tr>{"".join(f"<th>{e(h)}</th>" for h in head)}</tr>{cells}</table>'


def toc(entries: Sequence[tuple[str, str]]) -> str:
    items = "".join(f'<li><a href="#{e(anchor)}">{e(text)}</a></li>' for anchor, text in entries)
    return f'<h2>Innehåll</h2><ul class="toc">{items}</ul>'


def short_name(catalog: Catalog, form_id: str) -> str:
    """A form's name in a list ("CBD", not "CBD / fallbaserad diskussion (journalgranskning)")."""
    form = catalog.latest(form_id)
    title = form.title.get("sv", form_id) if form else form_id
    return title.split(" / ")[0].split(" (")[0]


def delmal_titles(catalog: Catalog) -> dict[str, str]:
    vocabulary = catalog.vocabulary("bt-delmal", 1)
    if vocabulary is None:
        return {}
    return {t["value"]: t["label"]["sv"] for t in vocabulary.content["terms"]}


# --- one assessment ----------------------------------------------------------------------------------

def _answer_text(answer: dict[str, Any]) -> str:
    if "valueCoding" in answer:
        coding = answer["valueCoding"]
        code, display = str(coding.get("code", "")), str(coding.get("display", coding.get("code", "")))
        return f"{code} – {display}" if code.isdigit() and display != code else display
    if "valueBoolean" in answer:
        return "Ja" if answer["valueBoolean"] else "Nej"
    return str(next(iter(answer.values()), ""))


def _answer_rows(items: list[dict[str, Any]], prefix: str = "", documents: dict[str, str] | None = None
                 ) -> list[tuple[str, str]]:
    """``documents``: an assessment id an answer names (the evidence a Slutbedömning cites) → its name."""
    out: list[tuple[str, str]] = []
    for item in items:
        label = f"{prefix}{item.get('text', item['linkId'])}"
        if "item" in item:
            out += _answer_rows(item["item"], f"{label} – ", documents)
        else:
            texts = [_answer_text(a) for a in item.get("answer", [])]
            text = "; ".join((documents or {}).get(x, x) for x in texts)
            out.append((label, f'<span class="value">{e(text)}</span>'))
    return out


def answers(form: FormVersion, data: dict[str, Any], omit: frozenset[str] = frozenset(),
            documents: dict[str, str] | None = None) -> str:
    """The answers by section, as the form's ui orders and labels them."""
    shown = {k: v for k, v in data.items() if f"/{k}" not in omit}
    parts = []
    for section in answered_items(form, shown):
        body = rows(_answer_rows(section.get("item", []), documents=documents), "answers")
        if body:
            parts.append(f"<h4>{e(section.get('text', ''))}</h4>{body}")
    return "".join(parts)


def signature_lines(view: AssessmentView) -> list[tuple[str, str]]:
    lines: list[tuple[str, str]] = []
    sig = view.signature
    if view.signed_at and sig is not None:
        who = ", ".join(x for x in (sig.name, sig.title, sig.workplace) if x)
        if sig.method == "link":
            how = "via förfrågningslänk på bedömarens telefon"
            if sig.email:
                how += f", kvitto till {sig.email}"
            if sig.disputed_at:
                how += f" (mottagaren har meddelat att det inte var hen, {moment(sig.disputed_at)})"
        else:
            how = "inloggad med eget konto"
        lines.append(("Signerad", f"{e(moment(view.signed_at))} av {e(who)} – {e(how)}"))
    elif view.signed_at:
        lines.append(("Signerad", e(moment(view.signed_at))))
    if view.acknowledged_at:
        lines.append(("Kvitterad av BT-läkaren", f"{e(moment(view.acknowledged_at))} av {e(view.trainee_name)}"))
    if view.countersigned_at:
        lines.append(("Kontrasignerad", f"{e(moment(view.countersigned_at))} av {e(view.countersigner_name or '')}"))
    return lines


def protocol(view: AssessmentView, catalog: Catalog, *, placement: str | None = None, heading: str = "h3",
             omit: frozenset[str] = frozenset(), anchor: str | None = None,
             documents: dict[str, str] | None = None) -> str:
    """One assessment as its reader may see it (``view`` is already cut to what they read)."""
    form = catalog.get(view.form_id, view.form_version)
    title = form.title.get("sv", view.form_id) if form else view.form_id
    titles = delmal_titles(catalog)
    facts = rows([
        ("BT-läkare", e(view.trainee_name)),
        ("Bedömare", e(view.assessor_name)),
        ("Placering", e(placement)),
        ("Datum", e(view.observed_on)),
        ("Status", e(STATUS.get(view.status, view.status))),
        ("Delmål", "<br>".join(f"{e(c)} {e(titles.get(c, ''))}" for c in view.delmal)),
    ])
    partial = '<p class="note">Du ser den del av planen som gäller placeringen.</p>' if view.partial else ""
    body = answers(form, view.data, omit, documents) if form else ""
    reflection = rows([("Reflektion", f'<span class="value">{e(view.reflection)}</span>')]) if view.reflection else ""
    signed = signature_lines(view)
    signatures = f'<div class="signatures"><h4>Signaturer</h4>{rows(signed)}</div>' if signed else ""
    hash_line = (f'<p class="hash">Formulär {e(view.form_id)} version {e(view.form_version)} ({e(view.form_hash)})'
                 f' · innehåll {e(view.content_hash or "ej låst än")} · dokument {e(view.doc_id)}</p>')
    id_attr = f' id="{e(anchor)}"' if anchor else ""
    return (f'<section class="protocol"{id_attr}><div class="protocol-head"><{heading}>{e(title)}'
            f'{" – " + e(view.observed_on) if view.observed_on else ""}</{heading}>{facts}</div>{partial}{body}'
            f"{reflection}{signatures}{hash_line}</section>")


def assessment_document(view: AssessmentView, catalog: Catalog, placement: str | None, today: dt.date) -> str:
    form = catalog.get(view.form_id, view.form_version)
    footer = (f"Bedside · {view.form_id} version {view.form_version} · innehåll {view.content_hash or 'ej låst'}"
              f" · utskriven {today.isoformat()}")
    title = form.title.get("sv", view.form_id) if form else view.form_id
    return document(title, protocol(view, catalog, placement=placement, heading="h1"), footer=footer)

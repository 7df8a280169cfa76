// The report of a 360 round (#/360/<id>/rapport): per item how many gave each value, per group and
// in all, the median, and the trainee's own answer beside them, drawn as SVG (no chart library);
// concerns counted, comments without names in the round's fixed order, and the development points
// the trainee and her main supervisor agree on. Prints on A4 (css/rounds.css).
import * as api from "../api.js";
import { addStrings, t, reasonText } from "../i18n.js";
import { h } from "../render/dom.js";
import { identityMessage } from "../render/text.js";
import { containsIdentityNumber } from "../personnummer.js";
import { fetchKept, keptNote } from "./supervision.js";

addStrings({
  sv: {
    rr_title: "360-sammanställning", rr_answers: (n) => `${n} svar`, rr_groups: "Grupper",
    rr_all: "Alla", rr_self: "Självskattning", rr_median: (m) => `median ${m}`, rr_none: "–",
    rr_scale: "1 Långt under förväntad nivå · 3 På förväntad nivå · 5 Långt över förväntad nivå",
    rr_concerns: "Helhetsbedömning", rr_comments: "Kommentarer", rr_no_comments: "Inga kommentarer.",
    rr_agreed: "Överenskomna utvecklingspunkter", rr_agreed_help: "Skriv det ni kom överens om i återkopplingssamtalet.",
    rr_save: "Spara", rr_saved: "Sparat.", rr_print: "Skriv ut", rr_pdf: "PDF", rr_cannot: (n) => `${n} kunde inte bedöma`,
    rr_anonymous: "Svaren visas utan namn; en yrkesgrupp med färre än tre svar ingår i Övriga.",
    rr_chart: (item, m) => `${item}: fördelning av svaren per grupp, median ${m}.`,
  },
  en: {
    rr_title: "360 report", rr_answers: (n) => `${n} answers`, rr_groups: "Groups",
    rr_all: "All", rr_self: "Self-assessment", rr_median: (m) => `median ${m}`, rr_none: "–",
    rr_scale: "1 Well below expected level · 3 At expected level · 5 Well above expected level",
    rr_concerns: "Overall judgement", rr_comments: "Comments", rr_no_comments: "No comments.",
    rr_agreed: "Agreed development points", rr_agreed_help: "Write what you agreed in the feedback talk.",
    rr_save: "Save", rr_saved: "Saved.", rr_print: "Print", rr_pdf: "PDF", rr_cannot: (n) => `${n} could not judge`,
    rr_anonymous: "Answers are shown without names; a group with fewer than three answers is part of Others.",
    rr_chart: (item, m) => `${item}: how the answers spread per group, median ${m}.`,
  },
});

const SVG = "http://www.w3.org/2000/svg";
function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
  for (const c of children) el.append(c);
  return el;
}

export async function show(main, app, id) {
  const body = h("div", {}, h("p.muted", {}, t("loading")));
  main.append(h("a.back", { href: `#/360/${id}` }, "← ", t("back")), body);
  try {
    const [report, round] = await Promise.all([
      fetchKept(`round-report-${id}`, () => api.request("GET", `/api/rounds/${id}/report`)),
      fetchKept(`round-${id}`, () => api.request("GET", `/api/rounds/${id}`)),
    ]);
    body.replaceChildren(...page(app, report.value, round.value, report.keptAt).filter(Boolean));
  } catch (err) {
    body.replaceChildren(h("h1", {}, t("rr_title")), h("p.warn", { role: "alert" }, err.offline ? t("could_not_load") : reasonText(err.reason)));
  }
}

function page(app, rep, round, keptAt) {
  const groupName = (g) => t(`g_${g.group}`);
  return [
    h("h1", {}, t("rr_title")),
    h("p.meta", {}, round.trainee_name, " · ", t("rr_answers", rep.answers), " · ",
      t("rr_groups"), ": ", rep.groups.map((g) => `${groupName(g)} (${g.answers})`).join(", ")),
    keptNote(keptAt),
    h("p.muted.small", {}, t("rr_anonymous")),
    h("p.muted.small", {}, t("rr_scale")),
    h("section.report-items", {}, rep.items.map((item) => itemChart(item, rep.groups, groupName))),
    h("section.concerns", { "aria-labelledby": "rr-concerns" }, h("h2", { id: "rr-concerns" }, t("rr_concerns")),
      h("ul.concern-counts", {}, Object.entries(rep.concerns).map(([k, n]) =>
        h(`li${k !== "inga" && n ? ".flag" : ""}`, {}, `${t(`rr_concern_${k}`)}: ${n}`)))),
    h("section.comments", { "aria-labelledby": "rr-comments" }, h("h2", { id: "rr-comments" }, t("rr_comments")),
      Object.entries(rep.comments).map(([field, texts]) => h("div", { "data-field": field },
        h("h3", {}, t(`c_${field}`)),
        texts.length ? h("ul.comment-list", {}, texts.map((x) => h("li.text", {}, x))) : h("p.muted", {}, t("rr_no_comments"))))),
    agreedPoints(app, round),
    h("p.no-print", {}, h("button", { type: "button", onclick: () => print() }, t("rr_print")), " ",
      h("a.button", { href: `/api/rounds/${encodeURIComponent(round.id)}/report.pdf`, id: "report-pdf", target: "_blank",
        rel: "noopener" }, t("rr_pdf"))),
  ];
}

/** One item: a row per group (and all, and her own answer); a dot per value sized by how many gave
 * it, the median as a bar. */
function itemChart(item, groups, groupName) {
  const rows = [];
  if (item.self_value != null) rows.push({ label: t("rr_self"), self: item.self_value });
  rows.push({ label: t("rr_all"), dist: item.overall, strong: true });
  for (const g of item.groups) rows.push({ label: groupName(g), dist: g.distribution });
  const W = 340, left = 120, step = (W - left - 20) / 4, rowH = 24, top = 18;
  const x = (v) => left + (v - 1) * step;
  const svg = s("svg", { viewBox: `0 0 ${W} ${top + rows.length * rowH + 4}`, class: "chart", role: "img",
    "aria-label": t("rr_chart", item.label, item.overall.median ?? t("rr_none")) });
  for (let v = 1; v <= 5; v++) {
    svg.append(s("text", { x: x(v), y: 12, "text-anchor": "middle", class: "axis" }, String(v)));
    svg.append(s("line", { x1: x(v), x2: x(v), y1: top - 2, y2: top + rows.length * rowH, class: "grid" }));
  }
  rows.forEach((row, i) => {
    const y = top + i * rowH + rowH / 2;
    svg.append(s("text", { x: 0, y: y + 4, class: row.strong ? "label strong" : "label" }, row.label));
    if (row.self != null) {
      svg.append(s("path", { d: `M${x(row.self)} ${y - 7}l7 7l-7 7l-7 -7z`, class: "self" }));
      return;
    }
    const total = Object.values(row.dist.counts).reduce((a, b) => a + b, 0) || 1;
    for (const [v, n] of Object.entries(row.dist.counts)) {
      svg.append(s("circle", { cx: x(Number(v)), cy: y, r: 4 + 6 * Math.sqrt(n / total), class: "dot" },
        s("title", {}, `${v}: ${n}`)));
      svg.append(s("text", { x: x(Number(v)) + 12, y: y - 4, class: "count" }, String(n)));
    }
    if (row.dist.median != null) svg.append(s("rect", { x: x(row.dist.median) - 1.5, y: y - 10, width: 3, height: 20, class: "median" }));
  });
  const m = item.overall.median;
  return h("figure.item", { "data-field": item.field },
    h("figcaption", {}, h("strong", {}, item.label), " ", h("span.muted.small", {}, t("rr_median", m ?? t("rr_none")),
      item.overall.cannot_judge ? ` · ${t("rr_cannot", item.overall.cannot_judge)}` : "")),
    svg);
}

function agreedPoints(app, round) {
  const mayWrite = round.can.includes("agree");
  if (!mayWrite && !round.agreed_points) return null;
  const text = h("textarea", { id: "agreed-points", maxLength: 4000, disabled: !mayWrite }, round.agreed_points || "");
  const error = h("p.error", { role: "alert", hidden: true });
  text.addEventListener("input", () => { error.hidden = !containsIdentityNumber(text.value); error.textContent = error.hidden ? "" : identityMessage(); });
  const save = async () => {
    if (containsIdentityNumber(text.value)) return;
    try {
      await api.request("PUT", `/api/rounds/${round.id}/agreed`, { text: text.value });
      app.toast(t("rr_saved"));
    } catch (err) { app.toast(err.offline ? t("r_offline") : reasonText(err.reason)); }
  };
  return h("section.agreed", { "aria-labelledby": "rr-agreed" }, h("h2", { id: "rr-agreed" }, t("rr_agreed")),
    h("label.muted.small", { htmlFor: "agreed-points" }, t("rr_agreed_help")), text, error,
    mayWrite ? h("button.primary.no-print", { type: "button", id: "agreed-save", onclick: save }, t("rr_save")) : null);
}

// The studierektor's table: every trainee of the unit, one row per placement, sortable, with each
// flag's reason and a CSV export (GET /api/overview, kept for offline use).
import * as api from "../api.js";
import { addStrings, t, reasonText } from "../i18n.js";
import { h } from "../render/dom.js";
import { fetchKept, flagText, keptNote, wide } from "./supervision.js";

addStrings({
  sv: {
    ov_title: "Enhetsöversikt", ov_csv: "Ladda ner CSV", ov_sort: "Sortera",
    ov_trainee: "BT-läkare", ov_placement: "Placering", ov_period: "Period", ov_done: "Genomfört",
    ov_signed: "Signerade / mål", ov_waiting: "Väntar", ov_drafts: "Utkast", ov_last: "Senaste", ov_final: "Slutbedömning",
    ov_flags: "Flaggor", ov_empty: "Inga BT-läkare på enheten.", ov_sort_flag: "Flaggor först", ov_sort_name: "Namn",
    ov_sort_progress: "Andel genomförd", ov_sort_signed: "Minst signerat", ov_hhl: (n) => `HHL: ${n || "–"}`,
  },
  en: {
    ov_title: "Unit overview", ov_csv: "Download CSV", ov_sort: "Sort",
    ov_trainee: "Trainee", ov_placement: "Placement", ov_period: "Period", ov_done: "Done",
    ov_signed: "Signed / target", ov_waiting: "Waiting", ov_drafts: "Drafts", ov_last: "Latest", ov_final: "Final assessment",
    ov_flags: "Flags", ov_empty: "No trainees in the unit.", ov_sort_flag: "Flags first", ov_sort_name: "Name",
    ov_sort_progress: "Share done", ov_sort_signed: "Least signed", ov_hhl: (n) => `Main supervisor: ${n || "–"}`,
  },
});

const SORTS = {
  flag: (a, b) => b.weight - a.weight || b.flags.length - a.flags.length || a.name.localeCompare(b.name),
  name: (a, b) => a.name.localeCompare(b.name),
  progress: (a, b) => maxOf(b, "progress") - maxOf(a, "progress"),
  signed: (a, b) => minOf(a, "signed") - minOf(b, "signed"),
};
const maxOf = (tr, k) => Math.max(0, ...tr.placements.map((p) => p[k]));
const minOf = (tr, k) => Math.min(999, ...tr.placements.map((p) => p[k]));

export async function show(main, app, arg) {
  const unwide = wide(main);
  const unitId = Number(arg) || null;
  const body = h("div", {}, h("p.muted", {}, t("loading")));
  let sort = "flag";
  const select = h("select", { id: "ov-sort", onchange: () => { sort = select.value; draw(); } },
    Object.keys(SORTS).map((k) => h("option", { value: k }, t(`ov_sort_${k}`))));
  const csv = h("a.button", { href: `/api/overview.csv${unitId ? `?unit_id=${unitId}` : ""}`, download: "", id: "ov-csv" }, t("ov_csv"));
  main.append(h("a.back", { href: "#/" }, "← ", t("back")), h("div.title-row", {}, h("h1", {}, t("ov_title")), csv),
    h("label.inline", {}, t("ov_sort"), " ", select), body);
  let rows = [];
  let keptAt = null;
  function draw() {
    if (!rows.length) { body.replaceChildren(keptNote(keptAt) || "", h("p.muted", {}, t("ov_empty"))); return; }
    const sorted = [...rows].sort(SORTS[sort]);
    body.replaceChildren(...[keptNote(keptAt), h("div.table-wrap", {}, h("table.overview", { id: "overview-table" },
      h("thead", {}, h("tr", {}, ["ov_trainee", "ov_placement", "ov_period", "ov_done", "ov_signed", "ov_waiting", "ov_drafts",
        "ov_last", "ov_final", "ov_flags"].map((k) => h("th", { scope: "col" }, t(k))))),
      sorted.map((tr) => h("tbody", { "data-trainee": tr.trainee_id }, placementRows(tr)))))].filter(Boolean));
  }
  try {
    const got = await fetchKept(`overview-${unitId || "all"}`, () => api.overview(unitId));
    rows = got.value;
    keptAt = got.keptAt;
    draw();
  } catch (err) {
    body.replaceChildren(h("p.warn", { role: "alert" }, err.offline ? t("could_not_load") : reasonText(err.reason)));
  }
  return { dispose: unwide };
}

function placementRows(tr) {
  const placements = tr.placements.length ? tr.placements : [null];
  const wideFlags = tr.flags.filter((f) => f.placement_id == null);
  return placements.map((p, i) => {
    const flags = [...(p ? p.flags : []), ...(i === 0 ? wideFlags : [])];
    const name = i === 0 ? h("th", { scope: "rowgroup", rowSpan: placements.length },
      h("a", { href: `#/bt/${tr.trainee_id}` }, tr.name), h("span.small.muted", {}, `${tr.programme} · ${t("ov_hhl", tr.main_supervisor)}`)) : null;
    if (!p) return h("tr", {}, name, h("td", { colSpan: 8 }, "–"), h("td", {}, flagCell(flags)));
    const cell = (key, cls, ...content) => h(`td${cls}`, { "data-label": t(key) }, ...content);
    return h("tr", { "data-phase": p.phase, className: flags.length ? "flagged" : "" }, name,
      cell("ov_placement", "", p.specialty, p.unit !== tr.programme_unit ? h("span.small.muted.block", {}, p.unit) : null),
      cell("ov_period", ".nowrap", `${p.start_date} – ${p.end_date}`),
      cell("ov_done", ".num", `${Math.round(p.progress * 100)} %`), cell("ov_signed", ".num", `${p.signed} / ${p.target}`),
      cell("ov_waiting", ".num", String(p.waiting)), cell("ov_drafts", ".num", String(p.drafts)),
      cell("ov_last", ".nowrap", p.last_observed_on || "–"),
      cell("ov_final", "", p.final ? h("a", { href: `#/a/${p.final.doc_id}` }, t(`status_${p.final.status}`)) : "–"),
      cell("ov_flags", ".flag-cell", flagCell(flags)));
  });
}

function flagCell(flags) {
  return flags.length ? h("ul.flags", {}, flags.map((f) => h("li.flag", { "data-rule": f.rule }, flagText(f)))) : "";
}

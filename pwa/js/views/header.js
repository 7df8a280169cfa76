// An assessment's header, apart from its form data: the day of the observed activity, the placement
// it counts for, and the BT delmål this encounter showed (the form's evidence_for is the menu). On a
// draft its editors change them (the placement: the trainee, among her own); otherwise they are shown.
// Loaded with the assessment view only when there is something to show.
import { addStrings, t, tr } from "../i18n.js";
import { h } from "../render/dom.js";
import { goals } from "../render/form.js";
import { kvGet } from "../storage.js";

addStrings({
  sv: {
    hd_title: "Aktivitet och delmål", hd_day: "Datum för aktiviteten", hd_placement: "Placering",
    hd_delmal: "Vilka BT-delmål visade det här tillfället?", hd_no_placement: "Ingen placering",
    hd_delmal_help: "Välj de delmål som det här tillfället gav underlag för (0 eller flera).",
  },
  en: {
    hd_title: "Activity and goals", hd_day: "Date of the activity", hd_placement: "Placement",
    hd_delmal: "Which BT goals did this encounter show?", hd_no_placement: "No placement",
    hd_delmal_help: "Choose the goals this encounter gave evidence for (0 or more).",
  },
});

/** The delmål titles: from any form in the catalog that carries the BT delmål vocabulary. */
export function titles(app) {
  for (const form of app.catalog?.forms || []) {
    const terms = goals(form);
    if (terms.some((g) => typeof g.label === "object" && g.label.sv !== g.value)) return new Map(terms.map((g) => [g.value, g.label]));
  }
  return new Map();
}

/**
 * The header card. `change(meta)` stores a header change (a set_meta mutation); `can` = {edit, move}.
 */
export async function render(doc, form, app, { can, change }) {
  const names = titles(app);
  const placements = ((await kvGet("placements")) || []).filter((p) => p.trainee_id === doc.trainee_id);
  const placementName = (id) => {
    const p = placements.find((x) => x.id === id);
    return p ? `${p.specialty} – ${p.unit}` : t("hd_no_placement");
  };
  const menu = form.workflow?.evidence_for || [];
  const day = h("input", { id: "hd-day", type: "date", value: doc.observed_on || "", disabled: !can.edit,
    max: new Date(Date.now() + 86400000).toISOString().slice(0, 10), onchange: (e) => e.target.value && change({ observed_on: e.target.value }) });
  const placement = can.move && placements.length
    ? h("select", { id: "hd-placement", onchange: (e) => change({ placement_id: Number(e.target.value) }) },
      placements.map((p) => h("option", { value: p.id, selected: p.id === doc.placement_id }, placementName(p.id))))
    : h("p", { id: "hd-placement" }, placementName(doc.placement_id));
  const ticked = new Set(doc.delmal || []);
  const boxes = menu.map((goal) => {
    const id = `hd-delmal-${goal}`;
    const box = h("input", { type: "checkbox", id, value: goal, checked: ticked.has(goal), disabled: !can.edit,
      onchange: () => change({ delmal: menu.filter((g) => document.getElementById(`hd-delmal-${g}`)?.checked) }) });
    return h("div.option", {}, box, h("label.tap.wide", { htmlFor: id }, `${goal} ${names.has(goal) ? tr(names.get(goal)) : ""}`));
  });
  // closed by default: the form comes first; the summary line says what is set
  return h("details.card", { id: "doc-header" },
    h("summary", {}, [t("hd_title"), doc.observed_on, placementName(doc.placement_id), doc.delmal?.join(", ")].filter(Boolean).join(" · ")),
    h("label", { htmlFor: "hd-day" }, t("hd_day")), day,
    can.move && placements.length ? h("label", { htmlFor: "hd-placement" }, t("hd_placement")) : h("p.muted", {}, t("hd_placement")), placement,
    menu.length ? h("fieldset.field", {}, h("legend", {}, t("hd_delmal")), h("p.help", {}, t("hd_delmal_help")), boxes) : null);
}

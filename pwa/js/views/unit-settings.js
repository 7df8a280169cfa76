// A unit's settings (#/enhet/<id>, its studierektor or an admin): every per-unit setting the other features
// read, each with its default shown and a way back to it: the rules for "behind" (the handledning rhythm
// among them), whether trainees may open their own 360 round and its minimums, and the default Mini-CEX.
import * as api from "../api.js";
import { addStrings, t, reasonText } from "../i18n.js";
import { h } from "../render/dom.js";
import { wide } from "./supervision.js";

addStrings({
  sv: {
    us_title: "Enhetens inställningar", us_flags: "När någon ligger efter", us_rounds: "360-bedömningar", us_forms: "Formulär",
    us_default: (v) => `Standard: ${v}`, us_reset: "Standard", us_save: "Spara", us_saved: "Sparat.", us_yes: "Ja", us_no: "Nej",
    us_changed: "ändrad", us_offline: "Inställningarna ändras på servern – anslut till nätet.",
    set_min_signed_by_midpoint: "Signerade bedömningar per placering vid halva tiden",
    set_max_days_without_assessment: "Dagar utan bedömning under en placering",
    set_final_missing_after_days: "Dagar efter placeringens slut utan Slutbedömning",
    set_request_unanswered_days: "Dagar en förfrågan får vara obesvarad",
    set_final_due_within_days: "Slutbedömningen ska skrivas så många dagar före slutet",
    set_max_days_between_handledning: "Dagar mellan handledningssamtal (månadsvis)",
    set_max_days_between_handledning_primarvard: "Dagar mellan handledningssamtal i primärvård (veckovis)",
    set_handover_check_within_days: "Dagar runt ett placeringsbyte för handledaravstämningen",
    set_iup_follow_ups_per_term: "IUP-uppföljningar per termin",
    set_trainee_may_open: "BT-läkaren får själv starta en 360-bedömning", set_deadline_days: "Dagar en 360-runda pågår",
    set_min_total: "Minsta antal svar", set_min_specialistlakare: "Minst svar från specialistläkare",
    set_min_st_bt_at_lakare: "Minst svar från ST-, BT- eller AT-läkare", set_min_sjukskoterska: "Minst svar från sjuksköterskor",
    set_min_underskoterska: "Minst svar från undersköterskor", set_min_ovrig_personal: "Minst svar från övrig personal",
    set_mini_cex: "Mini-CEX som enheten använder",
  },
  en: {
    us_title: "The unit's settings", us_flags: "When someone is behind", us_rounds: "360 feedback", us_forms: "Forms",
    us_default: (v) => `Default: ${v}`, us_reset: "Default", us_save: "Save", us_saved: "Saved.", us_yes: "Yes", us_no: "No",
    us_changed: "changed", us_offline: "Settings are changed on the server – connect to the network.",
    set_min_signed_by_midpoint: "Signed assessments per placement by its midpoint",
    set_max_days_without_assessment: "Days without an assessment during a placement",
    set_final_missing_after_days: "Days after a placement ends without a final assessment",
    set_request_unanswered_days: "Days a request may stay unanswered",
    set_final_due_within_days: "The final assessment is due this many days before the end",
    set_max_days_between_handledning: "Days between supervision meetings (monthly)",
    set_max_days_between_handledning_primarvard: "Days between supervision meetings in primary care (weekly)",
    set_handover_check_within_days: "Days around a hand-over for its supervisors' check",
    set_iup_follow_ups_per_term: "IUP follow-ups per term",
    set_trainee_may_open: "The trainee may start her own 360 round", set_deadline_days: "Days a 360 round runs",
    set_min_total: "Least answers", set_min_specialistlakare: "Least answers from specialists",
    set_min_st_bt_at_lakare: "Least answers from ST, BT or AT doctors", set_min_sjukskoterska: "Least answers from nurses",
    set_min_underskoterska: "Least answers from assistant nurses", set_min_ovrig_personal: "Least answers from other staff",
    set_mini_cex: "The Mini-CEX the unit uses",
  },
});

/** The three groups: where each is read and written, and how its answer holds values and defaults. */
const GROUPS = [
  { id: "flags", title: "us_flags", path: (u) => `/api/units/${u}/rules`, values: (a) => a.rules, defaults: (a) => a.defaults },
  { id: "rounds", title: "us_rounds", path: (u) => `/api/units/${u}/round-rules`, values: (a) => a.rules, defaults: (a) => a.defaults },
  { id: "forms", title: "us_forms", path: (u) => `/api/units/${u}/forms`, values: (a) => ({ mini_cex: a.mini_cex }),
    defaults: (a) => ({ mini_cex: a.default }), choices: (a) => ({ mini_cex: a.choices }) },
];

export async function show(main, app, arg) {
  const unwide = wide(main);
  const unit = Number(arg);
  main.append(h("a.back", { href: "#/admin" }, "← ", t("back")), h("h1", {}, t("us_title")));
  const sections = GROUPS.map((g) => h("section.group", { id: `us-${g.id}`, "aria-labelledby": `h-us-${g.id}` },
    h("h2", { id: `h-us-${g.id}` }, t(g.title)), h("p.muted", {}, t("loading"))));
  main.append(...sections);
  await Promise.all(GROUPS.map((g, i) => draw(g, sections[i], unit)));
  return { dispose: unwide };
}

async function draw(group, section, unit) {
  const heading = section.firstChild;
  let answer;
  try { answer = await api.request("GET", group.path(unit)); } catch (err) {
    section.replaceChildren(heading, h("p.warn", { role: "alert" }, err.offline ? t("us_offline") : reasonText(err.reason)));
    return;
  }
  const values = group.values(answer);
  const defaults = group.defaults(answer);
  const choices = group.choices?.(answer) || {};
  const note = h("p", { role: "status" });
  const inputs = Object.keys(values).map((name) => settingRow(name, values[name], defaults[name], choices[name]));
  const form = h("form.card.us-form", { onsubmit: async (e) => {
    e.preventDefault();
    const changed = Object.fromEntries(inputs.map((r) => [r.name, r.read()]).filter(([name, v]) => v !== values[name]));
    if (!Object.keys(changed).length) return;
    try {
      await api.request("PUT", group.path(unit), changed);
      await draw(group, section, unit);
      section.querySelector("[role=status]").textContent = t("us_saved");
    } catch (err) {
      note.textContent = err.offline ? t("us_offline") : reasonText(err.reason);
      note.className = "warn";
    }
  } }, inputs.map((r) => r.el), h("p", {}, h("button.primary", { type: "submit" }, t("us_save"))), note);
  section.replaceChildren(heading, form);
}

function settingRow(name, value, fallback, choices) {
  const id = `set-${name}`;
  let input;
  if (typeof fallback === "boolean") {
    input = h("input", { type: "checkbox", id, checked: !!value });
  } else if (choices) {
    input = h("select", { id }, choices.map((c) => h("option", { value: c, selected: c === value }, c)));
  } else {
    input = h("input", { type: "number", id, value: String(value), min: "0", inputmode: "numeric" });
  }
  const shown = typeof fallback === "boolean" ? t(fallback ? "us_yes" : "us_no") : String(fallback);
  const reset = h("button.small", { type: "button", onclick: () => {
    if (input.type === "checkbox") input.checked = !!fallback; else input.value = String(fallback);
  } }, t("us_reset"));
  const el = h("div.us-row", { "data-setting": name, "data-changed": value !== fallback ? "1" : "0" },
    h("label", { for: id }, t(`set_${name}`)), input,
    h("span.small.muted", {}, t("us_default", shown), value !== fallback ? ` · ${t("us_changed")}` : ""), reset);
  const read = () => (input.type === "checkbox" ? input.checked : input.type === "number" ? Number(input.value) : input.value);
  return { name, el, read };
}

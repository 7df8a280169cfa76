// Action plans (handlingsplaner, seed 003) around the catalog's forms: the HHL starts one from a flag or
// on her own, follows it up, and opens a secondary plan when a follow-up found no improvement. Who fills
// and signs what is the forms' workflow; this module only starts them, and lists a trainee's plans.
import { addStrings, t, tr } from "../i18n.js";
import { h } from "../render/dom.js";
import { createDoc, LOCKED, newDocRecord } from "../docs.js";
import { nudge } from "../outbox.js";
import { formTitle, today } from "./supervision.js";

addStrings({
  sv: {
    plans_title: "Handlingsplaner", plans_none: "Ingen handlingsplan.", plan_new: "Ny handlingsplan",
    iup_revise: "Revidera IUP", iup_write: "Skriv IUP för placeringen", plan_from_flag: "Starta handlingsplan", plan_start_form: (title) => `Starta ${title.toLowerCase()}`,
    plans_help: "Syns bara för BT-läkaren, huvudhandledaren och studierektor (den kliniska handledaren ser åtgärderna på placeringen).",
    plan_follow_ups: (n) => (n === 1 ? "1 uppföljning" : `${n} uppföljningar`),
    plan_next: (d) => `Nästa uppföljning ${d}`, plan_overdue: (d, n) => `Uppföljningen ${d} är ${n} dagar sen`,
  },
  en: {
    plans_title: "Action plans", plans_none: "No action plan.", plan_new: "New action plan",
    iup_revise: "Revise the IUP", iup_write: "Write the placement's IUP", plan_from_flag: "Start an action plan", plan_start_form: (title) => `Start ${title.toLowerCase()}`,
    plans_help: "Shown only to the trainee, the main supervisor and the studierektor (the clinical supervisor sees the measures at the placement).",
    plan_follow_ups: (n) => (n === 1 ? "1 follow-up" : `${n} follow-ups`),
    plan_next: (d) => `Next follow-up ${d}`, plan_overdue: (d, n) => `The follow-up of ${d} is ${n} days late`,
  },
});

/** Flags that call for a plan (seed 003), and what the plan then starts from. */
const FROM_FLAG = { final_not_approved: "ej_godkand", delmal_not_reached: "delmal_ej_uppnatt", final_concern: "annat" };
export const callsForPlan = (flag) => Object.hasOwn(FROM_FLAG, flag.rule);
const FROM = { ...FROM_FLAG, msf_concern: "msf_concern" }; // and a concern in a 360 answer (the home's waiting item)

const isPlanForm = (f) => f.workflow?.purpose === "handlingsplan";
const firstPlanForm = (app) => app.latestForms().find((f) => isPlanForm(f) && !f.workflow.follows_up && f.schema.properties?.follow_up_1);

async function start(app, def, header, traineeName, data = {}, assessorName = app.user.name) {
  const meta = { ...header, observed_on: today() };
  const record = newDocRecord({ form: def, meta, traineeName, assessorName });
  await createDoc(record, meta, data);
  nudge();
  app.navigate(`#/a/${record.doc_id}`);
}

/** The HHL starts a plan for ``trainee``: from ``flag`` when given (its delmål prefilled). */
export async function startPlan(app, trainee, flag = null) {
  const def = firstPlanForm(app);
  if (!def) { app.toast(t("catalog_missing")); return; }
  const data = flag ? { started_from: FROM[flag.rule] } : {};
  if (flag?.numbers?.delmal?.length) data.problem_delmal = flag.numbers.delmal;
  await start(app, def, { trainee_id: trainee.trainee_id, assessor_id: app.user.user_id }, trainee.name, data);
}

/** What may follow a signed document, for the one who signed it: each current form whose workflow
 * follows up this one and whose condition its data meets (a follow-up after a plan; a secondary plan
 * after a follow-up that found no improvement). */
export function nextStepButtons(app, doc) {
  if (!LOCKED.has(doc.status)) return [];
  const revise = app.form(doc.form_id, doc.form_version)?.workflow?.purpose === "iup" && (doc.permissions || []).includes("amend")
    ? [h("button", { type: "button", id: "revise", onclick: () => reviseIup(app, doc) }, t("iup_revise"))] : [];
  if (doc.assessor_id !== app.user?.user_id) return revise;
  return [...revise, ...app.latestForms()
    .filter((f) => (f.workflow?.follows_up || []).includes(doc.form_id)
      && Object.entries(f.workflow.follows_up_if || {}).every(([p, v]) => doc.data?.[p.slice(1)] === v))
    .map((f) => h("button.primary", { type: "button", "data-follow": f.id, onclick: () => start(app, f,
      { trainee_id: doc.trainee_id, assessor_id: app.user.user_id, follows_up: doc.doc_id }, doc.trainee_name) },
    t("plan_start_form", tr(f.title))))];
}

/** A new revision of a signed IUP: a copy that amends it (the old one stays as it was), signed anew. */
async function reviseIup(app, doc) {
  const def = app.form(doc.form_id, doc.form_version);
  const meta = { trainee_id: doc.trainee_id, assessor_id: doc.assessor_id, placement_id: doc.placement_id, amends: doc.doc_id,
    observed_on: today() };
  const record = newDocRecord({ form: def, meta, traineeName: doc.trainee_name, assessorName: doc.assessor_name });
  await createDoc(record, meta, structuredClone(doc.data || {}));
  nudge();
  app.navigate(`#/a/${record.doc_id}`);
}

/** A trainee page's plans and their follow-ups (as the server lets the reader see them), and the HHL's
 * button for a new plan (each flag that calls for one has its own, in its placement). */
export function plansSection(app, data, isHhl) {
  const planIds = new Set((app.catalog?.forms || []).filter(isPlanForm).map((f) => f.id));
  const items = data.assessments.filter((a) => planIds.has(a.form_id));
  if (!items.length && !isHhl) return null;
  return h("section", { id: "plans", "aria-labelledby": "h-plans" },
    h("h2", { id: "h-plans" }, t("plans_title")), h("p.muted.small", {}, t("plans_help")),
    items.length ? h("ul.cards", {}, items.map((a) => h("li", { id: `plan-${a.doc_id}` }, h("a.card-link", { href: `#/a/${a.doc_id}` },
      h("span.card-title", {}, formTitle(app, a.form_id, a.form_version)),
      h("span.card-meta", {}, [a.observed_on, a.summary, t(`status_${a.status}`)].filter(Boolean).join(" · "))))))
      : h("p.muted", {}, t("plans_none")),
    isHhl ? h("button", { type: "button", id: "new-plan", onclick: () => startPlan(app, data.trainee) }, t("plan_new")) : null);
}

/** The homes of the HHL and the studierektor: every plan she oversees, the most overdue follow-up first. */
export function plansHome(app, lines) {
  return h("section.group", { id: "home-plans", "aria-labelledby": "h-home-plans" },
    h("h2", { id: "h-home-plans" }, t("plans_title"), " ", h("span.count-badge", {}, String(lines.length))),
    h("ul.cards", {}, lines.map((p) => h("li", { "data-plan": p.doc_id, "data-overdue": String(p.overdue_days) },
      h("a.card-link", { href: `#/a/${p.doc_id}` },
        h("span.card-title", {}, `${p.trainee_name} · ${tr(p.title) || formTitle(app, p.form_id, p.form_version)}`),
        h("span.card-meta", {}, [p.started_on, t(`status_${p.status}`), t("plan_follow_ups", p.follow_ups)].join(" · ")),
        p.next_follow_up ? h(p.overdue_days ? "span.badge.todo" : "span.badge", {},
          p.overdue_days ? t("plan_overdue", p.next_follow_up, p.overdue_days) : t("plan_next", p.next_follow_up)) : null)))));
}

/** A placement without a signed-or-started IUP: "Skriv IUP" for the trainee and her HHL (the trainee
 * writes it with the HHL, who signs it). */
export function iupButton(app, trainee, placement, items) {
  const def = app.latestForms().find((f) => f.workflow?.purpose === "iup" && !f.workflow.follows_up);
  const me = app.user.user_id;
  const writer = me === trainee.trainee_id || (trainee.main_supervisor_ids || []).includes(me);
  if (!def || !writer || placement.phase === "ended" || items.some((a) => a.form_id === def.id)) return null;
  return h("button.start-iup", { type: "button", "data-iup": placement.placement_id, onclick: () => start(app, def,
    { trainee_id: trainee.trainee_id, assessor_id: trainee.main_supervisor_id, placement_id: placement.placement_id }, trainee.name, {}, trainee.main_supervisor) },
  t("iup_write"));
}

/** Whether a form is a plan or a follow-up (kept out of the placements' assessment lists). */
export const isPlan = (app, formId) => (app.catalog?.forms || []).some((f) => f.id === formId && isPlanForm(f));

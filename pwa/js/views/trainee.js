// A trainee's page (for her and those who supervise her): placements on a timeline, every assessment
// by placement, and the delmål matrix BT1–BT18 with the evidence behind each cell.
import * as api from "../api.js";
import { addStrings, t, tr, reasonText } from "../i18n.js";
import { h } from "../render/dom.js";
import { goals } from "../render/form.js";
import {
  fetchKept, finalLine, flagList, formTitle, keptNote, placementNumbers, placementTitle, progressBar, startFinal, timeline, wide,
} from "./supervision.js";
import { callsForPlan, iupButton, isPlan, plansSection, startPlan } from "./plans.js";

addStrings({
  sv: {
    tp_placements: "Placeringar", tp_assessments: "Bedömningar", tp_matrix: "Delmål BT1–BT18",
    tp_none: "Inga bedömningar i placeringen än.", tp_delmal: "Delmål", tp_evidence: "Signerade bedömningar",
    tp_outcome_uppnatt: "Uppnått", tp_outcome_pagaende: "Pågående", tp_outcome_ej_uppnatt: "Ej uppnått",
    tp_outcome_ej_aktuellt: "Ej aktuellt", tp_no_placement: "Utan placering", tp_hhl: (n) => `Huvudhandledare: ${n || "–"}`,
    tp_matrix_help: "Antal signerade bedömningar som visar delmålet, och slutbedömningens utfall per placering.",
    tp_meetings: "Handledningssamtal", tp_no_meetings: "Inga dokumenterade samtal än.",
    tp_meeting_signed: "bekräftat", tp_meeting_submitted: "väntar på bekräftelse",
    tp_meeting_private: "bara de två som träffades läser anteckningarna",
    tp_portfolio: "Portfölj och intyg (PDF)",
  },
  en: {
    tp_placements: "Placements", tp_assessments: "Assessments", tp_matrix: "Goals BT1–BT18",
    tp_none: "No assessments in this placement yet.", tp_delmal: "Goal", tp_evidence: "Signed assessments",
    tp_outcome_uppnatt: "Achieved", tp_outcome_pagaende: "In progress", tp_outcome_ej_uppnatt: "Not achieved",
    tp_outcome_ej_aktuellt: "Not applicable", tp_no_placement: "Without placement", tp_hhl: (n) => `Main supervisor: ${n || "–"}`,
    tp_matrix_help: "Signed assessments that show the goal, and the final assessment's outcome per placement.",
    tp_meetings: "Supervision meetings", tp_no_meetings: "No documented meetings yet.",
    tp_meeting_signed: "confirmed", tp_meeting_submitted: "waiting for confirmation",
    tp_meeting_private: "only the two who met read the notes",
    tp_portfolio: "Portfolio and certificates (PDF)",
  },
});

export async function show(main, app, arg) {
  const unwide = wide(main);
  const id = Number(arg);
  const body = h("div", {}, h("p.muted", {}, t("loading")));
  main.append(h("a.back", { href: "#/" }, "← ", t("back")), body);
  try {
    const got = await fetchKept(`trainee-${id}`, () => api.traineePage(id));
    body.replaceChildren(...page(app, got.value, got.keptAt));
    // her 360 rounds (her main supervisor starts one here): loaded with their own module
    const hhl = (got.value.trainee.main_supervisor_ids || []).includes(app.user.user_id);
    const rounds = await import("./rounds.js").then((m) => m.roundsSection(app, id, hhl)).catch(() => null);
    if (rounds) body.append(rounds);
  } catch (err) {
    body.replaceChildren(h("h1", {}, t("trainee")), h("p.warn", { role: "alert" }, err.offline ? t("could_not_load") : reasonText(err.reason)));
  }
  return { dispose: unwide };
}

function page(app, data, keptAt) {
  const trainee = data.trainee;
  const names = { trainee: trainee.name, main_supervisor: trainee.main_supervisor };
  const byPlacement = new Map();
  const hhl = (trainee.main_supervisor_ids || []).includes(app.user.user_id);
  for (const a of data.assessments) {
    if (isPlan(app, a.form_id)) continue; // listed with the plans below
    const key = a.placement_id ?? "none";
    if (!byPlacement.has(key)) byPlacement.set(key, []);
    byPlacement.get(key).push(a);
  }
  const placements = trainee.placements.map((p) => {
    const mine = p.clinical_supervisor_id === app.user.user_id;
    const startable = mine && !p.final && p.phase !== "upcoming";
    const due = p.final_due || p.phase === "ended";
    return h("section.placement-block", { "data-placement": p.placement_id, "aria-labelledby": `pl-${p.placement_id}` },
      h("h3", { id: `pl-${p.placement_id}` }, placementTitle(p), " ", h("span.muted.small", {}, t("period", p.start_date, p.end_date))),
      progressBar(p), placementNumbers(p), finalLine(p, names),
      startable ? h(`button.start-final${due ? ".primary" : ""}`, { type: "button", onclick: () => startFinal(app, trainee, p) },
        t("start_final")) : null,
      flagList(p.flags),
      ...(hhl ? p.flags.filter(callsForPlan).map((f) => h("button.start-plan", { type: "button", "data-plan-flag": f.rule,
        onclick: () => startPlan(app, trainee, f) }, t("plan_from_flag"))) : []),
      iupButton(app, trainee, p, byPlacement.get(p.placement_id) || []),
      assessmentList(app, byPlacement.get(p.placement_id) || []));
  });
  const loose = byPlacement.get("none");
  return [
    keptNote(keptAt),
    h("h1", {}, trainee.name),
    h("p.muted", {}, `${trainee.programme} · ${trainee.programme_unit} · ${t("tp_hhl", trainee.main_supervisor)}`),
    // the portfolio and certificate drafts: made by the trainee, her HHL or her unit's studierektor
    trainee.trainee_id === app.user.user_id || hhl || app.user.roles?.includes("studierektor")
      ? h("p", {}, h("a.button", { href: `#/portfolj/${trainee.trainee_id}`, id: "portfolio-link" }, t("tp_portfolio"))) : null,
    ...(trainee.flags.some((f) => f.placement_id == null) ? [flagList(trainee.flags.filter((f) => f.placement_id == null))] : []),
    h("h2", {}, t("tp_placements")), timeline(trainee.placements), ...placements,
    loose ? h("section.placement-block", {}, h("h3", {}, t("tp_no_placement")), assessmentList(app, loose)) : null,
    matrix(app, data),
    meetingLog(app, data.meetings || []),
    plansSection(app, data, hhl),
  ].filter(Boolean);
}

/** Her handledning log: that each meeting took place, when and of what kind; the notes only behind a
 * link, and a private one's never (the server gives no link to anyone but its two people). */
function meetingLog(app, meetings) {
  const kinds = app.latestForms().find((f) => f.workflow?.purpose === "handledning")
    ?.ui.sections.flatMap((s) => s.fields).find((f) => f.field === "/kind")?.options || {};
  const line = (m) => [m.day, kinds[m.kind] ? tr(kinds[m.kind]) : m.kind,
    t(m.status === "submitted" ? "tp_meeting_submitted" : "tp_meeting_signed")].filter(Boolean).join(" · ");
  return h("section", { id: "meeting-log", "aria-labelledby": "h-meetings" },
    h("h2", { id: "h-meetings" }, t("tp_meetings")),
    meetings.length ? h("ul.cards", {}, meetings.map((m) => {
      const inner = [h("span.card-meta", {}, line(m)),
        m.private ? h("span.small", {}, h("span.badge", {}, t("private_badge")), " ", t("tp_meeting_private")) : null];
      return h("li", { "data-day": m.day, "data-private": m.private ? "1" : "0" },
        m.doc_id ? h("a.card-link", { href: `#/a/${m.doc_id}` }, inner) : h("div.card-link", {}, inner));
    }))
      : h("p.muted", {}, t("tp_no_meetings")));
}

function assessmentList(app, items) {
  if (!items.length) return h("p.muted", {}, t("tp_none"));
  return h("ul.cards", {}, items.map((a) => h("li", { id: `ev-${a.doc_id}` }, h("a.card-link", { href: `#/a/${a.doc_id}` },
    h("span.card-title", {}, formTitle(app, a.form_id, a.form_version)),
    h("span.card-meta", {}, [a.observed_on, a.summary, a.assessor_name, t(`status_${a.status}`)].filter(Boolean).join(" · ")),
    a.delmal.length ? h("span.badge", {}, a.delmal.join(" ")) : null))));
}

function matrix(app, data) {
  const form = app.latestForms().find((f) => f.instrument === "slutbedomning-bt");
  const labels = new Map((form ? goals(form) : []).map((g) => [String(g.value), tr(g.label)]));
  const placements = data.trainee.placements;
  const day = new Map(data.assessments.map((a) => [a.doc_id, a.observed_on || ""]));
  return h("section.matrix", { id: "delmal-matrix", "aria-labelledby": "h-matrix" },
    h("h2", { id: "h-matrix" }, t("tp_matrix")), h("p.muted.small", {}, t("tp_matrix_help")),
    h("div.table-wrap", {}, h("table.delmal-matrix", {},
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("tp_delmal")), h("th", { scope: "col" }, t("tp_evidence")),
        placements.map((p) => h("th", { scope: "col" }, p.specialty)))),
      h("tbody", {}, data.delmal.map((row) => h("tr", { "data-delmal": row.delmal },
        h("th", { scope: "row" }, h("span.goal-id", {}, row.delmal), " ", h("span.small", {}, labels.get(row.delmal) || "")),
        h("td.evidence", {}, h("strong.count", {}, String(row.evidence.length)),
          row.evidence.map((id) => [" ", h("a.small", { href: `#/a/${id}` }, day.get(id) || "→")])),
        placements.map((p) => {
          const cell = row.outcomes[String(p.placement_id)];
          return h("td", { "data-outcome": cell?.outcome || "" },
            cell ? h("a", { href: `#/a/${cell.doc_id}` }, t(`tp_outcome_${cell.outcome}`)) : "–");
        })))))));
}

// What the supervisors' screens (home, unit overview, trainee page) share: the words for each flag
// and chain step, a placement's progress, starting a Slutbedömning from a placement, and a server
// answer kept for offline use.
import { addStrings, t, tr } from "../i18n.js";
import { h } from "../render/dom.js";
import { kvGet, kvSet } from "../storage.js";
import { createDoc, newDocRecord } from "../docs.js";
import { nudge } from "../outbox.js";
import { fromPlacement } from "../placement.js";

addStrings({
  sv: {
    reasons: {
      studierektor_only: "Bara en studierektor har enhetsöversikten; din startsida visar dem du följer.",
      not_your_unit: "Du är inte studierektor för den enheten.",
      unknown_setting: "Okänd regel för enheten.",
      invalid_setting: "Värdet ligger utanför det tillåtna intervallet.",
    },
    flag_behind_at_midpoint: (n) => `${n.signed} av ${n.target} signerade bedömningar vid ${n.percent} % av placeringen${n.planned ? ` (IUP: ${n.planned} planerade)` : ""}`,
    flag_iup_follow_up_missed: (n) => `IUP:n inte uppföljd på ${n.days} dagar (regel: ${n.limit})`,
    flag_no_recent_assessment: (n) => `Ingen bedömning på ${n.days} dagar (regel: ${n.limit})`,
    flag_final_missing: (n) => `Slutbedömning saknas ${n.days} dagar efter placeringens slut`,
    flag_request_unanswered: (n) => (n.count === 1 ? `1 förfrågan obesvarad i ${n.oldest_days} dagar` : `${n.count} förfrågningar obesvarade i mer än ${n.limit} dagar`),
    flag_final_not_approved: () => "Slutbedömningen är ej godkänd – en handlingsplan behövs",
    flag_final_concern: () => "Varning i slutbedömningen: risk att BT-läkaren inte når målen",
    flag_delmal_not_reached: (n) => `Delmål ej uppnått: ${n.delmal.join(", ")} – en handlingsplan behövs`,
    flag_handledning_missed: (n) => `Inget handledningssamtal på ${n.days} dagar (regel: ${n.limit})`,
    flag_handover_without_check: (n) => `Ingen handledaravstämning vid bytet från ${n.from} (${n.on})`,
    flag_plan_follow_up_missed: (n) => `Uppföljning av handlingsplanen (${n.due}) ej dokumenterad, ${n.days} dagar sedan`,
    no_flags: "Inga flaggor", by_iup: "enligt IUP", signed_of: (s, n) => `${s} av ${n} signerade`, waiting_n: (n) => `${n} väntar`,
    drafts_n: (n) => `${n} utkast`, days_left: (n) => (n >= 0 ? `${n} dagar kvar` : `slutade för ${-n} dagar sedan`),
    starts_in: (n) => `börjar om ${n} dagar`, last_days: (n) => (n == null ? "ingen bedömning än" : `senaste för ${n} dagar sedan`),
    final_label: "Slutbedömning", final_none: "ej påbörjad",
    holder_assessor: (who) => `hos ${who || "kliniska handledaren"} (fylls i och signeras)`,
    holder_trainee: (who) => `hos ${who} (kvitteras)`, holder_main_supervisor: (who) => `hos ${who || "huvudhandledaren"} (kontrasigneras)`,
    holder_done: "klar – kontrasignerad", start_final: "Starta slutbedömning", continue_final: "Fortsätt slutbedömningen",
    kept_from: (when) => `Utan nätverk: visar läget från ${when}.`, could_not_load: "Kunde inte hämta – försök igen med nätverk.",
    trainee_page: "Visa sida", period: (a, b) => `${a} – ${b}`,
  },
  en: {
    reasons: {
      studierektor_only: "Only a studierektor has the unit overview; your home lists the trainees you follow.",
      not_your_unit: "You are not studierektor of that unit.",
      unknown_setting: "Unknown rule for the unit.",
      invalid_setting: "The value is outside the allowed range.",
    },
    flag_behind_at_midpoint: (n) => `${n.signed} of ${n.target} signed assessments at ${n.percent} % of the placement${n.planned ? ` (IUP: ${n.planned} planned)` : ""}`,
    flag_iup_follow_up_missed: (n) => `IUP not followed up for ${n.days} days (rule: ${n.limit})`,
    flag_no_recent_assessment: (n) => `No assessment for ${n.days} days (rule: ${n.limit})`,
    flag_final_missing: (n) => `Final assessment missing ${n.days} days after the placement ended`,
    flag_request_unanswered: (n) => (n.count === 1 ? `1 request unanswered for ${n.oldest_days} days` : `${n.count} requests unanswered for more than ${n.limit} days`),
    flag_final_not_approved: () => "The final assessment is not approved – an action plan is needed",
    flag_final_concern: () => "Warning in the final assessment: risk that the trainee does not reach the goals",
    flag_delmal_not_reached: (n) => `Goals not reached: ${n.delmal.join(", ")} – an action plan is needed`,
    flag_handledning_missed: (n) => `No supervision meeting for ${n.days} days (rule: ${n.limit})`,
    flag_handover_without_check: (n) => `No hand-over meeting after ${n.from} (${n.on})`,
    flag_plan_follow_up_missed: (n) => `Action plan follow-up (${n.due}) not documented, ${n.days} days ago`,
    no_flags: "No flags", by_iup: "as the IUP plans", signed_of: (s, n) => `${s} of ${n} signed`, waiting_n: (n) => `${n} waiting`,
    drafts_n: (n) => `${n} drafts`, days_left: (n) => (n >= 0 ? `${n} days left` : `ended ${-n} days ago`),
    starts_in: (n) => `starts in ${n} days`, last_days: (n) => (n == null ? "no assessment yet" : `latest ${n} days ago`),
    final_label: "Final assessment", final_none: "not started",
    holder_assessor: (who) => `with ${who || "the clinical supervisor"} (to fill and sign)`,
    holder_trainee: (who) => `with ${who} (to acknowledge)`, holder_main_supervisor: (who) => `with ${who || "the main supervisor"} (to countersign)`,
    holder_done: "done – countersigned", start_final: "Start the final assessment", continue_final: "Continue the final assessment",
    kept_from: (when) => `No network: showing the state from ${when}.`, could_not_load: "Could not load – try again with a network.",
    trainee_page: "Open page", period: (a, b) => `${a} – ${b}`,
  },
});

/** The stylesheet of these screens (loaded once, when first used). */
export function styles() {
  if (!document.getElementById("supervision-css")) {
    document.head.append(h("link", { rel: "stylesheet", href: "/css/supervision.css", id: "supervision-css" }));
  }
}

/** The wider, table-friendly layout of the supervisors' screens on a laptop. */
export function wide(main) {
  styles();
  main.classList.add("wide");
  return () => main.classList.remove("wide");
}

export const flagText = (f) => t(`flag_${f.rule}`, f.numbers);

/** The flags as a list; with ``placements`` (a trainee's), each placement's flag names its specialty. */
export function flagList(flags, placements = []) {
  if (!flags.length) return h("p.ok-note", {}, t("no_flags"));
  const where = new Map(placements.map((p) => [p.placement_id, p.specialty]));
  return h("ul.flags", {}, flags.map((f) => h("li.flag", { "data-rule": f.rule },
    where.has(f.placement_id) ? `${where.get(f.placement_id)}: ${flagText(f)}` : flagText(f))));
}

/** A bar for signed / target (a placement's progress through time as a marker). */
export function progressBar(p) {
  const bar = h("div.progress", { role: "img", "aria-label": t("signed_of", p.signed, p.target) });
  const fill = h("span.fill");
  fill.style.width = `${Math.min(100, p.target ? (100 * p.signed) / p.target : 100)}%`;
  const time = h("span.time");
  time.style.left = `${Math.round(p.progress * 100)}%`;
  bar.append(fill, time);
  return bar;
}

export function placementNumbers(p) {
  const when = p.phase === "upcoming" ? t("starts_in", daysBetween(today(), p.start_date)) : t("days_left", p.days_left);
  return h("p.numbers", {},
    h("strong", {}, t("signed_of", p.signed, p.target), p.planned ? ` (${t("by_iup")})` : ""), " · ", t("waiting_n", p.waiting), " · ", t("drafts_n", p.drafts),
    " · ", t("last_days", p.days_since_last), " · ", when);
}

function daysBetween(a, b) { return Math.round((Date.parse(b) - Date.parse(a)) / 86400000); }

export const placementTitle = (p) => `${p.unit} · ${p.specialty}`;

/** Where a placement's Slutbedömning stands and who holds it. */
export function finalLine(p, names) {
  const f = p.final;
  let where = t("final_none");
  if (f) {
    where = f.holder ? t(`holder_${f.holder}`, { assessor: p.clinical_supervisor, trainee: names.trainee, main_supervisor: names.main_supervisor }[f.holder])
      : t("holder_done");
  }
  return h("p.final-line", { "data-final": f ? f.status : "none" }, h("strong", {}, t("final_label"), ": "),
    f ? h("a", { href: `#/a/${f.doc_id}` }, t(`status_${f.status}`)) : null, f ? " – " : null, where);
}

/** A clinical supervisor starts the placement's Slutbedömning: the header comes from the placement. */
export async function startFinal(app, trainee, p) {
  const def = app.latestForms().find((f) => f.instrument === "slutbedomning-bt");
  if (!def) { app.toast(t("catalog_missing")); return; }
  const meta = { trainee_id: trainee.trainee_id, assessor_id: app.user.user_id, placement_id: p.placement_id,
    observed_on: (p.end_date < today() ? p.end_date : today()) };
  const record = newDocRecord({ form: def, meta, traineeName: trainee.name, assessorName: app.user.name });
  await createDoc(record, meta, fromPlacement(def, p));
  nudge();
  app.navigate(`#/a/${record.doc_id}`);
}

export function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/** A server answer, kept on the device so the screen still shows the last state offline. */
export async function fetchKept(key, load) {
  try {
    const fresh = await load();
    await kvSet(key, { at: new Date().toISOString(), value: fresh });
    return { value: fresh, keptAt: null };
  } catch (err) {
    const kept = await kvGet(key);
    if (kept && err.offline) return { value: kept.value, keptAt: kept.at };
    throw err;
  }
}

export function keptNote(keptAt) {
  return keptAt ? h("p.info.kept", { role: "status" }, t("kept_from", new Date(keptAt).toLocaleString(document.documentElement.lang))) : null;
}

export const formTitle = (app, id, version) => tr(app.form(id, version)?.title) || id;

/** The placements of a programme side by side, as long as they last, today marked. */
export function timeline(placements) {
  if (!placements.length) return null;
  const start = Date.parse(placements[0].start_date);
  const end = Date.parse(placements[placements.length - 1].end_date);
  const span = Math.max(end - start, 1);
  const bar = h("div.timeline", { role: "list" });
  for (const p of placements) {
    const part = h("span.segment", { role: "listitem", "data-phase": p.phase, title: `${placementTitle(p)} ${p.start_date} – ${p.end_date}` },
      h("span.segment-label", {}, p.specialty));
    part.style.left = `${(100 * (Date.parse(p.start_date) - start)) / span}%`;
    part.style.width = `${Math.max(2, (100 * (Date.parse(p.end_date) - Date.parse(p.start_date))) / span)}%`;
    if (p.flags.length) part.classList.add("flagged");
    bar.append(part);
  }
  const now = Date.now();
  if (now > start && now < end) {
    const mark = h("span.today", { "aria-hidden": "true" });
    mark.style.left = `${(100 * (now - start)) / span}%`;
    bar.append(mark);
  }
  return bar;
}

// A 360 round (#/360: the trainee's own; #/360/<id>: one round; #/360/<id>/rapport: its report, in
// views/round-report.js). What each person sees is what the server sends them: the trainee her
// nominations until the requests go out, then totals per group; her main supervisor and the
// studierektor every rater by name, with a reminder never to tell the trainee who answered.
import * as api from "../api.js";
import { addStrings, t, reasonText } from "../i18n.js";
import { h } from "../render/dom.js";
import { identityMessage } from "../render/text.js";
import { containsIdentityNumber } from "../personnummer.js";
import { kvGet, kvSet } from "../storage.js";
import { createDoc, newDocRecord } from "../docs.js";
import { fetchKept, keptNote, styles } from "./supervision.js";

addStrings({
  sv: {
    reasons: {
      round_only: "En 360-bedömare tillfrågas genom en 360-runda, aldrig ensam.",
      round_by_supervisor: "På din enhet startar huvudhandledaren 360-rundan: fråga din huvudhandledare.",
      not_main_supervisor: "Bara BT-läkarens huvudhandledare gör detta.",
      not_round_nominator: "Bara BT-läkaren och huvudhandledaren nominerar bedömare.",
      not_your_trainee: "Du följer ingen sådan BT-läkare.",
      not_your_round: "Självskattningen är BT-läkarens egen.",
      not_a_self_assessment: "Koppla din egen 360-självskattning.",
      round_exists: "Det finns redan en pågående 360-runda: avsluta eller släpp den först.",
      deadline_out_of_range: "Sista svarsdag måste vara 7–180 dagar fram.",
      unknown_group: "Okänd yrkesgrupp.",
      minimums_exceed_total: "Gruppernas minimiantal är större än rundans minsta antal svar.",
      invalid_email: "Det är ingen e-postadress.",
      rater_exists: "Den personen är redan nominerad.",
      too_few_raters: "Nominera minst så många som rundan kräver (15–20 rekommenderas, alla hinner inte svara).",
      too_few_in_group: "Nominera minst minimiantalet i varje yrkesgrupp.",
      too_many_raters: "En runda har högst 40 bedömare.",
      round_invalid: "Rundan är inte giltig än: förläng den eller nominera fler.",
      round_not_released: "Huvudhandledaren släpper sammanställningen när rundan är klar.",
      round_closed: "Rundan är stängd: förläng den först.",
      round_sent: "Förfrågningarna har redan skickats.",
      round_not_open: "Rundan är inte öppen.",
      round_not_closed: "Rundan är inte stängd än.",
      round_not_extendable: "Rundan kan inte förlängas.",
      round_released: "Sammanställningen är redan släppt.",
      rater_done: "Bedömaren har redan svarat eller avböjt.",
      not_a_comment: "Bara en kommentar kan döljas.",
    },
    r_title: "360-bedömning", r_none: "Ingen 360-runda än.",
    r_none_help: "Din huvudhandledare startar rundan; sedan nominerar du bedömarna här.", r_start: "Starta 360-runda",
    r_deadline: (d) => `Sista svarsdag ${d}`, r_minimum: (n, s) => `Minst ${n} svar, varav minst ${s} specialistläkare.`,
    r_status_nominating: "Nominering", r_status_open: "Öppen", r_status_closed: "Stängd", r_status_released: "Släppt",
    r_advice: (a, b) => `Nominera ${a}–${b} kollegor från olika yrkesgrupper: alla hinner inte svara.`,
    r_name: "Namn", r_email: "E-post", r_group: "Yrkesgrupp", r_add: "Lägg till", r_remove: "Ta bort",
    r_nominees: (n) => `Nominerade (${n})`, r_by_supervisor: (n) => `Varav ${n} som din huvudhandledare har lagt till.`, r_send: "Skicka förfrågningarna", r_need: (n, k) => `Minst ${n} behövs (${k} nu).`,
    r_answered: (a, n) => `${a} av ${n} har svarat`, r_totals: "Svar per yrkesgrupp", r_min_short: (n) => `minst ${n}`,
    r_nominated: "Nominerade", r_answers: "Svar",
    r_confidential: "Du ser vem som svarat. Berätta aldrig för BT-läkaren vem som svarat eller vad någon skrev.",
    r_concerns: (n) => `${n} svar med farhåga: läs och agera nu.`, r_read: "Läs svaret",
    r_state_nominated: "Nominerad", r_state_sent: "Skickad", r_state_opened: "Öppnad", r_state_in_progress: "Påbörjad",
    r_state_answered: "Svarat", r_state_declined: "Avböjt", r_state_expired: "Utgången", r_state_withdrawn: "Återkallad",
    r_remind: "Påminn", r_reminded: "Påminnelse skickad.", r_close: "Stäng rundan", r_extend: "Förläng till",
    r_release: "Släpp sammanställningen", r_valid: "Rundan är giltig.", r_invalid: "Rundan är inte giltig:",
    r_report: "Läs sammanställningen", r_preview: "Förhandsgranska sammanställningen",
    r_hide: "Dölj en kommentar", r_hide_field: "Kommentar", r_hide_reason: "Varför (sparas i loggen)",
    r_hidden: "Kommentaren är dold för BT-läkaren.", r_self: "Din självskattning", r_self_do: "Fyll i självskattningen",
    r_self_done: "Självskattningen är signerad.", r_self_open: "Öppna självskattningen",
    r_self_help: "Samma frågor som bedömarna får; den visas bredvid deras svar i sammanställningen.",
    r_started: "360-rundan är startad.", r_sent: "Förfrågningarna är skickade.", r_offline: "Kräver nätverk.",
    g_specialistlakare: "Specialistläkare", g_st_bt_at_lakare: "ST-, BT- eller AT-läkare", g_sjukskoterska: "Sjuksköterska",
    g_underskoterska: "Undersköterska", g_ovrig_personal: "Övrig personal", g_ovriga: "Övriga",
    c_strengths: "Styrkor", c_development_areas: "Utvecklingsområden", c_concern_comment: "Farhåga",
    rr_concern_inga: "Inga farhågor", rr_concern_viss: "Viss farhåga", rr_concern_allvarlig: "Allvarlig farhåga",
  },
  en: {
    reasons: {
      round_only: "A 360 rater is asked through a 360 round, never alone.",
      round_by_supervisor: "In your unit the main supervisor starts the 360 round: ask your main supervisor.",
      not_main_supervisor: "Only the trainee's main supervisor does this.",
      not_round_nominator: "Only the trainee and her main supervisor nominate raters.",
      not_your_trainee: "You follow no such trainee.",
      not_your_round: "The self-assessment is the trainee's own.",
      not_a_self_assessment: "Link your own 360 self-assessment.",
      round_exists: "A 360 round is under way already: finish or release it first.",
      deadline_out_of_range: "The deadline must be 7–180 days ahead.",
      unknown_group: "Unknown professional group.",
      minimums_exceed_total: "The groups' minimums exceed the round's minimum number of answers.",
      invalid_email: "That is not an e-mail address.",
      rater_exists: "That person is nominated already.",
      too_few_raters: "Nominate at least as many as the round needs (15–20 advised: not everyone answers).",
      too_few_in_group: "Nominate at least the minimum in each group.",
      too_many_raters: "A round has at most 40 raters.",
      round_invalid: "The round is not valid yet: extend it or nominate more.",
      round_not_released: "Your main supervisor releases the report when the round is complete.",
      round_closed: "The round is closed: extend it first.",
      round_sent: "The requests have been sent already.",
      round_not_open: "The round is not open.",
      round_not_closed: "The round is not closed yet.",
      round_not_extendable: "The round cannot be extended.",
      round_released: "The report is released already.",
      rater_done: "The rater has answered or declined already.",
      not_a_comment: "Only a comment can be hidden.",
    },
    r_title: "360 feedback", r_none: "No 360 round yet.",
    r_none_help: "Your main supervisor starts the round; then you nominate the raters here.", r_start: "Start a 360 round",
    r_deadline: (d) => `Answer by ${d}`, r_minimum: (n, s) => `At least ${n} answers, of which ${s} from specialists.`,
    r_status_nominating: "Nominating", r_status_open: "Open", r_status_closed: "Closed", r_status_released: "Released",
    r_advice: (a, b) => `Nominate ${a}–${b} colleagues from several professions: not everyone answers.`,
    r_name: "Name", r_email: "E-mail", r_group: "Professional group", r_add: "Add", r_remove: "Remove",
    r_nominees: (n) => `Nominated (${n})`, r_by_supervisor: (n) => `Of whom ${n} added by your main supervisor.`, r_send: "Send the requests", r_need: (n, k) => `At least ${n} needed (${k} now).`,
    r_answered: (a, n) => `${a} of ${n} have answered`, r_totals: "Answers per group", r_min_short: (n) => `at least ${n}`,
    r_nominated: "Nominated", r_answers: "Answers",
    r_confidential: "You see who answered. Never tell the trainee who answered or what anyone wrote.",
    r_concerns: (n) => `${n} answer(s) with a concern: read and act now.`, r_read: "Read the answer",
    r_state_nominated: "Nominated", r_state_sent: "Sent", r_state_opened: "Opened", r_state_in_progress: "In progress",
    r_state_answered: "Answered", r_state_declined: "Declined", r_state_expired: "Expired", r_state_withdrawn: "Withdrawn",
    r_remind: "Remind", r_reminded: "Reminder sent.", r_close: "Close the round", r_extend: "Extend to",
    r_release: "Release the report", r_valid: "The round is valid.", r_invalid: "The round is not valid:",
    r_report: "Read the report", r_preview: "Preview the report",
    r_hide: "Hide a comment", r_hide_field: "Comment", r_hide_reason: "Why (kept in the log)",
    r_hidden: "The comment is hidden from the trainee.", r_self: "Your self-assessment", r_self_do: "Fill in the self-assessment",
    r_self_done: "The self-assessment is signed.", r_self_open: "Open the self-assessment",
    r_self_help: "The raters' questions; shown beside their answers in the report.",
    r_started: "The 360 round has started.", r_sent: "The requests have been sent.", r_offline: "Needs a network.",
    g_specialistlakare: "Specialist", g_st_bt_at_lakare: "ST, BT or AT doctor", g_sjukskoterska: "Nurse",
    g_underskoterska: "Assistant nurse", g_ovrig_personal: "Other staff", g_ovriga: "Others",
    c_strengths: "Strengths", c_development_areas: "Development areas", c_concern_comment: "Concern",
    rr_concern_inga: "No concerns", rr_concern_viss: "Some concern", rr_concern_allvarlig: "Serious concern",
  },
});

export const GROUPS = ["specialistlakare", "st_bt_at_lakare", "sjukskoterska", "underskoterska", "ovrig_personal"];
const call = (method, path, body) => api.request(method, `/api/rounds${path}`, body);

export async function show(main, app, arg) {
  styles();
  const [id, sub] = (arg || "").split("/");
  if (id && sub === "rapport") return (await import("./round-report.js")).show(main, app, id);
  const body = h("div", {}, h("p.muted", {}, t("loading")));
  main.append(h("a.back", { href: "#/" }, "← ", t("back")), body);
  const draw = async () => {
    try {
      if (id) {
        const got = await fetchKept(`round-${id}`, () => call("GET", `/${id}`));
        body.replaceChildren(...roundPage(app, got.value, got.keptAt, draw).filter(Boolean));
        linkPendingSelf(app, got.value, draw);
      } else {
        const got = await fetchKept("rounds-own", () => call("GET", ""));
        const current = got.value[0];
        if (current) { app.navigate(`#/360/${current.id}`); return; }
        // her unit may let her start it herself; else her main supervisor does
        const settings = await call("GET", "/settings").catch(() => null);
        body.replaceChildren(...[h("h1", {}, t("r_title")), keptNote(got.keptAt), h("p", {}, t("r_none")),
          settings?.may_start ? h("button.primary", { type: "button", id: "round-start", onclick: () => startRound(app) }, t("r_start"))
            : h("p.muted", {}, t("r_none_help"))].filter(Boolean));
      }
    } catch (err) {
      body.replaceChildren(h("h1", {}, t("r_title")), h("p.warn", { role: "alert" }, err.offline ? t("could_not_load") : reasonText(err.reason)));
    }
  };
  await draw();
  return { onSync: draw };
}

/** Do one change; the round as it is now is drawn again, a refusal shown in Swedish (or English). */
async function act(app, method, path, body, redraw, done) {
  try {
    await call(method, path, body);
    if (done) app.toast(done);
    await redraw();
    return true;
  } catch (err) {
    app.toast(err.offline ? t("r_offline") : reasonText(err.reason));
    return false;
  }
}

const groupName = (g) => t(`g_${g}`);

function roundPage(app, r, keptAt, redraw) {
  const can = new Set(r.can);
  const head = [
    h("h1", {}, t("r_title"), " ", h("span.badge", { id: "round-status" }, t(`r_status_${r.status}`))),
    h("p.meta", {}, r.trainee_name, " · ", t("r_deadline", r.deadline.slice(0, 10))),
    h("p.muted", {}, t("r_minimum", r.min_total, r.group_minimums.specialistlakare || 0)),
    keptNote(keptAt),
  ];
  const parts = [...head];
  if (r.confidential) parts.push(h("p.warn.confidential", { role: "note" }, t("r_confidential")));
  if (r.concerns) parts.push(h("p.flag.concern", { role: "alert" }, "⚠ ", t("r_concerns", r.concerns)));
  if (r.status !== "nominating") parts.push(totals(r));
  if (r.valid === true) parts.push(h("p.info", {}, t("r_valid")));
  if (r.valid === false) parts.push(h("div.warn", { id: "round-failures" }, h("p", {}, t("r_invalid")),
    h("ul", {}, r.failures.map((f) => h("li", {}, f.group ? `${groupName(f.group)}: ${f.got} / ${f.needed}` : `${f.got} / ${f.needed}`)))));
  // while nominating the form comes first (the list grows below it); later the list, then the form
  if (r.status === "nominating" && can.has("nominate")) parts.push(nominateForm(app, r, redraw));
  if (r.raters) parts.push(raterList(app, r, can, redraw));
  if (r.status !== "nominating" && can.has("nominate")) parts.push(nominateForm(app, r, redraw));
  if (can.has("send")) {
    const enough = r.nominated >= r.min_total;
    parts.push(h("div.actions", {},
      h("button.primary", { type: "button", id: "round-send", disabled: !enough,
        onclick: () => act(app, "POST", `/${r.id}/send`, undefined, redraw, t("r_sent")) }, t("r_send")),
      enough ? null : h("p.muted", {}, t("r_need", r.min_total, r.nominated))));
  }
  if (can.has("self")) parts.push(selfCard(app, r));
  parts.push(supervisorActions(app, r, can, redraw));
  if (r.status === "released" || (r.raters && ["closed", "released"].includes(r.status))) {
    parts.push(h("p", {}, h("a.button.primary", { href: `#/360/${r.id}/rapport`, id: "round-report" },
      r.status === "released" ? t("r_report") : t("r_preview"))));
  }
  return parts;
}

function totals(r) {
  return h("section.round-totals", { "aria-labelledby": "round-totals" },
    h("h2", { id: "round-totals" }, t("r_totals")),
    h("p.answered", {}, t("r_answered", r.answered, r.nominated)),
    h("table.totals", {},
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("r_group")), h("th", { scope: "col" }, t("r_answers")),
        h("th", { scope: "col" }, t("r_nominated")))),
      h("tbody", {}, r.totals.filter((g) => g.nominated || g.minimum).map((g) => h("tr", { "data-group": g.group },
        h("th", { scope: "row" }, groupName(g.group), g.minimum ? h("span.muted.small", {}, ` (${t("r_min_short", g.minimum)})`) : null),
        h("td", { className: g.answered < g.minimum ? "short" : "" }, String(g.answered)), h("td", {}, String(g.nominated)))))));
}

function raterList(app, r, can, redraw) {
  const remove = can.has("remove");
  return h("section", { "aria-labelledby": "round-raters" },
    h("h2", { id: "round-raters" }, t("r_nominees", r.raters.length + r.nominated_by_supervisor)),
    r.nominated_by_supervisor ? h("p.muted", {}, t("r_by_supervisor", r.nominated_by_supervisor)) : null,
    h("ul.raters", {}, r.raters.map((x) => h("li.rater", { "data-email": x.email },
      h("div.rater-who", {}, h("span.rater-name", {}, x.name), " ",
        r.status === "nominating" ? null : h(`span.badge${x.state === "answered" ? ".todo" : ""}`, {}, t(`r_state_${x.state}`)), " ",
        x.concern && x.concern !== "inga" ? h("span.badge.warn", {}, "⚠ ", t(`rr_concern_${x.concern}`)) : null,
        h("span.rater-meta.muted.small", {}, `${groupName(x.group)} · ${x.email}`)),
      h("div.rater-do", {},
        x.concern && x.concern !== "inga" && x.assessment_id ? h("a.small", { href: `#/a/${x.assessment_id}` }, t("r_read")) : null,
        remove ? h("button.small.danger", { type: "button", "aria-label": `${t("r_remove")} ${x.name}`, onclick: () => act(app, "DELETE", `/${r.id}/raters/${x.id}`, undefined, redraw) }, t("r_remove")) : null,
        can.has("remind") && ["sent", "opened", "in_progress"].includes(x.state)
          ? h("button.small", { type: "button", "aria-label": `${t("r_remind")} ${x.name}`, onclick: () => act(app, "POST", `/${r.id}/raters/${x.id}/remind`, undefined, redraw, t("r_reminded")) }, t("r_remind"))
          : null)))));
}

function nominateForm(app, r, redraw) {
  const name = h("input", { id: "rater-name", type: "text", autocomplete: "off", maxLength: 200 });
  const email = h("input", { id: "rater-email", type: "email", autocomplete: "off", maxLength: 320 });
  const group = h("select", { id: "rater-group" }, GROUPS.map((g) => h("option", { value: g }, groupName(g))));
  const error = h("p.error", { id: "rater-error", hidden: true, role: "alert" });
  const flag = () => {
    const found = containsIdentityNumber(name.value) || containsIdentityNumber(email.value);
    error.hidden = !found;
    error.textContent = found ? identityMessage() : "";
    return found;
  };
  name.addEventListener("input", flag);
  email.addEventListener("input", flag);
  const add = async (e) => {
    e.preventDefault();
    if (flag() || !name.value.trim() || !email.value.trim()) return;
    const ok = await act(app, "POST", `/${r.id}/raters`, { name: name.value.trim(), email: email.value.trim(), group: group.value }, redraw);
    if (ok) document.getElementById("rater-name")?.focus();
  };
  return h("form.card.nominate", { onsubmit: add, "aria-labelledby": "nominate-title" },
    h("h2", { id: "nominate-title" }, t("r_add")),
    r.status === "nominating" ? h("p.muted", {}, t("r_advice", ...r.advised_nominations)) : null,
    h("label", { htmlFor: "rater-name" }, t("r_name")), name,
    h("label", { htmlFor: "rater-email" }, t("r_email")), email,
    h("label", { htmlFor: "rater-group" }, t("r_group")), group, error,
    h("button.primary", { type: "submit", id: "rater-add" }, t("r_add")));
}

function supervisorActions(app, r, can, redraw) {
  const parts = [];
  if (can.has("close")) parts.push(h("button", { type: "button", id: "round-close", onclick: () => act(app, "POST", `/${r.id}/close`, undefined, redraw) }, t("r_close")));
  if (can.has("extend")) {
    const day = h("input", { type: "date", id: "round-extend-day", "aria-label": t("r_extend") });
    parts.push(h("form.row.extend", { onsubmit: (e) => { e.preventDefault(); if (day.value) act(app, "POST", `/${r.id}/extend`, { deadline: day.value }, redraw); } },
      day, h("button", { type: "submit" }, t("r_extend"))));
  }
  if (can.has("release")) parts.push(h("button.primary", { type: "button", id: "round-release", onclick: () => act(app, "POST", `/${r.id}/release`, undefined, redraw) }, t("r_release")));
  if (can.has("hide") && r.raters?.some((x) => x.state === "answered")) parts.push(hideForm(app, r, redraw));
  return parts.length ? h("section.round-actions", {}, parts) : null;
}

function hideForm(app, r, redraw) {
  const who = h("select", { id: "hide-answer" }, r.raters.filter((x) => x.state === "answered")
    .map((x) => h("option", { value: x.assessment_id }, `${x.name} (${groupName(x.group)})`)));
  const field = h("select", { id: "hide-field" }, ["strengths", "development_areas", "concern_comment"].map((f) => h("option", { value: f }, t(`c_${f}`))));
  const reason = h("input", { type: "text", id: "hide-reason", maxLength: 1000 });
  const error = h("p.error", { role: "alert", hidden: true });
  const flagged = () => { error.hidden = !containsIdentityNumber(reason.value); error.textContent = error.hidden ? "" : identityMessage(); return !error.hidden; };
  reason.addEventListener("input", flagged);
  return h("details.card", {}, h("summary", {}, t("r_hide")),
    h("form", { onsubmit: (e) => { e.preventDefault(); if (!flagged() && reason.value.trim().length >= 3) act(app, "POST", `/${r.id}/hidden`, { assessment_id: who.value, field: field.value, reason: reason.value.trim() }, redraw, t("r_hidden")); } },
      h("label", { htmlFor: "hide-answer" }, t("r_nominees", "")), who, h("label", { htmlFor: "hide-field" }, t("r_hide_field")), field,
      h("label", { htmlFor: "hide-reason" }, t("r_hide_reason")), reason, error, h("button", { type: "submit" }, t("r_hide"))));
}

function selfCard(app, r) {
  const start = async () => {
    const form = app.latestForms().find((f) => f.id === "msf-self");
    if (!form) return;
    const meta = { trainee_id: app.user.user_id };
    const record = newDocRecord({ form, meta, traineeName: app.user.name, assessorName: app.user.name });
    await createDoc(record, meta);
    await kvSet(`round-self-${r.id}`, record.doc_id);
    app.navigate(`#/a/${record.doc_id}`);
  };
  return h("section.card.self", { "aria-labelledby": "round-self" }, h("h2", { id: "round-self" }, t("r_self")),
    h("p.muted", {}, t("r_self_help")),
    r.self_assessed ? h("p", {}, "✓ ", t("r_self_done"))
      : r.self_assessment_id ? h("a.button", { href: `#/a/${r.self_assessment_id}` }, t("r_self_open"))
        : h("button", { type: "button", id: "round-self-start", onclick: start }, t("r_self_do")));
}

/** A self-assessment started on this device is linked to its round once the server has it. */
async function linkPendingSelf(app, r, redraw) {
  const docId = await kvGet(`round-self-${r.id}`);
  if (!docId || r.self_assessment_id === docId || !r.can.includes("self")) return;
  try {
    await call("PUT", `/${r.id}/self`, { assessment_id: docId });
    await kvSet(`round-self-${r.id}`, null);
    redraw();
  } catch { /* not synced yet, or offline: tried again next time */ }
}

async function startRound(app, traineeId) {
  try {
    const made = await call("POST", "", traineeId ? { trainee_id: traineeId } : {});
    app.toast(t("r_started"));
    app.navigate(`#/360/${made.id}`);
  } catch (err) { app.toast(err.offline ? t("r_offline") : reasonText(err.reason)); }
}

/** The rounds section of a trainee's page (her main supervisor may start one there). */
export async function roundsSection(app, traineeId, canStart) {
  styles();
  let rounds = [];
  try { rounds = await call("GET", `?trainee_id=${traineeId}`); } catch { return null; }
  const start = () => startRound(app, traineeId);
  const open = rounds.find((x) => x.status !== "released");
  return h("section.rounds", { "aria-labelledby": "tp-rounds" }, h("h2", { id: "tp-rounds" }, t("r_title")),
    rounds.length ? h("ul.cards", {}, rounds.map((x) => h("li", {}, h("a.card-link", { href: `#/360/${x.id}` },
      h("span.card-title", {}, `${t(`r_status_${x.status}`)} · ${t("r_deadline", x.deadline.slice(0, 10))}`),
      h("span.card-meta", {}, t("r_answered", x.answered, x.nominated), x.concerns ? ` · ⚠ ${x.concerns}` : "")))))
      : h("p.muted", {}, t("r_none")),
    canStart && !open ? h("button.primary", { type: "button", id: "round-start", onclick: start }, t("r_start")) : null);
}

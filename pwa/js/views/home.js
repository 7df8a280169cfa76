// The top of everyone's start page: what waits for me, then my people, a section per role I hold
// (GET /api/home, kept for offline use). The list of my assessments on this device follows below it.
import * as api from "../api.js";
import { addStrings, t, reasonText } from "../i18n.js";
import { h } from "../render/dom.js";
import {
  finalLine, flagList, fetchKept, formTitle, keptNote, placementNumbers, placementTitle, progressBar, startFinal, styles, timeline, wide,
} from "./supervision.js";

addStrings({
  sv: {
    home_waiting: "Väntar på mig", home_nothing: "Inget väntar på dig just nu.",
    do_fill: "Fyll i", do_sign: "Signera", do_acknowledge: "Kvittera", do_countersign: "Kontrasignera",
    do_start_final: "Starta slutbedömning", do_continue_final: "Fortsätt slutbedömning",
    do_round_concern: "360: ett svar med farhåga", plan_from_concern: "Starta handlingsplan", do_round_review: "360: rundan är stängd, gå igenom och släpp",
    home_trainee: "Min placering", my_360: "Min 360-bedömning", my_portfolio: "Portfölj, intygsutkast och mina uppgifter", home_admin: "Administration: personer, import och händelser", unit_settings: "Enhetens inställningar", home_no_placement: "Ingen placering registrerad än.",
    missing_signed_short: (m) => `${m.signed} av ${m.target} bedömningar signerade`, missing_final_missing: "Slutbedömning saknas",
    open_requests: (n) => `${n} öppna förfrågningar`, my_drafts: (n) => `${n} utkast`, my_page: "Min sida och delmål",
    home_clinical_supervisor: "Mina BT-läkare (klinisk handledare)", home_main_supervisor: "Mina BT-läkare (huvudhandledare)",
    home_studierektor: "Studierektor", home_nobody: "Inga BT-läkare just nu.",
    unit_line: (n, f) => `${n} BT-läkare, ${f} med flaggor`, open_overview: "Öppna enhetsöversikten",
    ends: (d) => `slutar ${d}`,
  },
  en: {
    home_waiting: "Waiting for me", home_nothing: "Nothing waits for you right now.",
    do_fill: "Fill in", do_sign: "Sign", do_acknowledge: "Acknowledge", do_countersign: "Countersign",
    do_start_final: "Start final assessment", do_continue_final: "Continue final assessment",
    do_round_concern: "360: an answer with a concern", plan_from_concern: "Start an action plan", do_round_review: "360: the round is closed, review and release",
    home_trainee: "My placement", my_360: "My 360 feedback", my_portfolio: "Portfolio, certificate drafts and my data", home_admin: "Administration: people, import and events", unit_settings: "The unit's settings", home_no_placement: "No placement registered yet.",
    missing_signed_short: (m) => `${m.signed} of ${m.target} assessments signed`, missing_final_missing: "Final assessment missing",
    open_requests: (n) => `${n} open requests`, my_drafts: (n) => `${n} drafts`, my_page: "My page and goals",
    home_clinical_supervisor: "My trainees (clinical supervisor)", home_main_supervisor: "My trainees (main supervisor)",
    home_studierektor: "Studierektor", home_nobody: "No trainees right now.",
    unit_line: (n, f) => `${n} trainees, ${f} flagged`, open_overview: "Open the unit overview",
    ends: (d) => `ends ${d}`,
  },
});

/** Draw the home sections into ``slot``; returns a redraw function. */
export async function mount(slot, main, app) {
  const supervises = ["clinical_supervisor", "main_supervisor", "studierektor"].some((r) => app.user.roles.includes(r));
  styles();
  const unwide = supervises ? wide(main) : null;
  const draw = async () => {
    let got;
    try {
      got = await fetchKept("home", api.home);
    } catch (err) {
      slot.replaceChildren(h("p.warn", { role: "alert" }, err.offline ? t("could_not_load") : reasonText(err.reason)));
      return;
    }
    // the action plans she oversees (HHL, studierektor): their module only when there are any
    const plans = got.value.plans?.length ? await import("./plans.js").catch(() => null) : null;
    slot.replaceChildren(...sections(app, got.value, got.keptAt), plans?.plansHome(app, got.value.plans));
    slot.dataset.ready = "1";
  };
  await draw();
  return { redraw: draw, dispose: () => unwide?.() };
}

function sections(app, home, keptAt) {
  const out = [keptNote(keptAt), waiting(app, home)];
  if (home.trainee) out.push(traineeSection(app, home.trainee));
  for (const role of ["clinical_supervisor", "main_supervisor"]) {
    if (home[role]) out.push(peopleSection(app, role, home[role]));
  }
  if (home.studierektor) out.push(studierektorSection(home.studierektor));
  if (app.user.roles.includes("admin")) {
    out.push(h("section.group", { id: "home-admin" }, h("p", {}, h("a.button", { href: "#/admin", id: "admin-link" }, t("home_admin")))));
  }
  return out.filter(Boolean);
}

function waiting(app, home) {
  const people = [...(home.clinical_supervisor || [])];
  const items = home.waiting.map((w) => {
    const label = t(`do_${w.kind}`);
    const what = w.form_id ? formTitle(app, w.form_id, w.form_version) : t("final_label");
    const meta = [w.trainee_name, w.placement, w.observed_on || (w.end_date ? t("ends", w.end_date) : null)].filter(Boolean).join(" · ");
    if (w.round_id) {
      // a concern in a 360 answer may call for a handlingsplan (seed 003): the HHL starts one from here
      const plan = w.kind === "round_concern" ? h("button.start-plan", { type: "button", "data-plan-flag": "msf_concern",
        onclick: async () => (await import("./plans.js")).startPlan(app, { trainee_id: w.trainee_id, name: w.trainee_name },
          { rule: "msf_concern", numbers: {} }) }, t("plan_from_concern")) : null;
      return h("li.waiting-item", { "data-kind": w.kind },
        h("a.card-link", { href: `#/360/${w.round_id}` }, h("span.card-title", {}, label), h("span.card-meta", {}, w.trainee_name)), plan);
    }
    if (w.kind === "start_final") {
      const trainee = people.find((p) => p.trainee_id === w.trainee_id);
      const placement = trainee?.placements.find((p) => p.placement_id === w.placement_id);
      return h("li.waiting-item", { "data-kind": w.kind },
        h("button.card-link.as-button", { type: "button", onclick: () => placement && startFinal(app, trainee, placement) },
          h("span.card-title", {}, label), h("span.card-meta", {}, meta)));
    }
    return h("li.waiting-item", { "data-kind": w.kind },
      h("a.card-link", { href: `#/a/${w.doc_id}` },
        h("span.card-title", {}, w.kind === "continue_final" ? label : `${label}: ${what}`), h("span.card-meta", {}, meta)));
  });
  return h("section.group.home-waiting", { "aria-labelledby": "h-waiting", id: "home-waiting" },
    h("h2", { id: "h-waiting" }, t("home_waiting"), " ", h("span.count-badge", {}, String(items.length))),
    items.length ? h("ul.cards", {}, items) : h("p.muted", {}, t("home_nothing")));
}

function traineeSection(app, mine) {
  const status = mine.status;
  const current = status?.placements.find((p) => p.placement_id === mine.current_placement_id);
  const body = current
    ? [h("p.placement-title", {}, h("strong", {}, placementTitle(current)), " ", h("span.muted", {}, t("period", current.start_date, current.end_date))),
      progressBar(current), placementNumbers(current),
      finalLine(current, { trainee: app.user.name, main_supervisor: status.main_supervisor })]
    : [h("p.muted", {}, t("home_no_placement"))];
  const missing = mine.missing.map((m) => h("li.missing", { "data-code": m.code }, t(`missing_${m.code}`, m)));
  return h("section.group.home-trainee", { id: "home-trainee", "aria-labelledby": "h-trainee" },
    h("h2", { id: "h-trainee" }, t("home_trainee")), h("div.card", {}, ...body,
      missing.length ? h("ul.missing-list", {}, missing) : null,
      h("p", {}, h("a", { href: "#/forfragningar" }, t("open_requests", mine.open_requests)), " · ", t("my_drafts", mine.drafts)),
      status ? h("p", {}, h("a", { href: `#/bt/${status.trainee_id}`, id: "my-page" }, t("my_page"))) : null,
      h("p", {}, h("a", { href: "#/360", id: "my-360" }, t("my_360"))),
      status ? h("p", {}, h("a", { href: `#/portfolj/${status.trainee_id}`, id: "my-portfolio" }, t("my_portfolio"))) : null));
}

function peopleSection(app, role, trainees) {
  const cards = trainees.map((tr) => h("li.person", { "data-trainee": tr.trainee_id },
    h("div.person-head", {}, h("a.person-name", { href: `#/bt/${tr.trainee_id}` }, tr.name),
      h("span.muted", {}, ` ${tr.programme} · ${tr.programme_unit}`)),
    role === "main_supervisor" ? timeline(tr.placements) : null,
    ...tr.placements.filter((p) => role === "clinical_supervisor" || p.phase === "current").map((p) => h("div.placement", {},
      h("p.placement-title", {}, placementTitle(p), " ", h("span.muted", {}, t("period", p.start_date, p.end_date))),
      progressBar(p), placementNumbers(p), finalLine(p, { trainee: tr.name, main_supervisor: tr.main_supervisor }))),
    flagList(tr.flags, tr.placements.length > 1 ? tr.placements : [])));
  return h(`section.group.home-${role}`, { id: `home-${role}`, "aria-labelledby": `h-${role}` },
    h("h2", { id: `h-${role}` }, t(`home_${role}`), " ", h("span.count-badge", {}, String(trainees.length))),
    cards.length ? h("ul.people", {}, cards) : h("p.muted", {}, t("home_nobody")));
}

function studierektorSection(units) {
  return h("section.group.home-studierektor", { id: "home-studierektor", "aria-labelledby": "h-sr" },
    h("h2", { id: "h-sr" }, t("home_studierektor")),
    h("ul.cards", {}, units.map((u) => h("li", {}, h("a.card-link", { href: `#/oversikt/${u.unit_id}`, "data-unit": u.unit_id },
      h("span.card-title", {}, u.unit), h("span.card-meta", {}, t("unit_line", u.trainees, u.flagged)),
      h("span.badge.todo", {}, t("open_overview"))),
      h("a.small", { href: `#/enhet/${u.unit_id}`, "data-unit-settings": u.unit_id }, t("unit_settings"))))));
}

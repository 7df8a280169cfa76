// Start an assessment: a trainee picks the form and the assessor standing beside them; an
// assessor or supervisor picks the form and the trainee. Lists are cached for offline use.
import * as api from "../api.js";
import { addStrings, t, tr } from "../i18n.js";
import { h } from "../render/dom.js";
import { kvGet, kvSet } from "../storage.js";
import { createDoc, newDocRecord } from "../docs.js";
import { nudge } from "../outbox.js";
import { iosGuidance, persist } from "../install.js";
import { fromPlacement } from "../placement.js";

addStrings({
  sv: {
    trainee_search: "Sök BT-läkare",
    trainee_search_help: "Skriv minst 3 bokstäver av namnet. Listan nedan har dem du redan har bedömt eller handleder.",
    new_title: "Ny bedömning", choose: "Välj…", start: "Starta", assessor_other: "Bedömaren finns inte i listan",
    no_forms: "Inga formulär att välja.",
  },
  en: {
    trainee_search: "Search trainee",
    trainee_search_help: "Type at least 3 letters of the name. The list below has those you have assessed or supervise.",
    new_title: "New assessment", choose: "Choose…", start: "Start", assessor_other: "The assessor is not in the list",
    no_forms: "No forms to choose.",
  },
});

async function cached(key, load) {
  try {
    const fresh = await load();
    await kvSet(key, fresh);
    return fresh;
  } catch {
    return (await kvGet(key)) || [];
  }
}

/** What a form that belongs to a placement (a Slutbedömning) takes from it; nothing for any other. */
const headerFrom = (form, placement) => (placement && form.workflow?.requires_placement ? fromPlacement(form, placement) : {});

/** The device's own day (not UTC): the day of the activity. */
const today = () => { const d = new Date(); d.setMinutes(d.getMinutes() - d.getTimezoneOffset()); return d.toISOString().slice(0, 10); };

/** Her supervisors, from her placements: the programme's HHL first, then each clinical supervisor. */
function supervisorsOf(own, mainOnly = false) {
  const found = new Map();
  for (const p of own) if (p.main_supervisor_id) found.set(p.main_supervisor_id, p.main_supervisor_name);
  if (!mainOnly) for (const p of own) if (p.clinical_supervisor_id) found.set(p.clinical_supervisor_id, p.clinical_supervisor_name);
  return [...found].map(([id, name]) => ({ id, name }));
}

export async function show(main, app) {
  const user = app.user;
  const isTrainee = user.roles.includes("trainee");
  // a 360 form belongs to a round (#/360), never started on its own
  // nor a follow-up, which is started from the document it follows up
  const forms = app.latestForms().filter((f) => !f.workflow?.in_round && !f.workflow?.follows_up
    && (f.workflow?.start || []).some((r) => user.roles.includes(r)));
  main.append(h("a.back", { href: "#/" }, "← ", t("back")), h("h1", {}, t("new_title")));
  const hint = iosGuidance();
  if (hint) main.append(hint);
  persist();
  if (!app.catalog) { main.append(h("p.warn", {}, t("catalog_missing"))); return; }
  if (!forms.length) { main.append(h("p.muted", {}, t("no_forms"))); return; }

  const formSelect = h("select", { id: "form-select", required: true },
    forms.map((f) => h("option", { value: `${f.id}:${f.version}` }, tr(f.title))));
  // her own choice stands, also when made before the placements and colleagues arrived
  formSelect.addEventListener("change", () => { formSelect.dataset.chosen = "1"; });
  const error = h("p.error", { role: "alert", hidden: true });
  const fields = h("div");
  // a handledningssamtal may be private between the two who met, from its start only (the server
  // refuses to close one that others may already have read)
  const privateBox = h("input", { type: "checkbox", id: "private-notes" });
  const privateOption = h("div", { hidden: true }, h("div.option", {}, privateBox,
    h("label", { htmlFor: "private-notes", className: "tap wide" }, t("private_notes"))),
    h("p.help", {}, t("private_notes_help")));
  const showPrivate = () => {
    const [id, version] = formSelect.value.split(":");
    privateOption.hidden = app.form(id, Number(version))?.workflow?.purpose !== "handledning";
  };
  formSelect.addEventListener("change", showPrivate);
  const form = h("form.card", { onsubmit: (e) => { e.preventDefault(); start(); } },
    h("label", { htmlFor: "form-select" }, t("form")), formSelect, fields, privateOption, error,
    h("button.primary", { type: "submit", id: "start" }, t("start")));
  main.append(form);

  const [placements, colleagues] = await Promise.all([
    cached("placements", api.placements),
    isTrainee ? cached("colleagues", () => api.colleagues("")) : cached("trainee_list", () => api.colleagues("", "trainee")),
  ]);

  let pick;
  if (isTrainee) {
    const own = placements.filter((p) => p.trainee_id === user.user_id);
    const current = own.find((p) => p.start_date <= today() && today() <= p.end_date) || own[own.length - 1];
    const placementSelect = own.length ? h("select", { id: "placement-select" },
      own.map((p) => h("option", { value: p.id, selected: p === current }, `${p.specialty} – ${p.unit}`))) : null;
    const assessorSelect = h("select", { id: "assessor-select" });
    const otherName = h("input", { id: "assessor-name", type: "text", autocomplete: "off" });
    const otherEmail = h("input", { id: "assessor-email", type: "email", autocomplete: "off" });
    const other = h("div", { hidden: true }, h("label", { htmlFor: "assessor-name" }, t("assessor_name")), otherName,
      h("label", { htmlFor: "assessor-email" }, t("assessor_email")), otherEmail);
    const assessorLabel = h("label", { htmlFor: "assessor-select" }, t("assessor"));
    // a Handledningssamtal is confirmed by one of her supervisors (her HHL, a clinical supervisor):
    // only they are offered, and nobody from outside
    let people = [];
    const showPeople = () => {
      const [id, version] = formSelect.value.split(":");
      const must = app.form(id, Number(version))?.workflow?.assessor_must_be;
      const supervisorsOnly = must === "supervisor" || must === "main_supervisor"; // an IUP: her HHL signs it
      people = supervisorsOnly ? supervisorsOf(own, must === "main_supervisor") : colleagues.filter((c) => c.id !== user.user_id);
      assessorLabel.textContent = t(supervisorsOnly ? "supervisor" : "assessor");
      assessorSelect.replaceChildren(h("option", { value: "" }, t("choose")),
        ...people.map((c) => h("option", { value: c.id }, c.title ? `${c.name}, ${c.title}` : c.name)),
        ...(supervisorsOnly ? [] : [h("option", { value: "other" }, t("assessor_other"))]));
      if (supervisorsOnly && people.length === 1) assessorSelect.value = String(people[0].id);
      other.hidden = true;
    };
    assessorSelect.addEventListener("change", () => { other.hidden = assessorSelect.value !== "other"; });
    formSelect.addEventListener("change", showPeople);
    fields.append(assessorLabel, assessorSelect, other);
    if (placementSelect) fields.append(h("label", { htmlFor: "placement-select" }, t("placement")), placementSelect);
    // the Mini-CEX the placement's unit offers first (1–9 or grad av självständighet)
    const offered = () => {
      const p = own.find((x) => String(x.id) === placementSelect?.value) || current;
      const f = forms.find((x) => x.id === p?.mini_cex_form);
      if (f && !formSelect.dataset.chosen) formSelect.value = `${f.id}:${f.version}`;
    };
    placementSelect?.addEventListener("change", offered);
    offered();
    showPeople();
    showPrivate();
    pick = () => {
      const meta = { trainee_id: user.user_id, placement_id: placementSelect ? Number(placementSelect.value) : undefined };
      if (assessorSelect.value === "other") {
        if (!otherName.value.trim()) return null;
        Object.assign(meta, { assessor_name: otherName.value.trim(), assessor_email: otherEmail.value.trim() || undefined });
        return { meta, traineeName: user.name, assessorName: meta.assessor_name };
      }
      const c = people.find((x) => String(x.id) === assessorSelect.value);
      if (!c) return null;
      meta.assessor_id = c.id;
      return { meta, traineeName: user.name, assessorName: c.name };
    };
  } else {
    const trainees = new Map();
    for (const p of placements) if (!trainees.has(p.trainee_id)) trainees.set(p.trainee_id, p);
    // the trainees one has a reason to pick (supervised, assessed before, asked by), kept for offline use
    for (const c of colleagues) if (!trainees.has(c.id)) trainees.set(c.id, { trainee_id: c.id, trainee_name: c.name });
    const traineeSelect = h("select", { id: "trainee-select" }, h("option", { value: "" }, t("choose")),
      [...trainees.values()].map((p) => h("option", { value: p.trainee_id }, p.trainee_name)));
    // Trainees one has not met here yet are found by name (3 letters or more), never listed wholesale.
    const search = h("input", { id: "trainee-search", type: "search", autocomplete: "off", "aria-describedby": "trainee-search-help" });
    let searching = 0;
    search.addEventListener("input", async () => {
      const q = search.value.trim(), mine = ++searching;
      if (q.length < 3) return;
      let found = [];
      try { found = await api.colleagues(q, "trainee"); } catch { return; }
      if (mine !== searching) return;
      for (const c of found) {
        if (trainees.has(c.id)) continue;
        trainees.set(c.id, { trainee_id: c.id, trainee_name: c.name });
        traineeSelect.append(h("option", { value: c.id }, c.name));
      }
      if (found.length) traineeSelect.value = String(found[0].id);
    });
    fields.append(h("label", { htmlFor: "trainee-search" }, t("trainee_search")), search,
      h("p.help", { id: "trainee-search-help" }, t("trainee_search_help")),
      h("label", { htmlFor: "trainee-select" }, t("trainee")), traineeSelect);
    showPrivate();
    pick = () => {
      const id = Number(traineeSelect.value);
      if (!id) return null;
      const own = placements.filter((p) => p.trainee_id === id);
      const current = own.find((p) => p.start_date <= today() && today() <= p.end_date) || own[own.length - 1];
      return { meta: { trainee_id: id, assessor_id: user.user_id, placement_id: current?.id }, traineeName: trainees.get(id).trainee_name, assessorName: user.name, placement: current };
    };
  }

  async function start() {
    const chosen = pick();
    const [id, version] = formSelect.value.split(":");
    const def = app.form(id, Number(version));
    if (!chosen || !def) {
      error.textContent = t("required");
      error.hidden = false;
      return;
    }
    const isPrivate = !privateOption.hidden && privateBox.checked ? true : undefined;
    const meta = Object.fromEntries(Object.entries({ ...chosen.meta, observed_on: today(), private: isPrivate }).filter(([, v]) => v !== undefined && v !== ""));
    const record = newDocRecord({ form: def, meta, traineeName: chosen.traineeName, assessorName: chosen.assessorName });
    await createDoc(record, meta, headerFrom(def, chosen.placement));
    nudge();
    app.navigate(`#/a/${record.doc_id}`);
  }
}

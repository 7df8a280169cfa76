// Administration (#/admin, admins only; laptop first, usable on a phone): import this term's trainees from a
// CSV (a dry run per row, then applied whole), the people with their roles (invite to set a password, close
// or open an account), and every admin action. An admin never reads assessment content here.
import * as api from "../api.js";
import { addStrings, t, reasonText } from "../i18n.js";
import { h } from "../render/dom.js";
import { wide } from "./supervision.js";

addStrings({
  sv: {
    ad_title: "Administration", ad_import: "Importera BT-läkare (CSV)",
    ad_import_help: "Kolumner: namn, e-post, program (BT/ST/AT), enhet, specialitet, start, slut, klinisk handledare (e-post), "
      + "huvudhandledare (e-post) och gärna typ. Först en provkörning; inget ändras förrän du genomför den.",
    ad_file: "CSV-fil", ad_dry: "Provkör", ad_apply: "Genomför importen", ad_line: "Rad", ad_person: "Person",
    ad_what: "Det här händer", ad_unchanged: "Ingen ändring", ad_summary: (p) => `${p.rows_total} rader: ${p.creates} skapas, `
      + `${p.changes} ändras, ${p.unchanged_rows} oförändrade, ${p.rows_with_errors} med fel.`,
    ad_fix: (n) => `${n} rader har fel. Rätta filen och provkör igen – ingenting importeras förrän alla rader är rätt.`,
    ad_done: (p) => `Klart: ${p.creates} skapade och ${p.changes} ändrade.`, ad_working: "Arbetar…",
    ad_people: "Personer", ad_invite: "Skicka inbjudan", ad_invited: (email) => `Inbjudan skickad till ${email}.`,
    ad_close: "Stäng konto", ad_open: "Öppna konto", ad_closed: "stängt", ad_close_confirm: (n) => `Stänga ${n}s konto? `
      + "Signaturer och historik finns kvar; pågående placeringar får en ny handledare.",
    ad_add: "Lägg till person", ad_name: "Namn", ad_roles: "Roller", ad_added: (email) => `${email} är tillagd och har fått en inbjudan.`,
    ad_unit_of: "Studierektor för", ad_show_rows: "Visa raderna", ad_search: "Sök person (namn, e-post, roll)", ad_add_placement: "Lägg till en placering",
    type_primarvard: "Primärvård", type_akut_sjukvard: "Akut sjukvård", type_psykiatri: "Psykiatri", type_annan: "Annan", ad_export: "Exportera uppgifter",
    ad_export_ask: (n) => `Vilken skriftlig begäran från ${n} gäller det? (datum, diarienummer – sparas i loggen)`,
    ad_exported: (n) => `Uppgifterna om ${n} är nedladdade; exporten är loggad.`,
    ad_events: "Händelser", ad_no_events: "Inga händelser än.", ad_units: "Enheter", ad_new_unit: "Ny enhet",
    ad_add_unit: "Lägg till", ad_unit_settings: "Inställningar: när någon ligger efter, handledningsrytm, 360, Mini-CEX",
    act_create_user: "Nytt konto", act_add_trainee_role: "Får rollen BT-läkare", act_create_programme: "Nytt program",
    act_change_hhl: "Ny huvudhandledare", act_create_placement: "Ny placering", act_change_placement: "Placeringen ändras",
    err_identity_number: "Personnummer – ta bort det. Raden importeras inte.", err_required: "Saknas",
    err_bad_email: "Inte en e-postadress", err_bad_date: "Skriv datum som ÅÅÅÅ-MM-DD", err_ends_before_start: "Slutar före start",
    err_unknown_programme_kind: "Programmet är BT, ST eller AT", err_unknown_unit: "Okänd enhet – lägg till den först",
    err_unknown_supervisor: "Ingen med den e-postadressen – lägg till personen först",
    err_not_a_supervisor: "Har inte den handledarrollen", err_unknown_type: "Okänd typ av placering",
    err_bad_rate: "Sysselsättningsgrad 1–100", err_duplicate_row: "Samma person och period som en tidigare rad",
    col_name: "namn", col_email: "e-post", col_programme: "program", col_unit: "enhet", col_specialty: "specialitet",
    col_start: "start", col_end: "slut", col_clinical_supervisor: "klinisk handledare", col_main_supervisor: "huvudhandledare",
    col_placement_type: "typ", col_employment_rate_percent: "sysselsättningsgrad",
    ev_invite: "bjöd in", ev_deactivate: "stängde kontot för", ev_activate: "öppnade kontot för", ev_import: "importerade en CSV",
    ev_export_person: "exporterade uppgifterna om", ev_create_user: "lade till", ev_create_unit: "lade till en enhet",
    ev_create_programme: "lade till ett program", ev_create_placement: "lade till en placering",
    ev_unit_settings: "ändrade en enhets inställningar",
    role_trainee: "BT-läkare", role_assessor: "Bedömare", role_clinical_supervisor: "Klinisk handledare",
    role_main_supervisor: "Huvudhandledare", role_studierektor: "Studierektor", role_admin: "Administratör",
  },
  en: {
    ad_title: "Administration", ad_import: "Import trainees (CSV)",
    ad_import_help: "Columns: name, e-mail, programme (BT/ST/AT), unit, specialty, start, end, clinical supervisor (e-mail), "
      + "main supervisor (e-mail) and, best, type. A dry run first; nothing changes until you apply it.",
    ad_file: "CSV file", ad_dry: "Dry run", ad_apply: "Apply the import", ad_line: "Line", ad_person: "Person",
    ad_what: "What happens", ad_unchanged: "No change", ad_summary: (p) => `${p.rows_total} rows: ${p.creates} created, `
      + `${p.changes} changed, ${p.unchanged_rows} unchanged, ${p.rows_with_errors} with errors.`,
    ad_fix: (n) => `${n} rows have errors. Fix the file and run it again – nothing is imported until every row is right.`,
    ad_done: (p) => `Done: ${p.creates} created and ${p.changes} changed.`, ad_working: "Working…",
    ad_people: "People", ad_invite: "Send invitation", ad_invited: (email) => `Invitation sent to ${email}.`,
    ad_close: "Close account", ad_open: "Open account", ad_closed: "closed", ad_close_confirm: (n) => `Close ${n}'s account? `
      + "Signatures and history stay; current placements get a new supervisor.",
    ad_add: "Add a person", ad_name: "Name", ad_roles: "Roles", ad_added: (email) => `${email} is added and invited.`,
    ad_unit_of: "Director of studies for", ad_show_rows: "Show the rows", ad_search: "Find a person (name, e-mail, role)", ad_add_placement: "Add a placement",
    type_primarvard: "Primary care", type_akut_sjukvard: "Acute care", type_psykiatri: "Psychiatry", type_annan: "Other", ad_export: "Export data",
    ad_export_ask: (n) => `Which written request from ${n} is this for? (date, reference – kept in the log)`,
    ad_exported: (n) => `The data about ${n} is downloaded; the export is logged.`,
    ad_events: "Events", ad_no_events: "No events yet.", ad_units: "Units", ad_new_unit: "New unit",
    ad_add_unit: "Add", ad_unit_settings: "Settings: when someone is behind, supervision rhythm, 360, Mini-CEX",
    act_create_user: "New account", act_add_trainee_role: "Gets the trainee role", act_create_programme: "New programme",
    act_change_hhl: "New main supervisor", act_create_placement: "New placement", act_change_placement: "The placement changes",
    err_identity_number: "A personnummer – remove it. The row is not imported.", err_required: "Missing",
    err_bad_email: "Not an e-mail address", err_bad_date: "Write dates as YYYY-MM-DD", err_ends_before_start: "Ends before it starts",
    err_unknown_programme_kind: "The programme is BT, ST or AT", err_unknown_unit: "Unknown unit – add it first",
    err_unknown_supervisor: "Nobody has that e-mail – add the person first",
    err_not_a_supervisor: "Does not have that supervisor role", err_unknown_type: "Unknown placement type",
    err_bad_rate: "Employment rate 1–100", err_duplicate_row: "The same person and period as an earlier row",
    col_name: "name", col_email: "e-mail", col_programme: "programme", col_unit: "unit", col_specialty: "specialty",
    col_start: "start", col_end: "end", col_clinical_supervisor: "clinical supervisor", col_main_supervisor: "main supervisor",
    col_placement_type: "type", col_employment_rate_percent: "employment rate",
    ev_invite: "invited", ev_deactivate: "closed the account of", ev_activate: "opened the account of", ev_import: "imported a CSV",
    ev_export_person: "exported the data of", ev_create_user: "added", ev_create_unit: "added a unit",
    ev_create_programme: "added a programme", ev_create_placement: "added a placement",
    ev_unit_settings: "changed a unit's settings",
    role_trainee: "Trainee", role_assessor: "Assessor", role_clinical_supervisor: "Clinical supervisor",
    role_main_supervisor: "Main supervisor", role_studierektor: "Director of studies", role_admin: "Administrator",
  },
});

const ROLES = ["trainee", "assessor", "clinical_supervisor", "main_supervisor", "studierektor", "admin"];
const problem = (err) => (err.offline ? t("could_not_load") : reasonText(err.reason));

export async function show(main, app) {
  const unwide = wide(main);
  main.append(h("h1", {}, t("ad_title")));
  if (!app.user.roles.includes("admin")) {
    main.append(h("p.warn", { role: "alert" }, reasonText("forbidden")));
    return { dispose: unwide };
  }
  const people = h("section.group", { id: "ad-people", "aria-labelledby": "h-people" }, h("h2", { id: "h-people" }, t("ad_people")));
  const events = h("section.group", { id: "ad-events", "aria-labelledby": "h-events" }, h("h2", { id: "h-events" }, t("ad_events")));
  const note = h("p", { id: "ad-note", role: "status" }); // kept across redraws: says what the last action did
  const refresh = async () => { await Promise.all([drawPeople(app, people, note, refresh), drawEvents(events)]); };
  const units = h("section.group", { id: "ad-units", "aria-labelledby": "h-units" }, h("h2", { id: "h-units" }, t("ad_units")));
  main.append(units, importSection(refresh), people, events);
  drawUnits(units);
  await refresh();
  return { dispose: unwide };
}

function importSection(refresh) {
  const file = h("input", { type: "file", id: "csv-file", accept: ".csv,text/csv" });
  const dry = h("button", { type: "button", id: "csv-dry" }, t("ad_dry"));
  const apply = h("button.primary", { type: "button", id: "csv-apply", hidden: true }, t("ad_apply"));
  const out = h("div", { id: "csv-result", "aria-live": "polite" });
  let text = "";
  const run = async (applying) => {
    if (!applying) text = file.files[0] ? await file.files[0].text() : "";
    dry.disabled = apply.disabled = true;
    out.replaceChildren(h("p.muted", {}, t("ad_working")));
    try {
      const plan = await api.request("POST", "/api/admin/import", { csv: text, apply: applying });
      out.replaceChildren(...planView(plan));
      apply.hidden = applying || !!plan.file_error || plan.rows_with_errors > 0 || !plan.rows_total;
      if (applying) await refresh();
    } catch (err) {
      out.replaceChildren(h("p.warn", { role: "alert" }, problem(err)));
    } finally { dry.disabled = apply.disabled = false; }
  };
  dry.addEventListener("click", () => run(false));
  apply.addEventListener("click", () => run(true));
  file.addEventListener("change", () => { apply.hidden = true; out.replaceChildren(); });
  return h("section.group", { id: "ad-import", "aria-labelledby": "h-import" }, h("h2", { id: "h-import" }, t("ad_import")),
    h("p.small", {}, t("ad_import_help")), h("p", {}, h("label", { for: "csv-file" }, t("ad_file"), " "), file),
    h("p", {}, dry, " ", apply), out);
}

function planView(plan) {
  if (plan.file_error) return [h("p.warn", { role: "alert", id: "csv-file-error" }, plan.file_error)];
  const head = plan.applied ? h("p.info", { id: "csv-summary", role: "status" }, t("ad_done", plan))
    : h("p", { id: "csv-summary" }, t("ad_summary", plan));
  const fix = !plan.applied && plan.rows_with_errors ? h("p.warn", { role: "alert" }, t("ad_fix", plan.rows_with_errors)) : null;
  // the rows to fix first, then the rest in the file's order
  const ordered = [...plan.rows.filter((r) => r.errors.length), ...plan.rows.filter((r) => !r.errors.length)];
  const rows = ordered.map((r) => h(`tr${r.errors.length ? ".row-error" : ""}`, { "data-line": r.line },
    h("td", {}, String(r.line)), h("td", {}, [r.name, r.email].filter(Boolean).join(" · ") || "–"),
    h("td", {}, r.errors.length
      ? h("ul.errors", {}, r.errors.map((e) => h("li", { "data-code": e.code }, `${t(`col_${e.column}`)}: ${t(`err_${e.code}`)}`)))
      : r.actions.length ? h("ul", {}, r.actions.map((a) => h("li", {}, `${t(`act_${a.what}`)}: ${a.detail}`)))
        : h("span.muted", {}, t("ad_unchanged")))));
  const table = h("div.table-scroll", {}, h("table.pf-table", { id: "csv-rows" },
    h("thead", {}, h("tr", {}, [t("ad_line"), t("ad_person"), t("ad_what")].map((x) => h("th", { scope: "col" }, x)))),
    h("tbody", {}, rows)));
  // once applied, the rows fold away (the people below are what she goes on with)
  return [head, fix, plan.applied ? h("details", {}, h("summary", {}, t("ad_show_rows")), table) : table].filter(Boolean);
}

async function drawPeople(app, section, note, refresh) {
  let users;
  try { users = await api.request("GET", "/api/admin/users"); } catch (err) {
    section.replaceChildren(section.firstChild, h("p.warn", { role: "alert" }, problem(err)));
    return;
  }
  const act = async (fn, done) => {
    try { await fn(); note.textContent = done; note.className = done ? "info" : ""; await refresh(); } catch (err) {
      note.textContent = problem(err); note.className = "warn";
    }
  };
  const list = h("ul.cards", { id: "ad-users" }, users.map((u) => h("li.card", { "data-email": u.email, "data-active": String(u.active) },
    h("strong", {}, u.name), " ", h("span.muted.small", {}, u.email), u.active ? null : h("span.badge", {}, ` ${t("ad_closed")}`),
    h("p.small", {}, u.roles.map((r) => t(`role_${r}`)).join(", ")),
    u.id === app.user.user_id ? null : h("p", {},
      u.active ? h("button.small", { type: "button", "data-invite": u.email, onclick: () => act(
        () => api.request("POST", `/api/admin/users/${u.id}/invite`, {}), t("ad_invited", u.email)) }, t("ad_invite")) : null, " ",
      u.active
        ? h("button.small", { type: "button", "data-close": u.email, onclick: () => confirm(t("ad_close_confirm", u.name))
          && act(() => api.request("POST", `/api/admin/users/${u.id}/deactivate`, {}), "") }, t("ad_close"))
        : h("button.small", { type: "button", onclick: () => act(() => api.request("POST", `/api/admin/users/${u.id}/activate`, {}), "") },
          t("ad_open")), " ",
      h("button.small", { type: "button", "data-export": u.email, onclick: () => exportPerson(u, note) }, t("ad_export"))))));
  const units = await api.request("GET", "/api/admin/units").catch(() => []);
  // a unit has hundreds of people: a filter by name, e-mail or role
  const search = h("input", { type: "search", id: "ad-search", placeholder: t("ad_search"), "aria-label": t("ad_search"),
    oninput: () => {
      const q = search.value.trim().toLowerCase();
      for (const li of list.children) li.hidden = !!q && !li.textContent.toLowerCase().includes(q);
    } });
  section.replaceChildren(section.firstChild, note, addPerson(act, units), addPlacement(users, units, note, refresh),
    h("p", {}, search), list);
}

function addPerson(act, units) {
  const name = h("input", { id: "new-name", autocomplete: "off", required: true });
  const email = h("input", { id: "new-email", type: "email", autocomplete: "off", required: true });
  const roles = ROLES.map((r) => h("label.check", {}, h("input", { type: "checkbox", value: r, "data-role": r }), " ", t(`role_${r}`)));
  // a studierektor is studierektor of one unit
  const unit = h("select", { id: "new-unit-of" }, units.map((u) => h("option", { value: String(u.id) }, u.name)));
  const unitRow = h("p", { hidden: true }, h("label", { for: "new-unit-of" }, t("ad_unit_of")), " ", unit);
  roles.find((l) => l.querySelector("[data-role='studierektor']"))?.querySelector("input")
    .addEventListener("change", (e) => { unitRow.hidden = !e.target.checked; });
  return h("details", { id: "ad-add" }, h("summary", {}, t("ad_add")), h("form.card", { onsubmit: (e) => {
    e.preventDefault();
    const chosen = roles.map((l) => l.querySelector("input")).filter((i) => i.checked).map((i) => i.value);
    act(async () => {
      const body = { name: name.value.trim(), email: email.value.trim(), roles: chosen };
      if (chosen.includes("studierektor")) body.studierektor_unit_id = Number(unit.value);
      const made = await api.request("POST", "/api/admin/users", body);
      await api.request("POST", `/api/admin/users/${made.id}/invite`, {});
    }, t("ad_added", email.value.trim()));
  } }, h("label", { for: "new-name" }, t("ad_name")), name, h("label", { for: "new-email" }, t("email")), email,
    h("fieldset.pf-sections", {}, h("legend", {}, t("ad_roles")), roles), unitRow,
    h("button.primary", { type: "submit" }, t("ad_add"))));
}

async function drawUnits(section) {
  const heading = section.firstChild;
  let units;
  try { units = await api.request("GET", "/api/admin/units"); } catch (err) {
    section.replaceChildren(heading, h("p.warn", { role: "alert" }, problem(err)));
    return;
  }
  const name = h("input", { id: "new-unit", autocomplete: "off", required: true });
  const note = h("p", { role: "status" });
  const form = h("form.pf-merge", { onsubmit: async (e) => {
    e.preventDefault();
    try {
      await api.request("POST", "/api/admin/units", { name: name.value.trim() });
      await drawUnits(section);
    } catch (err) { note.textContent = problem(err); note.className = "warn"; }
  } }, h("label", { for: "new-unit" }, t("ad_new_unit")), name, h("button", { type: "submit" }, t("ad_add_unit")), note);
  section.replaceChildren(heading, h("ul.cards", { id: "ad-unit-list" }, units.map((u) => h("li", {},
    h("a.card-link", { href: `#/enhet/${u.id}`, "data-unit": u.id }, h("span.card-title", {}, u.name),
      h("span.card-meta", {}, t("ad_unit_settings")))))), form);
}

/** One placement (and its programme, when the trainee has none at that unit yet): a one-row import, so that
 * it is checked, keyed and logged exactly as a file's rows are. */
function addPlacement(users, units, note, refresh) {
  const people = (role) => users.filter((u) => u.active && u.roles.includes(role));
  const select = (id, options, empty) => h("select", { id }, empty ? h("option", { value: "" }, "–") : null,
    options.map(([value, label]) => h("option", { value }, label)));
  const fields = {
    email: select("pl-trainee", people("trainee").map((u) => [u.email, u.name])),
    programme: select("pl-programme", ["BT", "ST", "AT"].map((k) => [k, k])),
    unit: select("pl-unit", units.map((u) => [u.name, u.name])),
    specialty: h("input", { id: "pl-specialty", required: true, autocomplete: "off" }),
    placement_type: select("pl-type", ["primarvard", "akut_sjukvard", "psykiatri", "annan"].map((k) => [k, t(`type_${k}`)]), true),
    start: h("input", { id: "pl-start", type: "date", required: true }),
    end: h("input", { id: "pl-end", type: "date", required: true }),
    rate: h("input", { id: "pl-rate", type: "number", min: "1", max: "100", value: "100" }),
    ks: select("pl-ks", people("clinical_supervisor").map((u) => [u.email, u.name]), true),
    hhl: select("pl-hhl", people("main_supervisor").map((u) => [u.email, u.name]), true),
  };
  const out = h("div", { id: "pl-result", "aria-live": "polite" });
  const label = (key, text) => [h("label", { for: fields[key].id }, text), fields[key]];
  const form = h("form.card", { onsubmit: async (e) => {
    e.preventDefault();
    const trainee = users.find((u) => u.email === fields.email.value);
    const cell = (v) => `"${String(v ?? "").replaceAll('"', '""')}"`;
    const csv = ["Namn;E-post;Program;Enhet;Specialitet;Start;Slut;Klinisk handledare;Huvudhandledare;Typ;Sysselsättningsgrad",
      [trainee?.name, fields.email.value, fields.programme.value, fields.unit.value, fields.specialty.value, fields.start.value,
        fields.end.value, fields.ks.value, fields.hhl.value, fields.placement_type.value, fields.rate.value].map(cell).join(";")].join("\n");
    try {
      const dry = await api.request("POST", "/api/admin/import", { csv });
      if (dry.file_error || dry.rows_with_errors) { out.replaceChildren(...planView(dry)); return; }
      const done = await api.request("POST", "/api/admin/import", { csv, apply: true });
      out.replaceChildren();
      note.textContent = t("ad_done", done);
      note.className = "info";
      await refresh();
    } catch (err) { out.replaceChildren(h("p.warn", { role: "alert" }, problem(err))); }
  } }, ...label("email", t("role_trainee")), ...label("programme", t("col_programme")), ...label("unit", t("col_unit")),
    ...label("specialty", t("col_specialty")), ...label("placement_type", t("col_placement_type")),
    ...label("start", t("col_start")), ...label("end", t("col_end")), ...label("rate", t("col_employment_rate_percent")),
    ...label("ks", t("col_clinical_supervisor")), ...label("hhl", t("col_main_supervisor")),
    h("button.primary", { type: "submit" }, t("ad_add_placement")), out);
  return h("details", { id: "ad-placement" }, h("summary", {}, t("ad_add_placement")), form);
}

/** A person's data for her written request (GDPR art. 15): the request is asked for, logged, and the JSON
 * downloaded here. */
async function exportPerson(user, note) {
  const request = prompt(t("ad_export_ask", user.name));
  if (!request || request.trim().length < 5) return;
  try {
    const data = await api.request("POST", `/api/admin/people/${user.id}/export`, { request: request.trim() });
    const link = h("a", { href: URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: "application/json" })),
      download: `bedside-uppgifter-${user.id}.json` });
    document.body.append(link);
    link.click();
    link.remove();
    note.textContent = t("ad_exported", user.name);
    note.className = "info";
  } catch (err) {
    note.textContent = problem(err);
    note.className = "warn";
  }
}

async function drawEvents(section) {
  let events;
  try { events = await api.request("GET", "/api/admin/events"); } catch (err) {
    section.replaceChildren(section.firstChild, h("p.warn", { role: "alert" }, problem(err)));
    return;
  }
  section.replaceChildren(section.firstChild, events.length ? h("ul", { id: "ad-event-list" }, events.map((e) => h("li", {},
    `${new Date(e.at).toLocaleString(document.documentElement.lang || "sv")} · ${e.actor_name} ${t(`ev_${e.action}`)}${e.subject_name ? ` ${e.subject_name}` : ""}`)))
    : h("p.muted", {}, t("ad_no_events")));
}

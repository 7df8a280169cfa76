// A signed assessment as a readable summary: the answers only (choices by their label, scale values
// with their band, texts as paragraphs), the delmål it showed, who signed, acknowledged and
// countersigned, and when; printable as a clean A4. The assessment view shows it in place of the
// input form once an assessment is signed (the read-only form stays behind "Visa hela formuläret").
// Loaded when first needed.
import { addStrings, getLang, t, tr } from "../i18n.js";
import { h } from "../render/dom.js";
import { goals, schemaAt } from "../render/form.js";
import * as choice from "../render/choice.js";
import { get } from "../pointer.js";
import { bySupervisor } from "../docs.js";
import { allDocs, kvGet } from "../storage.js";
import { titles } from "./header.js";

addStrings({
  sv: {
    sum_form: "Formulär", sum_version: (v) => `version ${v}`, sum_day: "Datum för aktiviteten", sum_goals: "BT-delmål som tillfället visade",
    sum_goal: "Delmål", sum_outcome: "Bedömning", sum_how: "Hur det har kontrollerats", sum_evidence: "Underlag",
    sum_next: "Nästa steg", sum_next_acknowledge: (n) => `kvitteras av ${n}`, sum_next_countersign: (n) => `kontrasigneras av ${n}`,
    sum_hhl: "huvudhandledaren", sum_signatures: "Signaturer", sum_signed: "Signerad av", sum_acknowledged: "Kvitterad av", sum_countersigned: "Kontrasignerad",
    sum_how_account: "med konto i Bedside", sum_how_link: (e) => `via förfrågningslänk, e-post ${e}`,
    sum_disputed: (d) => `Ifrågasatt ${d} av mottagaren av kvittot.`, sum_not_yet: "inte synkad än",
    sum_other_email: (e) => `Förfrågan skickades till ${e}, en annan adress än den bedömaren angav.`,
    sum_print: "Skriv ut", sum_pdf: "PDF för arkivet", sum_show_form: "Visa hela formuläret", sum_yes: "Ja", sum_no: "Nej",
    sum_form_hash: "Formulärets innehållshash", sum_doc_hash: "Svarens hash vid signering",
  },
  en: {
    sum_form: "Form", sum_version: (v) => `version ${v}`, sum_day: "Date of the activity", sum_goals: "BT goals this encounter showed",
    sum_goal: "Goal", sum_outcome: "Assessment", sum_how: "How it was checked", sum_evidence: "Evidence",
    sum_next: "Next step", sum_next_acknowledge: (n) => `to be acknowledged by ${n}`, sum_next_countersign: (n) => `to be countersigned by ${n}`,
    sum_hhl: "the main supervisor", sum_signatures: "Signatures", sum_signed: "Signed by", sum_acknowledged: "Acknowledged by", sum_countersigned: "Countersigned",
    sum_how_account: "with a Bedside account", sum_how_link: (e) => `through a request link, e-mail ${e}`,
    sum_disputed: (d) => `Disputed ${d} by the receipt's recipient.`, sum_not_yet: "not synced yet",
    sum_other_email: (e) => `The request was sent to ${e}, another address than the one the assessor gave.`,
    sum_print: "Print", sum_pdf: "PDF for the archive", sum_show_form: "Show the whole form", sum_yes: "Yes", sum_no: "No",
    sum_form_hash: "Content hash of the form", sum_doc_hash: "Hash of the answers when signed",
  },
});

/** A time from the server (UTC ISO) in the reader's clock: "2026-03-05 14:32". */
const when = (iso) => (iso ? new Date(iso).toLocaleString(getLang() === "sv" ? "sv-SE" : "en-GB", { dateStyle: "short", timeStyle: "short" }) : t("sum_not_yet"));
const empty = (v) => v == null || v === "" || (Array.isArray(v) && !v.length) || (typeof v === "object" && !Array.isArray(v) && !Object.keys(v).length);
const row = (label, ...value) => [h("dt", {}, label), h("dd", {}, ...value)];

/** A scale value: "6 – Tillfredsställande" (its band's label when the scale has bands), else the term's. */
function scaleText(value, vocab) {
  const term = vocab?.terms.find((x) => x.value === value);
  if (!term) return String(value);
  const band = vocab.bands?.find((b) => b.id === term.band);
  const name = tr(band ? band.label : term.label);
  return typeof value === "number" ? `${value} – ${name}` : name;
}

/** One answered field as text (null: nothing to show). */
function answer(form, field, value) {
  if (empty(value)) return null;
  const { prop, vocab } = schemaAt(form, field.field);
  if (field.widget === "scale") return h("dd", { "data-scale": JSON.stringify(value) }, scaleText(value, vocab));
  if (field.widget.startsWith("choice")) return h("dd", {}, choice.label(value, field, prop, vocab));
  if (field.widget === "textarea") return h("dd.text", {}, value);
  if (typeof value === "boolean") return h("dd", {}, value ? t("sum_yes") : t("sum_no"));
  return h("dd", {}, Array.isArray(value) ? value.join(", ") : String(value));
}

/** Slutbedömning's delmål rows: the goals assessed, their outcome, how it was checked, the evidence. */
function delmalTable(form, field, rows, docs, app) {
  const outcome = schemaAt(form, `${field.field}/BT1/outcome`);
  const shown = goals(form).filter((g) => !empty(rows?.[g.value]));
  if (!shown.length) return null;
  const evidence = (ids) => (ids || []).map((id) => {
    const d = docs.find((x) => x.doc_id === id);
    return h("a", { href: `#/a/${id}` }, d ? `${tr(app.form(d.form_id, d.form_version)?.title) || d.form_id} ${d.observed_on || ""}` : id.slice(0, 8));
  }).flatMap((a, i) => (i ? [", ", a] : [a]));
  return h("table.sum-delmal", {},
    h("thead", {}, h("tr", {}, [t("sum_goal"), t("sum_outcome"), t("sum_how"), t("sum_evidence")].map((x) => h("th", { scope: "col" }, x)))),
    h("tbody", {}, shown.map((g) => {
      const r = rows[g.value];
      return h("tr", {}, h("th", { scope: "row" }, `${g.value} ${tr(g.label)}`),
        h("td", {}, r.outcome ? choice.label(r.outcome, {}, outcome.prop, outcome.vocab) : "–"),
        h("td.text", {}, r.how_checked || "–"), h("td", {}, evidence(r.evidence)));
    })));
}

function sections(form, doc, docs, app) {
  const data = doc.data || {};
  return (form.ui.sections || []).map((s) => {
    const items = [];
    for (const field of s.fields) {
      const value = get(data, field.field);
      if (field.show_if && get(data, field.show_if.field) !== field.show_if.equals) continue;
      if (field.widget === "delmal") { items.push(delmalTable(form, field, value, docs, app)); continue; }
      const dd = answer(form, field, value);
      if (dd) items.push(h("dl.sum-row", { "data-pointer": field.field }, h("dt", {}, tr(field.label)), dd));
    }
    const shown = items.filter(Boolean);
    return shown.length ? h("section.sum-sec", {}, h("h2", {}, tr(s.title)), shown) : null;
  });
}

function signatures(doc, app, form) {
  const s = doc.server || {};
  const sig = s.signature;
  const me = app.user?.user_id;
  const signer = [sig?.name || doc.assessor_name, sig?.title, sig?.workplace].filter(Boolean).join(", ");
  const how = sig ? (sig.method === "link" ? t("sum_how_link", sig.email || "–") : t("sum_how_account")) : "";
  const countersigner = s.countersigner_name || (s.countersigned_by === `user:${me}` ? app.user.name : "");
  return h("section.sum-sec", { id: "sum-signatures" }, h("h2", {}, t("sum_signatures")),
    h("dl", {},
      row(t("sum_signed"), h("span", { id: "sum-signer" }, signer || "–"), h("br"), h("span", { id: "sum-signed-at" }, when(s.signed_at)), how ? ` · ${how}` : ""),
      sig?.invited_email && sig.email && sig.invited_email !== sig.email ? h("dd.warn", {}, t("sum_other_email", sig.invited_email)) : null,
      sig?.disputed_at ? h("dd.warn", { id: "disputed" }, t("sum_disputed", sig.disputed_at.slice(0, 10))) : null,
      ["acknowledged", "countersigned"].includes(doc.status) ? row(t("sum_acknowledged"), `${doc.trainee_name || "–"}`, h("br"), when(s.acknowledged_at),
        doc.reflection ? h("p.text", { id: "reflection-text" }, h("strong", {}, `${t("reflection_saved")}: `), doc.reflection) : null) : null,
      doc.status === "countersigned" ? row(t("sum_countersigned"), countersigner, countersigner ? h("br") : null, when(s.countersigned_at)) : null,
      nextStep(doc, form)));
}

/** Where the sign-off chain stands: whose step is next (none once it is done). */
function nextStep(doc, form) {
  const w = form.workflow || {};
  const s = doc.server || {};
  let who = null;
  if (doc.status === "signed" && w.acknowledge) who = t("sum_next_acknowledge", doc.trainee_name || "–");
  else if ((doc.status === "acknowledged" || (doc.status === "signed" && !w.acknowledge)) && w.countersign) {
    who = t("sum_next_countersign", s.main_supervisor_name || t("sum_hhl"));
  }
  return who ? row(t("sum_next"), h("strong", { id: "chain-next", "data-status": doc.status }, who)) : null;
}

/**
 * The summary of a signed `doc`, followed by the read-only `formEl` behind a disclosure.
 */
export async function render(doc, form, app, formEl) {
  const docs = await allDocs();
  const placements = (await kvGet("placements")) || [];
  const colleagues = (await kvGet("colleagues")) || [];
  const p = placements.find((x) => x.id === doc.placement_id);
  const title = doc.server?.signature?.title || colleagues.find((c) => c.id === doc.assessor_id)?.title;
  const names = titles(app);
  const s = doc.server || {};
  return [
    h("article.summary", { id: "summary", "data-doc": doc.doc_id, "data-ready": "1" },
      h("dl.sum-head", {},
        row(t("sum_form"), `${tr(form.title)}, ${t("sum_version", form.version)}`),
        doc.observed_on ? row(t("sum_day"), h("span", { id: "sum-day" }, doc.observed_on)) : null,
        p ? row(t("placement"), h("span", { id: "sum-placement" }, `${p.specialty} – ${p.unit}`)) : null,
        row(t(bySupervisor(form) ? "supervisor" : "assessor"), [doc.assessor_name || "–", title].filter(Boolean).join(", ")),
        row(t("trainee"), doc.trainee_name || "–")),
      doc.delmal?.length ? h("section.sum-sec", { id: "sum-goals" }, h("h2", {}, t("sum_goals")),
        h("ul.ticks", {}, doc.delmal.map((g) => h("li", {}, `✓ ${g} ${names.has(g) ? tr(names.get(g)) : ""}`)))) : null,
      sections(form, doc, docs, app),
      signatures(doc, app, form),
      h("p.sum-foot", {}, `${tr(form.title)} ${t("sum_version", form.version)} · ${t("sum_form_hash")}: ${s.form_hash || form.content_hash || "–"}`,
        s.content_hash ? [h("br"), `${t("sum_doc_hash")}: ${s.content_hash}`] : null),
      h("p.sum-actions", {}, h("button", { type: "button", id: "print", onclick: () => window.print() }, t("sum_print")),
        // the archival PDF is made on the server for a logged-in reader (a link holder's device has no session)
        app.user && !app.user.link_doc ? [" ", h("a.button", { href: `/api/assessments/${encodeURIComponent(doc.doc_id)}/pdf`,
          id: "pdf-link", target: "_blank", rel: "noopener" }, t("sum_pdf"))] : null)),
    h("details.form-details", {}, h("summary", {}, t("sum_show_form")), formEl),
  ];
}

// The portfolio and certificate drafts of one trainee (for her, her HHL and her studierektor): choose what
// the portfolio PDF holds, read the drafts of Socialstyrelsen's BT certificates line by line with links to
// the evidence, and download them. The PDFs are made on the server: this screen needs the network.
import * as api from "../api.js";
import { addStrings, t, reasonText } from "../i18n.js";
import { h } from "../render/dom.js";
import { fetchKept, keptNote, wide } from "./supervision.js";

const SECTIONS = ["placements", "assessments", "delmal", "iup", "handledning", "plans"];
const DEFAULT = new Set(["placements", "assessments", "delmal", "iup", "handledning"]);

addStrings({
  sv: {
    pf_title: "Portfölj och intyg", pf_pdf_title: "Portfölj för extern bedömning",
    pf_pdf_help: "Välj vad portföljen ska innehålla. Den blir en PDF med innehållsförteckning och sidnummer. "
      + "Bara signerade dokument kommer med, och anteckningar från handledningssamtal skrivs aldrig ut.",
    pf_placements: "Placeringar (tidslinje, typ, sysselsättningsgrad, frånvaro)",
    pf_assessments: "Slutbedömningar och bedömningar per placering", pf_delmal: "Delmålsmatris BT1–BT18",
    pf_iup: "IUP och uppföljningar", pf_handledning: "Handledning (datum och slag)",
    pf_plans: "Handlingsplaner (utan bakomliggande faktorer)",
    pf_make: "Skapa portfölj (PDF)", pf_none_chosen: "Välj minst en del.",
    pf_service: "Intyg om fullgjord bastjänstgöring", pf_period: "Period", pf_where: "Tjänstgöringsställe",
    pf_type: "Typ", pf_rate: "Syssels.", pf_absence: "Frånvaro", pf_months: "Heltidsmån.",
    pf_total: (all, pv, akut) => `Heltidsmånader: ${all} totalt, varav primärvård ${pv} och akut sjukvård ${akut}.`,
    pf_ongoing: "pågår – planerad period", pf_empty: (codes) => `Utan underlag än: ${codes}.`,
    pf_delmal_title: "Intyg om delmål", pf_draft: "Utkast att föra över till Socialstyrelsens blankett – inget intyg i sig.",
    pf_merge: "Slå ihop delmål på ett intyg (t.ex. BT3+BT4, BT6+BT7)", pf_merge_apply: "Uppdatera",
    pf_activities: "Utbildningsaktiviteter", pf_checked: "Hur det kontrollerats", pf_no_evidence: "Inga signerade bedömningar än.",
    pf_issuer: "Intygande", pf_copy: "Kopiera texten", pf_copied: "Texten är kopierad.",
    pf_cert_pdf: "Intygsutkast (PDF)", pf_offline: "Portföljen och intygen görs på servern – anslut till nätet.",
    pf_mine: "Mina uppgifter", pf_mine_help: "Allt Bedside har sparat om dig, som en JSON-fil (dataskyddsförordningen, artikel 15).",
    pf_mine_link: "Ladda ner mina uppgifter",
  },
  en: {
    pf_title: "Portfolio and certificates", pf_pdf_title: "Portfolio for the external assessment",
    pf_pdf_help: "Choose what the portfolio holds. It becomes a PDF with contents and page numbers. "
      + "Only signed documents are included, and supervision notes are never printed.",
    pf_placements: "Placements (timeline, type, employment rate, absence)",
    pf_assessments: "Final and other assessments per placement", pf_delmal: "Goal matrix BT1–BT18",
    pf_iup: "IUP and follow-ups", pf_handledning: "Supervision (dates and kinds)",
    pf_plans: "Action plans (without underlying factors)",
    pf_make: "Make portfolio (PDF)", pf_none_chosen: "Choose at least one part.",
    pf_service: "Certificate of completed BT service", pf_period: "Period", pf_where: "Place of service",
    pf_type: "Type", pf_rate: "Rate", pf_absence: "Absence", pf_months: "Full-time mo.",
    pf_total: (all, pv, akut) => `Full-time months: ${all} in all, of which primary care ${pv} and acute care ${akut}.`,
    pf_ongoing: "ongoing – planned period", pf_empty: (codes) => `No evidence yet: ${codes}.`,
    pf_delmal_title: "Certificates of goals", pf_draft: "A draft to transfer to Socialstyrelsen's form – not a certificate itself.",
    pf_merge: "Merge goals on one certificate (e.g. BT3+BT4, BT6+BT7)", pf_merge_apply: "Update",
    pf_activities: "Training activities", pf_checked: "How it was checked", pf_no_evidence: "No signed assessments yet.",
    pf_issuer: "Issued by", pf_copy: "Copy the text", pf_copied: "The text is copied.",
    pf_cert_pdf: "Certificate drafts (PDF)", pf_offline: "The portfolio and certificates are made on the server – connect to the network.",
    pf_mine: "My data", pf_mine_help: "Everything Bedside holds about you, as a JSON file (GDPR, article 15).",
    pf_mine_link: "Download my data",
  },
});

const months = (n) => n.toLocaleString("sv-SE", { minimumFractionDigits: 1, maximumFractionDigits: 1 });

export async function show(main, app, arg) {
  const unwide = wide(main);
  const id = Number(arg);
  const body = h("div", { id: "portfolio", "aria-busy": "true" }, h("p.muted", {}, t("loading")));
  main.append(h("a.back", { href: `#/bt/${id}` }, "← ", t("back")), h("h1", {}, t("pf_title")), body);
  let merged = "";
  let shown = null; // the drafts on screen: a refused merge keeps them, with the reason beside the field
  const load = async (asked = "") => {
    body.setAttribute("aria-busy", "true");
    const remerge = (value) => load(value);
    try {
      const path = `/api/trainees/${id}/certificates${asked ? `?merged=${encodeURIComponent(asked)}` : ""}`;
      const got = await fetchKept(`certificates-${id}-${asked}`, () => api.request("GET", path));
      shown = got.value;
      merged = asked;
      body.replaceChildren(...page(app, id, shown, merged, remerge, null, got.keptAt));
    } catch (err) {
      const message = err.offline ? t("pf_offline") : reasonText(err.reason);
      body.replaceChildren(...(shown && !err.offline ? page(app, id, shown, merged, remerge, { asked, message })
        : [h("p.warn", { role: "alert" }, message)]));
    }
    body.setAttribute("aria-busy", "false");
  };
  await load();
  return { dispose: unwide };
}

function page(app, id, drafts, merged, remerge, refused = null, keptAt = null) {
  const parts = [
    h("p.muted", { id: "pf-trainee" }, `${drafts.trainee_name} · ${drafts.programme}`),
    keptNote(keptAt), keptAt ? h("p.warn", { id: "pf-offline", role: "status" }, t("pf_offline")) : null,
    portfolioChooser(id),
    serviceCertificate(drafts.service),
    delmalCertificates(app, id, drafts.delmal, merged, remerge, refused),
    app.user.user_id === id ? h("section.group", { id: "my-data", "aria-labelledby": "h-mine" },
      h("h2", { id: "h-mine" }, t("pf_mine")), h("p.small", {}, t("pf_mine_help")),
      h("a.button", { href: "/api/me/export", download: "", id: "my-data-link" }, t("pf_mine_link"))) : null,
  ].filter(Boolean);
  // a kept copy, offline: read it, but what the server makes (the PDFs, the export) waits for the network
  if (keptAt) parts.forEach((el) => el.querySelectorAll?.("a.button").forEach((a) => a.setAttribute("aria-disabled", "true")));
  return parts;
}

function portfolioChooser(id) {
  const link = h("a.button.primary", { id: "portfolio-pdf", target: "_blank", rel: "noopener" }, t("pf_make"));
  const note = h("p.warn.small", { role: "status", hidden: true }, t("pf_none_chosen"));
  const boxes = SECTIONS.map((s) => h("input", { type: "checkbox", name: "section", value: s, id: `pf-${s}`, checked: DEFAULT.has(s) }));
  const update = () => {
    const chosen = boxes.filter((b) => b.checked).map((b) => b.value);
    note.hidden = chosen.length > 0;
    link.toggleAttribute("aria-disabled", !chosen.length);
    link.href = chosen.length ? `/api/trainees/${id}/portfolio.pdf?sections=${chosen.join(",")}` : "#";
  };
  link.addEventListener("click", (e) => { if (link.hasAttribute("aria-disabled")) e.preventDefault(); });
  boxes.forEach((b) => b.addEventListener("change", update));
  update();
  return h("section.group", { id: "pf-portfolio", "aria-labelledby": "h-pf" },
    h("h2", { id: "h-pf" }, t("pf_pdf_title")), h("p.small", {}, t("pf_pdf_help")),
    h("fieldset.pf-sections", {}, h("legend.visually-hidden", {}, t("pf_pdf_title")),
      boxes.map((b) => h("label.check", { for: b.id }, b, " ", t(`pf_${b.value}`)))),
    note, h("p", {}, link));
}

function serviceCertificate(s) {
  return h("section.group", { id: "pf-service", "aria-labelledby": "h-service" },
    h("h2", { id: "h-service" }, t("pf_service")), h("p.small.muted", {}, t("pf_draft")),
    h("div.table-scroll", {}, h("table.pf-table", {},
      h("thead", {}, h("tr", {}, [t("pf_period"), t("pf_where"), t("pf_type"), t("pf_rate"), t("pf_absence"), t("pf_months")]
        .map((x) => h("th", { scope: "col" }, x)))),
      h("tbody", {}, s.placements.map((p) => h("tr", { "data-placement": p.placement_id },
        h("td", { "data-label": t("pf_period") }, `${p.start_date} – ${p.end_date}`,
          p.ongoing ? h("span.small.muted", {}, ` (${t("pf_ongoing")})`) : null),
        h("td", { "data-label": t("pf_where") }, `${p.unit} (${p.specialty})`), h("td", { "data-label": t("pf_type") }, p.type_label),
        h("td", { "data-label": t("pf_rate") }, `${p.employment_rate_percent} %`),
        h("td", { "data-label": t("pf_absence") }, String(p.absence_days)),
        h("td", { "data-label": t("pf_months") }, months(p.full_time_months))))))),
    h("p", { id: "pf-months" }, t("pf_total", months(s.total_months), months(s.primarvard_months), months(s.akut_sjukvard_months))));
}

function delmalCertificates(app, id, certificates, merged, remerge, refused) {
  const input = h("input", { type: "text", id: "pf-merge", value: refused ? refused.asked : merged, placeholder: "BT3+BT4",
    autocomplete: "off", "aria-describedby": refused ? "pf-merge-error" : null, "aria-invalid": refused ? "true" : null });
  const form = h("form.pf-merge", { onsubmit: (e) => { e.preventDefault(); remerge(input.value.trim()); } },
    h("label", { for: "pf-merge" }, t("pf_merge")), input, h("button", { type: "submit" }, t("pf_merge_apply")),
    refused ? h("p.warn", { id: "pf-merge-error", role: "alert" }, refused.message) : null);
  // a delmål without any evidence yet is named once, not given a card of dashes
  const empty = certificates.filter((c) => !c.checked.length && !c.activities.length);
  const withEvidence = certificates.filter((c) => c.checked.length || c.activities.length);
  const pdf = h("a.button", { id: "certificates-pdf", target: "_blank", rel: "noopener",
    href: `/api/trainees/${id}/certificates.pdf${merged ? `?merged=${encodeURIComponent(merged)}` : ""}` }, t("pf_cert_pdf"));
  return h("section.group", { id: "pf-delmal", "aria-labelledby": "h-delmal" },
    h("h2", { id: "h-delmal" }, t("pf_delmal_title")), h("p.small.muted", {}, t("pf_draft")), form, h("p", {}, pdf),
    empty.length ? h("p.small", { id: "pf-empty" }, t("pf_empty", empty.map((c) => c.delmal.join("+")).join(", "))) : null,
    h("ul.cards.pf-certs", {}, withEvidence.map((c) => h("li.card", { "data-delmal": c.delmal.join("+") },
      h("h3", {}, c.delmal.map((code, i) => `${code} ${c.titles[i]}`).join(" · ")),
      h("h4", {}, t("pf_activities")),
      c.activities.length ? h("ul", {}, c.activities.map((line) => h("li", {}, line.text))) : h("p.muted.small", {}, "–"),
      h("h4", {}, t("pf_checked")),
      c.checked.length
        ? h("ul.pf-checked", {}, c.checked.map((line) => h("li", {}, line.text, " ",
          ...line.links.map((href, i) => h("a.small", { href, "aria-label": `${line.text}, ${i + 1}` }, `[${i + 1}]`)))))
        : h("p.muted.small", {}, t("pf_no_evidence")),
      c.checked_text ? h("button.small", { type: "button", onclick: () => copy(app, c.checked_text) }, t("pf_copy")) : null,
      h("p.small.muted", {}, `${t("pf_issuer")}: ${[c.issuer.name, c.issuer.specialty, c.issuer.workplace].filter(Boolean).join(", ") || "–"}`)))));
}

async function copy(app, text) {
  try { await navigator.clipboard.writeText(text); app.toast(t("pf_copied")); } catch { /* no clipboard: the text stays on screen */ }
}

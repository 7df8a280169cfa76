// Requests: the trainee asks (e-mail or bedside QR, kept on the device for offline use) and follows
// them up. The e-mailed link goes to the assessor only; a bedside request's QR code is shown until the
// assessor's phone claims it (the assessor's side is views/answer.js). A new request starts on the form
// asked for last (Mini-CEX the first time); a completed one leads to its assessment.
import * as api from "../api.js";
import { addStrings, t, tr, reasonText } from "../i18n.js";
import { h } from "../render/dom.js";
import { kvGet, kvSet } from "../storage.js";
import { identityMessage } from "../render/text.js";
import { containsIdentityNumber } from "../personnummer.js";

addStrings({
  sv: {
    reasons: {
      anonymous_by_email: "En 360-bedömare svarar bara via e-postlänk, så att svaret förblir anonymt.",
      no_qr: "Det finns ingen QR-kod att visa: förfrågan gick med e-post, är redan öppnad hos bedömaren eller är avslutad.",
      no_email: "En förfrågan vid patienten har ingen e-post att påminna; visa QR-koden igen.",
      request_closed: "Förfrågan är avslutad och kan inte ändras.",
    },
    rq_how: "Hur?", rq_bedside: "Här vid patienten (QR-kod)", rq_email: "Länk med e-post",
    rq_message: "Meddelande", rq_create: "Skicka förfrågan", rq_scan: "Bedömaren skannar koden med mobilkameran.",
    rq_link: "Länken", rq_do_remind: "Påminn", rq_do_renew: "Förnya", rq_do_withdraw: "Återkalla",
    rq_sent: "Skickad", rq_opened: "Öppnad", rq_in_progress: "Påbörjad", rq_completed: "Klar", rq_declined: "Avböjd",
    rq_withdrawn: "Återkallad", rq_expired: "Utgången",
    rq_scan_once: "Koden fungerar på en telefon: den som skannar först fyller i.",
    rq_claimed: "Öppnad på bedömarens telefon.", rq_mailed: (a) => `Länken har skickats till ${a}.`,
    rq_open_doc: "Öppna bedömningen",
  },
  en: {
    reasons: {
      anonymous_by_email: "A 360 rater answers by e-mail link only, so that the answer stays anonymous.",
      no_qr: "There is no QR code to show: the request went by e-mail, was opened by the assessor already, or is closed.",
      no_email: "A bedside request has no e-mail to remind; show the QR code again.",
      request_closed: "The request is closed and cannot change.",
    },
    rq_how: "How?", rq_bedside: "Here at the bedside (QR code)", rq_email: "Link by e-mail",
    rq_message: "Message", rq_create: "Send request", rq_scan: "The assessor scans the code with the phone camera.",
    rq_link: "The link", rq_do_remind: "Remind", rq_do_renew: "Renew", rq_do_withdraw: "Withdraw",
    rq_sent: "Sent", rq_opened: "Opened", rq_in_progress: "In progress", rq_completed: "Completed", rq_declined: "Declined",
    rq_withdrawn: "Withdrawn", rq_expired: "Expired",
    rq_scan_once: "The code works on one phone: whoever scans it first fills it in.",
    rq_claimed: "Opened on the assessor's phone.", rq_mailed: (a) => `The link was sent to ${a}.`,
    rq_open_doc: "Open the assessment",
  },
});

async function load(fresh) {
  try { fresh = await api.requests(); await kvSet("requests", fresh); } catch { fresh = await kvGet("requests"); }
  return fresh || [];
}
const keep = async (r) => kvSet("requests", [r, ...((await kvGet("requests")) || []).filter((x) => x.id !== r.id)]);

export async function show(main, app, arg) {
  const id = location.hash.startsWith("#/forfragan/") && arg;
  const body = h("div");
  main.append(h("a.back", { href: id ? "#/forfragningar" : "#/" }, "← ", t("back")), body);
  const draw = () => (id ? detail : list)(body, app, id);
  await draw();
  return { onSync: draw };
}

const formTitle = (app, r) => tr(app.form(r.form_id, r.form_version)?.title) || r.form_id;

async function list(body, app) {
  const all = await load();
  const forms = app.latestForms().filter((f) => f.workflow?.sign === "assessor" && f.workflow.start?.includes("trainee"));
  const sel = (...o) => h("select", {}, o.map(([v, l]) => h("option", { value: v }, l)));
  const fields = [["form", t("form"), sel(...forms.map((f) => [f.id, tr(f.title)]))],
    ["channel", t("rq_how"), sel(["bedside", t("rq_bedside")], ["email", t("rq_email")])],
    ["name", t("assessor_name"), h("input", { type: "text" })], ["email", t("assessor_email"), h("input", { type: "email" })],
    ["message", t("rq_message"), h("textarea", { rows: 2 })]];
  const val = Object.fromEntries(fields.map(([k, , el]) => [k, () => el.value.trim() || null]));
  // the form asked for last, else Mini-CEX (not the catalog's first)
  const last = await kvGet("last_request_form");
  fields[0][2].value = [last, "mini-cex"].find((id) => forms.some((f) => f.id === id)) || forms[0]?.id || "";
  const error = h("p.error", { role: "alert", hidden: true });
  // a personnummer is flagged as it is typed, and never sent
  const flagged = fields.filter(([k]) => k !== "form" && k !== "channel").map(([k, , el]) => {
    const warn = h("p.error", { id: `rq-${k}-pn`, role: "alert", hidden: true });
    el.setAttribute("aria-describedby", warn.id);
    const check = () => { const bad = containsIdentityNumber(el.value); warn.hidden = !bad; warn.textContent = bad ? identityMessage() : ""; el.setAttribute("aria-invalid", bad ? "true" : "false"); return bad; };
    el.addEventListener("input", check);
    return { k, el, warn, check };
  });
  const warnOf = (k) => flagged.find((f) => f.k === k)?.warn;
  body.replaceChildren(h("h1", {}, t("rq_title")), h("form.card", { onsubmit: async (e) => {
    e.preventDefault();
    const bad = flagged.filter((f) => f.check());
    if (bad.length) { bad[0].el.focus(); return; }
    try {
      const made = await api.requests("", { form_id: val.form(), channel: val.channel(), assessor_name: val.name(), assessor_email: val.email(), message: val.message() });
      await keep(made);
      await kvSet("last_request_form", made.form_id);
      app.navigate(`#/forfragan/${made.id}`);
    } catch (err) { error.textContent = err.offline ? t("rq_network") : reasonText(err.reason); error.hidden = false; }
  } }, fields.map(([k, label, el]) => [h("label", { htmlFor: `rq-${k}` }, label), Object.assign(el, { id: `rq-${k}` }), warnOf(k)]), error,
  h("button.primary", { type: "submit", id: "rq-create" }, t("rq_create"))),
  h("ul.cards", {}, all.map((r) => h("li", { "data-request": r.id }, h("a.card-link", { href: r.status === "completed" ? `#/a/${r.assessment_id}` : `#/forfragan/${r.id}` },
    h("span.card-title", {}, formTitle(app, r), " · ", r.assessor_name),
    h("span.card-meta", {}, `${t(`rq_${r.status}`)} · ${r.created_at.slice(0, 10)}`))))));
}

async function detail(body, app, id) {
  const r = (await load()).find((x) => x.id === id);
  if (!r) return body.replaceChildren(h("h1", {}, t("not_found")));
  const open = ["sent", "opened", "in_progress"].includes(r.status);
  const step = (s, show) => show && h("button", { type: "button", id: `rq-${s}`, onclick: async () => {
    try { await keep(await api.requests(`/${r.id}/${s}`, {})); detail(body, app, id); } catch (err) { app.toast(err.offline ? t("rq_network") : reasonText(err.reason)); }
  } }, t(`rq_do_${s}`));
  const qr = h("div.qr", { id: "qr", role: "img", "aria-label": t("rq_link") });
  qr.innerHTML = (r.channel === "bedside" && r.qr_svg) || ""; // segno
  const bedside = r.channel === "bedside"; // an e-mailed link is never shown as a QR code
  body.replaceChildren(h("div", {}, h("h1", {}, formTitle(app, r)),
    h("p.meta", {}, `${t("assessor")}: ${r.assessor_name} · `, h("span.status", { id: "request-status", "data-status": r.status }, t(`rq_${r.status}`))),
    r.decline_reason ? h("p.warn", {}, r.decline_reason) : null,
    open && bedside && r.qr_svg ? [h("p", {}, t("rq_scan")), qr, h("p.muted", {}, t("rq_scan_once"))] : null,
    r.status === "completed" ? h("p", {}, h("a.button", { href: `#/a/${r.assessment_id}`, id: "rq-open-doc" }, t("rq_open_doc"))) : null,
    open && r.claimed ? h("p.info", { id: "rq-claimed" }, t("rq_claimed")) : null,
    open && r.channel === "email" ? h("p.muted", { id: "rq-mailed" }, t("rq_mailed", r.assessor_email)) : null,
    h("div.actions", {}, step("remind", open && r.assessor_email), step("renew", !["completed", "withdrawn"].includes(r.status)), step("withdraw", open))));
}

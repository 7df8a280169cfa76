// The assessor opens #/svar/<token> (from the e-mail or the trainee's QR code), without an account.
// She says who she is (name, title, workplace, e-mail: a signature needs all four, and the receipt
// goes to that address) and opens the form: this phone then claims the request, or, offline, claims
// it at its first sync. A logged-in colleague answers with her own login instead.
import * as api from "../api.js";
import { addStrings, t, reasonText } from "../i18n.js";
import { h } from "../render/dom.js";
import { identityMessage } from "../render/text.js";
import { containsIdentityNumber, newId } from "../personnummer.js";
import { getDoc, kvGet, kvSet, outboxAll, putDoc } from "../storage.js";
import { flush, resume } from "../outbox.js";
import { overlay } from "../docs.js";
import { claimLink, getLink, linkUser, newDeviceKey, saveLink } from "../link.js";

addStrings({
  sv: {
    reasons: {
      not_an_assessor: "Ditt konto kan inte bedöma. Logga ut och öppna länken igen för att svara utan konto.",
      device_key_in_use: "Telefonens nyckel används redan för en annan förfrågan; öppna länken igen.",
      displaced_limit: "Det finns redan flera andra svar sparade för den här förfrågan.",
      link_claimed: "Förfrågan har redan öppnats på en annan enhet, och bara den kan svara. Var det inte du? Säg till BT-läkaren – hen kan återkalla och be igen.",
      own_request: "Det här är din egen förfrågan. Visa QR-koden för kollegan som bedömer dig – du kan inte svara själv.",
      claim_first: "Öppna förfrågan på telefonen som ska fylla i den först.",
      claimed_here: "Den här enheten har redan förfrågan.",
      link_unknown: "Okänd länk. Kom hela länken med?",
      link_missing: "Länken saknas.",
      link_expired: "Länken har gått ut. Be BT-läkaren förnya den; samma länk fungerar då igen.",
      link_withdrawn: "Förfrågan är återkallad – inget mer behövs från dig.",
      link_declined: "Du har avböjt förfrågan.",
      link_used: "Bedömningen är redan signerad – tack!",
      link_scope: "Länken gäller bara en bedömning.",
      other_request_pending: "Telefonen har en annan förfrågan som inte är klar. Signera (eller avböj) den först, öppna sedan den här länken igen.",
      assessor_details_missing: "Fyll i namn, titel, arbetsplats och e-post innan du signerar.",
    },
    rq_refused: "Länken fungerar inte", rq_done_title: "Redan klar", rq_open_other: "Öppna den andra bedömningen",
    rq_done_elsewhere: "Den här bedömningen är redan ifylld och signerad på en annan enhet. Inget mer behövs från dig.", rq_declined_done: "Du har avböjt. Tack för beskedet!",
    rq_name: "Ditt namn", rq_title2: "Titel", rq_work: "Arbetsplats",
    rq_open: "Öppna formuläret", rq_asked: (n) => `${n} ber om din bedömning`, rq_decline: "Avböj", rq_why: "Varför?",
    rq_thanks: "Tack för din bedömning!", rq_mail: "Din e-post (kvittot på signaturen skickas dit)",
    rq_who: "Vem är du? Alla fyra behövs för att signera, och sparas på den här telefonen till nästa gång.",
    rq_one_device: "Formuläret kan bara fyllas i på en enhet: den som öppnar det först.",
    rq_all_four: "Fyll i namn, titel, arbetsplats och e-post (utan personnummer).",
    rq_logged_in: "Du är inloggad: bedömningen hamnar i din egen lista och signeras med ditt konto.",
  },
  en: {
    reasons: {
      not_an_assessor: "Your account cannot assess. Log out and open the link again to answer without an account.",
      device_key_in_use: "This phone's key is already used for another request; open the link again.",
      displaced_limit: "Several other answers are already kept for this request.",
      link_claimed: "This request was already opened on another device, and only that device can answer it. Not you? Tell the trainee – they can withdraw it and ask again.",
      own_request: "This is your own request. Show the QR code to the colleague who assesses you – you cannot answer it yourself.",
      claim_first: "Open the request on the phone that fills it in first.",
      claimed_here: "This device holds the request already.",
      link_unknown: "Unknown link. Was the whole link copied?",
      link_missing: "The link is missing.",
      link_expired: "The link has expired. Ask the trainee to renew it; the same link then works again.",
      link_withdrawn: "The request was withdrawn – nothing more is needed from you.",
      link_declined: "You declined the request.",
      link_used: "The assessment is already signed – thank you!",
      link_scope: "The link is for one assessment only.",
      other_request_pending: "This phone holds another request that is not finished. Sign (or decline) it first, then open this link again.",
      assessor_details_missing: "Give your name, title, workplace and e-mail before signing.",
    },
    rq_refused: "The link does not work", rq_done_title: "Already done", rq_open_other: "Open the other assessment",
    rq_done_elsewhere: "This assessment was already filled in and signed on another device. Nothing more is needed from you.", rq_declined_done: "You have declined. Thank you for letting us know!",
    rq_name: "Your name", rq_title2: "Title", rq_work: "Workplace",
    rq_open: "Open the form", rq_asked: (n) => `${n} asks for your assessment`, rq_decline: "Decline", rq_why: "Why?",
    rq_thanks: "Thank you for your assessment!", rq_mail: "Your e-mail (the signature receipt goes there)",
    rq_who: "Who are you? All four are needed to sign, and are kept on this phone for next time.",
    rq_one_device: "The form can be filled in on one device only: the one that opens it first.",
    rq_all_four: "Give your name, title, workplace and e-mail (no personal identity numbers).",
    rq_logged_in: "You are logged in: the assessment lands in your own list and is signed with your account.",
  },
});

const FIELDS = [["name", "name", "text"], ["title", "title2", "text"], ["workplace", "work", "text"], ["email", "mail", "email"]];

export async function show(main, app) {
  const stored = await getLink();
  const token = location.hash.match(/^#\/svar\/([\w-]+)/)?.[1] || stored?.token;
  if (!token) return app.navigate("#/login");
  const same = stored?.token === token ? stored : null;
  if (same?.secret && !same.closed) return app.navigate(`#/a/${same.doc_id}`); // this phone holds it
  // One request at a time on a phone: the other one is not finished (typed, or held by this phone).
  if (stored && !same && !stored.closed && (stored.secret || (await outboxAll()).some((m) => m.doc_id === stored.doc_id))) {
    refused(main, "other_request_pending");
    return main.append(h("p", {}, h("a.button", { href: `#/a/${stored.doc_id}`, id: "open-other" }, t("rq_open_other"))));
  }
  const session = await kvGet("session");
  let info, err;
  try { info = await api.link("", undefined, token); } catch (e) { err = e; info = e.offline && same?.info; }
  // Kept on the phone, so that it can be opened again without network and claimed at the first sync.
  if (info && !session && !info.claimed) await saveLink({ ...(same || {}), token, info, doc_id: info.doc_id });
  if (info?.status === "completed") {
    return main.append(same?.secret ? h("h1", { id: "thanks" }, t("rq_thanks"))
      : h("div", { id: "thanks" }, h("h1", {}, t("rq_done_title")), h("p", {}, t("rq_done_elsewhere"))));
  }
  if (!info) return refused(main, err?.offline ? "network" : err?.status === 429 ? "rate_limited" : err?.reason);
  if (info.claimed && !session) {
    // Claimed: by this phone, if its answer to the claim was lost (claiming again is harmless), or by another.
    const held = same?.device_key && (await claimLink(same).catch(() => null));
    if (held) { app.user = linkUser(held); return app.navigate(`#/a/${held.doc_id}`); }
    return refused(main, "link_claimed");
  }

  const me = (await kvGet("assessor_profile")) || {};
  const error = h("p.error", { role: "alert", id: "answer-error", hidden: true });
  const inputs = FIELDS.map(([key, id, type]) => {
    const input = h("input", { id: `me-${id}`, type, value: me[key] || "", autocomplete: type === "email" ? "email" : "off",
      required: true, "aria-describedby": `me-${id}-pn` });
    const warn = h("p.error", { id: `me-${id}-pn`, role: "alert", hidden: true });
    input.addEventListener("input", () => {
      const bad = containsIdentityNumber(input.value);
      warn.hidden = !bad; warn.textContent = bad ? identityMessage() : "";
      input.setAttribute("aria-invalid", bad ? "true" : "false");
    });
    return { key, input, row: [h("label", { htmlFor: `me-${id}` }, t(`rq_${id}`)), input, warn] };
  });
  const open = h("button.primary", { type: "submit", id: "open-form" }, t("rq_open"));
  main.append(...[
    h("h1", {}, t("rq_asked", info.trainee_name)),
    h("p.meta", {}, info.placement || ""),
    info.message ? h("p.card", { id: "rq-message" }, info.message) : null,
    session ? h("p.info", {}, t("rq_logged_in")) : h("form.card", { onsubmit: (e) => { e.preventDefault(); start(); } },
      h("p.muted", {}, t("rq_who")), inputs.map((f) => f.row), error, open,
      h("p.muted", {}, t("rq_one_device"))),
    session ? h("button.primary", { type: "button", id: "open-form", onclick: () => startLoggedIn() }, t("rq_open")) : null,
    declineCard(main, app, token)].filter(Boolean));

  async function start() {
    const assessor = Object.fromEntries(inputs.map(({ key, input }) => [key, input.value.trim()]));
    const missing = inputs.find(({ key, input }) => !assessor[key] || containsIdentityNumber(input.value) || !input.checkValidity());
    if (missing) { error.textContent = t("rq_all_four"); error.hidden = false; missing.input.focus(); return; }
    open.disabled = true;
    await kvSet("assessor_profile", assessor);
    const current = await getLink();
    const known = current?.token === token ? current : null;
    let link = { ...(known || {}), token, info, assessor, doc_id: info.doc_id, request_id: info.request_id,
      device_key: known?.device_key || newDeviceKey(), client_id: known?.client_id || newId(),
      // the link's own client numbers its mutations from 1
      base: known?.base ?? ((await kvGet("next_mutation_id")) || 1) - 1, closed: null, details_sent: true };
    await saveLink(link);
    resume();
    try {
      link = await claimLink(link);
    } catch (e) {
      if (!e.offline) {
        open.disabled = false;
        error.textContent = reasonText(e.reason); error.hidden = false;
        return;
      } // offline: answer now, claimed at the first sync
    }
    app.user = linkUser(link);
    if (!(await getDoc(link.doc_id))) await flush();
    if (!(await getDoc(link.doc_id))) await putDoc(placeholder(link)); // offline: the form starts empty
    app.navigate(`#/a/${link.doc_id}`);
  }

  async function startLoggedIn() {
    try {
      await api.link("/claim", {}, token);
      await flush();
      app.navigate(`#/a/${info.doc_id}`);
    } catch (e) { app.toast(e.offline ? t("rq_network") : reasonText(e.reason)); }
  }
}

/** The request as a new, empty draft on this device (version 1, as the server made it), until the
 * server's copy arrives. */
function placeholder(link) {
  const i = link.info;
  return overlay({
    doc_id: link.doc_id, form_id: i.form_id, form_version: i.form_version, trainee_name: i.trainee_name,
    assessor_name: link.assessor.name, permissions: null, rejections: [],
    server: { doc_id: link.doc_id, version: 1, status: "draft", data: {}, conflicts: {}, deleted: false, reflection: null },
  }, []);
}

function refused(main, reason) {
  return main.append(h("h1", {}, t("rq_refused")),
    h("p.warn", { id: "link-error", role: "alert", "data-reason": reason }, reasonText(reason)));
}

function declineCard(main, app, token) {
  const reason = h("input", { id: "decline-reason", type: "text" });
  return h("details.card", {}, h("summary", {}, t("rq_decline")), h("label", { htmlFor: "decline-reason" }, t("rq_why")), reason,
    h("button", { type: "button", id: "decline", onclick: () => {
      if (containsIdentityNumber(reason.value)) { reason.focus(); return; }
      api.link("/decline", { reason: reason.value.trim() || null }, token)
        .then(() => main.replaceChildren(h("h1", {}, t("rq_declined_done"))), (e) => app.toast(e.offline ? t("rq_network") : reasonText(e.reason)));
    } }, t("rq_decline")));
}

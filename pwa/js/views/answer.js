// The assessor opens #/svar/<token> (from the e-mail or the trainee's QR code), without an account.
// She says who she is (name, title, workplace, e-mail: a signature needs all four, and the receipt
// goes to that address) and opens the form: this phone then claims the request, or, offline, claims
// it at its first sync. A logged-in colleague answers with her own login instead. Who she is stays on
// the phone for the next request (never a personnummer; "Glöm mina uppgifter" clears it). Once she has
// started, this phone opens on her assessment (after a restart too); once signed, a "Tack" card above
// it says what happens next, with the sync state, updated live (thanksCard).
import * as api from "../api.js";
import { addStrings, getLang, t, tr, reasonText } from "../i18n.js";
import { h } from "../render/dom.js";
import { identityMessage } from "../render/text.js";
import { containsIdentityNumber, newId } from "../personnummer.js";
import { getDoc, kvGet, kvSet, outboxAll, putDoc } from "../storage.js";
import { flush, resume, state as syncState, subscribe } from "../outbox.js";
import { LOCKED, overlay } from "../docs.js";
import { claimLink, cleanDetails, forgetDetails, getLink, linkUser, newDeviceKey, refusedFields, saveLink } from "../link.js";

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
      round_link_closed: "360-rundan är stängd. Vill du ändå svara kan du kontakta BT-läkarens huvudhandledare, som kan förlänga den.",
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
    rq_what: "Det här gäller", rq_form: "Formulär", rq_place: "Placering", rq_unit: "Enhet", rq_expires: "Länken gäller till",
    rq_days_left: (n) => (n <= 0 ? "i dag" : n === 1 ? "1 dag kvar" : `${n} dagar kvar`),
    rq_from: (n) => `Meddelande från ${n}`, rq_anonymous: "Svaret är anonymt: BT-läkaren ser aldrig ditt namn eller vad just du svarade.",
    rq_remembered: "Ifyllt från förra gången på den här telefonen.", rq_forget: "Glöm mina uppgifter", rq_forgotten: "Dina uppgifter är borttagna från telefonen.",
    rq_own_email: "Det är BT-läkarens egen e-postadress. Ange din egen – kvittot på signaturen skickas dit.",
    rq_refused_claim: "Servern tog inte emot dina uppgifter", rq_fix: "Rätta uppgifterna",
    rq_see_field: "rätta det markerade fältet.",
    rq_remove_pnr: "Ta bort personnumret ur det markerade fältet – det får aldrig sparas.",
    rq_thanks_sent: (n) => `Bedömningen är skickad. ${n} ser den nu.`, rq_receipt: (m) => `Ett kvitto på signaturen skickas till ${m}.`,
    rq_thanks_waiting: "Bedömningen är sparad på telefonen men inte skickad än: telefonen har inget nätverk. Den skickas av sig själv när nätverket är tillbaka – öppna appen igen om du stänger den.",
    rq_thanks_syncing: "Skickar bedömningen…", rq_show_doc: "Visa bedömningen", rq_close_now: "Du kan stänga sidan.",
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
      round_link_closed: "The 360 round is closed. If you still want to answer, contact the trainee's main supervisor, who can extend it.",
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
    rq_what: "What is asked", rq_form: "Form", rq_place: "Placement", rq_unit: "Unit", rq_expires: "The link works until",
    rq_days_left: (n) => (n <= 0 ? "today" : n === 1 ? "1 day left" : `${n} days left`),
    rq_from: (n) => `Message from ${n}`, rq_anonymous: "Your answer is anonymous: the trainee never sees your name or what you in particular answered.",
    rq_remembered: "Filled in from last time on this phone.", rq_forget: "Forget my details", rq_forgotten: "Your details were removed from this phone.",
    rq_own_email: "That is the trainee's own e-mail address. Give your own – the signature receipt goes there.",
    rq_refused_claim: "The server did not accept your details", rq_fix: "Correct the details",
    rq_see_field: "correct the marked field.",
    rq_remove_pnr: "Remove the personal identity number from the marked field – it must never be stored.",
    rq_thanks_sent: (n) => `The assessment is sent. ${n} sees it now.`, rq_receipt: (m) => `A receipt of the signature goes to ${m}.`,
    rq_thanks_waiting: "The assessment is kept on this phone but not sent yet: the phone has no network. It is sent by itself when the network is back – open the app again if you close it.",
    rq_thanks_syncing: "Sending the assessment…", rq_show_doc: "Show the assessment", rq_close_now: "You may close the page.",
  },
});

const FIELDS = [["name", "name", "text"], ["title", "title2", "text"], ["workplace", "work", "text"], ["email", "mail", "email"]];

/** Styles of the landing and Tack screens, loaded with them (not part of the first visit). */
function styles() {
  if (!document.getElementById("answer-css")) document.head.append(h("link", { rel: "stylesheet", href: "/css/answer.css", id: "answer-css" }));
}

/** A text input (or the decline reason) that flags a personnummer as it is typed; `bad()` says whether it holds one. */
function guarded(input, warnId) {
  const warn = h("p.error", { id: warnId, role: "alert", hidden: true });
  input.setAttribute("aria-describedby", warnId);
  const check = () => {
    const bad = containsIdentityNumber(input.value);
    warn.hidden = !bad; warn.textContent = bad ? identityMessage() : "";
    input.setAttribute("aria-invalid", bad ? "true" : "false");
    return bad;
  };
  input.addEventListener("input", check);
  return { input, warn, check, flag(text) { warn.hidden = false; warn.textContent = text; input.setAttribute("aria-invalid", "true"); } };
}

const day = (iso) => new Date(iso).toLocaleDateString(getLang() === "en" ? "en-GB" : "sv-SE", { day: "numeric", month: "long", year: "numeric" });

export async function show(main, app) {
  styles();
  const stored = await getLink();
  const token = location.hash.match(/^#\/svar\/([\w-]+)/)?.[1] || stored?.token;
  if (!token) return app.navigate("#/login");
  const same = stored?.token === token ? stored : null;
  // This phone holds it, or the assessor started it here (claimed at the first sync): her own work,
  // after a restart too; details the server refused are corrected on this page first.
  if (same && (same.secret || same.assessor) && !same.refused && (same.secret || (await getDoc(same.doc_id)))) {
    return app.navigate(`#/a/${same.doc_id}`);
  }
  // One request at a time on a phone: the other one is not finished (typed, or held by this phone).
  if (stored && !same && !stored.closed && ((await outboxAll()).some((m) => m.doc_id === stored.doc_id)
    || (stored.secret && !LOCKED.has((await getDoc(stored.doc_id))?.server?.status)))) {
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
  if (info.claimed && !session && !same?.refused) {
    // Claimed: by this phone, if its answer to the claim was lost (claiming again is harmless), or by another.
    const held = same?.device_key && (await claimLink(same).catch(() => null));
    if (held) { app.user = linkUser(held); return app.navigate(`#/a/${held.doc_id}`); }
    return refused(main, "link_claimed");
  }

  // What she said last time (on this phone), without anything that holds a personnummer.
  const me = await cleanDetails();
  const remembered = FIELDS.some(([key]) => me[key]);
  const error = h("p.error", { role: "alert", id: "answer-error", hidden: true });
  const inputs = FIELDS.map(([key, id, type]) => {
    const input = h("input", { id: `me-${id}`, type, value: (same?.assessor || me)[key] || "", required: true,
      autocomplete: { name: "name", title: "organization-title", workplace: "organization", email: "email" }[key] });
    const g = guarded(input, `me-${id}-pn`);
    return { key, ...g, row: h("div.field", {}, h("label", { htmlFor: `me-${id}` }, t(`rq_${id}`)), input, g.warn) };
  });
  const open = h("button.primary", { type: "submit", id: "open-form" }, t("rq_open"));
  const forget = remembered && h("p.remembered", { id: "remembered" }, h("span.muted", {}, t("rq_remembered")), " ",
    h("button.small", { type: "button", id: "forget-me", onclick: async () => {
      await forgetDetails();
      inputs.forEach((f) => { f.input.value = ""; f.check(); });
      forget.replaceChildren(h("span.muted", { role: "status" }, t("rq_forgotten")));
    } }, t("rq_forget")));
  const title = tr(info.form_title) || app.form(info.form_id, info.form_version)?.title?.sv || info.form_id;
  // the one form she is asked to fill, kept on the phone now: she may open it where there is no network
  if (!app.form(info.form_id, info.form_version)) app.ensureForm(info.form_id, info.form_version);
  const left = Math.ceil((Date.parse(info.expires_at) - Date.now()) / 86400000);
  const fact = (id, label, value) => value && [h("dt", {}, label), h("dd", { id }, value)];
  main.append(...[
    h("h1", {}, t("rq_asked", info.trainee_name)),
    h("section.card.asked", { id: "rq-what", "aria-label": t("rq_what") }, h("dl.facts", {},
      fact("rq-form-name", t("rq_form"), title),
      fact("rq-placement", t("rq_place"), info.specialty || (!info.unit && info.placement)),
      fact("rq-unit", t("rq_unit"), info.unit),
      fact("rq-expires", t("rq_expires"), `${day(info.expires_at)} (${t("rq_days_left", left)})`)),
      info.anonymous ? h("p.muted", { id: "rq-anonymous" }, t("rq_anonymous")) : null),
    info.message ? h("figure.card.note", { id: "rq-message" }, h("figcaption", {}, t("rq_from", info.trainee_name)),
      h("blockquote", {}, info.message)) : null,
    session ? h("p.info", {}, t("rq_logged_in")) : h("form.card", { id: "me-form", novalidate: true, onsubmit: (e) => { e.preventDefault(); start(); } },
      h("p.muted", {}, t("rq_who")), forget, inputs.map((f) => f.row), error, open,
      h("p.muted", {}, t("rq_one_device"))),
    session ? h("button.primary", { type: "button", id: "open-form", onclick: () => startLoggedIn() }, t("rq_open")) : null,
    declineCard(main, app, token)].filter(Boolean));
  if (same?.refused) showRefusal(same.refused, same.refused_fields);

  /** The server's refusal, in the app's own words, at the fields it names. */
  function showRefusal(reason, fields = []) {
    const own = reason === "own_assessment";
    const text = reason === "identity_number" ? identityMessage() : own ? t("rq_own_email") : reasonText(reason);
    const named = inputs.filter((f) => fields.includes(f.key));
    named.forEach((f) => f.flag(text)); // said at the field; above the button only that it was refused
    error.replaceChildren(h("strong", {}, t("rq_refused_claim")), named.length ? ` – ${t("rq_see_field")}` : `: ${text}`);
    error.dataset.reason = reason; error.hidden = false;
    (named[0] || inputs[0]).input.focus();
  }

  async function start() {
    const assessor = Object.fromEntries(inputs.map(({ key, input }) => [key, input.value.trim()]));
    const holding = inputs.filter((f) => f.check());
    if (holding.length) { error.textContent = t("rq_remove_pnr"); error.hidden = false; holding[0].input.focus(); return; }
    const missing = inputs.find(({ key, input }) => !assessor[key] || !input.checkValidity());
    if (missing) { error.textContent = t("rq_all_four"); error.hidden = false; missing.input.focus(); return; }
    error.hidden = true;
    open.disabled = true;
    await kvSet("assessor_profile", assessor);
    const current = await getLink();
    const known = current?.token === token ? current : null;
    let link = { ...(known || {}), token, info, assessor, doc_id: info.doc_id, request_id: info.request_id,
      device_key: known?.device_key || newDeviceKey(), client_id: known?.client_id || newId(),
      // the link's own client numbers its mutations from 1
      base: known?.base ?? ((await kvGet("next_mutation_id")) || 1) - 1, closed: null, details_sent: true, refused: null };
    await saveLink(link);
    try {
      link = await claimLink(link);
    } catch (e) {
      if (!e.offline) {
        open.disabled = false;
        // claimLink kept what the server took and dropped what it refused (a personnummer is never kept)
        const now = await getLink();
        if (e.reason === "link_claimed") { main.replaceChildren(); return refused(main, "link_claimed"); }
        return showRefusal(e.reason, now?.refused_fields || refusedFields(e));
      } // offline: answer now, claimed at the first sync
    }
    resume();
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

/** Shown above her signed assessment: thanks, and what happens next (sent, or waiting for network),
 * updated live as it syncs. */
export async function thanksCard(app, docId) {
  styles();
  const link = (await getLink()) || {};
  const status = h("p", { id: "sync-state", role: "status" });
  const next = h("p.muted", { id: "thanks-next" });
  const card = h("section.card.thanks", { id: "thanks", "aria-labelledby": "thanks-title" },
    h("h2", { id: "thanks-title", tabIndex: -1 }, t("rq_thanks")), status, next);
  async function draw() {
    if (card.dataset.drawn && !card.isConnected) return;
    card.dataset.drawn = "1";
    const doc = await getDoc(docId);
    const waiting = (await outboxAll()).some((m) => m.doc_id === docId);
    const sent = !waiting && LOCKED.has(doc?.server?.status);
    const state = doc?.displaced ? "displaced" : sent ? "sent" : syncState.syncing ? "syncing" : "waiting";
    status.dataset.state = state;
    status.className = state === "sent" ? "info" : "warn";
    status.textContent = state === "displaced" ? t("rq_displaced") : state === "sent" ? t("rq_thanks_sent", doc.trainee_name || link.info?.trainee_name)
      : state === "syncing" ? t("rq_thanks_syncing") : t("rq_thanks_waiting");
    next.textContent = sent ? [link.assessor?.email && t("rq_receipt", link.assessor.email), t("rq_close_now")].filter(Boolean).join(" ") : "";
  }
  await draw();
  subscribe(() => draw());
  return card;
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
  main.append(h("h1", {}, t("rq_refused")),
    h("p.warn", { id: "link-error", role: "alert", "data-reason": reason }, reasonText(reason)));
  return main;
}

function declineCard(main, app, token) {
  const g = guarded(h("input", { id: "decline-reason", type: "text" }), "decline-reason-pn");
  return h("details.card", {}, h("summary", {}, t("rq_decline")), h("label", { htmlFor: "decline-reason" }, t("rq_why")), g.input, g.warn,
    h("button", { type: "button", id: "decline", onclick: () => {
      if (g.check()) { g.input.focus(); return; }
      api.link("/decline", { reason: g.input.value.trim() || null }, token)
        .then(() => main.replaceChildren(h("h1", {}, t("rq_declined_done"))), (e) => app.toast(e.offline ? t("rq_network") : reasonText(e.reason)));
    } }, t("rq_decline")));
}

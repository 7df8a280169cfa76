// How a signed assessment was signed (with an account, or through a request link with the e-mail the
// assessor gave and a receipt sent there; disputed when the receipt's recipient says it was not them),
// and, for the trainee's supervisors, answers a second device typed for the same link. Loaded only for
// assessments that have either.
import { addStrings, t } from "../i18n.js";
import { h } from "../render/dom.js";

addStrings({
  sv: {
    sig_account: "Signerad med konto:", sig_link: "Signerad via länk:",
    sig_link_help: (e) => `Bedömaren angav e-post ${e}; ett kvitto med ”Det var inte jag” skickades dit.`,
    sig_other_email: (e) => `Förfrågan skickades till ${e}, en annan adress än den bedömaren angav.`,
    sig_disputed: (d) => `Ifrågasatt ${d}: mottagaren av kvittot säger att det inte var hen som signerade.`,
    other_answer_title: "Ett annat svar från en andra enhet",
    other_answer_help: (who, at) => `Från ${who}, mottaget ${at}. Länken hade redan öppnats på en annan enhet, så svaret räknas inte – men inget har tappats.`,
    other_answer_signed: "Bedömaren försökte signera detta svar.",
  },
  en: {
    sig_account: "Signed with an account:", sig_link: "Signed through a link:",
    sig_link_help: (e) => `The assessor gave the e-mail ${e}; a receipt with “It was not me” was sent there.`,
    sig_other_email: (e) => `The request was sent to ${e}, another address than the one the assessor gave.`,
    sig_disputed: (d) => `Disputed ${d}: the receipt's recipient says they did not sign.`,
    other_answer_title: "Another answer from a second device",
    other_answer_help: (who, at) => `From ${who}, received ${at}. The link had already been opened on another device, so it does not count – but nothing was lost.`,
    other_answer_signed: "The assessor tried to sign this answer.",
  },
});

/** The notices for one document; ``label(pointer)`` names a form field. */
export function show(doc, label) {
  const sig = doc.server?.signature;
  return h("div", {}, sig ? signature(sig) : null, (doc.server?.other_answers || []).map((o) => otherAnswer(o, label)));
}

function signature(sig) {
  const who = [sig.name, sig.title, sig.workplace].filter(Boolean).join(", ");
  return h("div.card", { id: "signature", "data-method": sig.method, "data-disputed": sig.disputed_at ? "1" : "0" },
    h("p", {}, h("strong", {}, sig.method === "account" ? t("sig_account") : t("sig_link")), " ", who),
    sig.method === "link" ? h("p.muted", {}, t("sig_link_help", sig.email || "–")) : null,
    sig.invited_email && sig.email && sig.invited_email !== sig.email ? h("p.warn", {}, t("sig_other_email", sig.invited_email)) : null,
    sig.disputed_at ? h("p.warn", { role: "alert", id: "disputed" }, t("sig_disputed", sig.disputed_at.slice(0, 10))) : null);
}

function otherAnswer(other, label) {
  const rows = Object.entries(other.data || {}).filter(([, v]) => v != null && v !== "")
    .map(([k, v]) => h("li", {}, `${label(`/${k}`)}: ${typeof v === "object" ? JSON.stringify(v) : v}`));
  const who = [other.assessor_name, other.assessor_title, other.assessor_workplace, other.assessor_email].filter(Boolean).join(", ");
  return h("div.card.other-answer", { "data-other-answer": "1" },
    h("h2", {}, t("other_answer_title")), h("p.muted", {}, t("other_answer_help", who || "–", other.received_at.slice(0, 16).replace("T", " "))),
    other.steps?.includes("sign") ? h("p", {}, t("other_answer_signed")) : null, h("ul", {}, rows));
}

// The request link on this device, for an assessor without an account. The link the trainee shows
// (QR) or mails only opens and claims the request; the first device to claim it gets its own secret
// and answers with that. Kept in IndexedDB ("link"): the shown token, this device's key, the secret
// once claimed, who the assessor said they are, and what the server said about the request. Who she
// is is also kept for her next request ("assessor_profile"); a value the server refused (a
// personnummer above all) is dropped from both at once, and the refusal is kept to be shown.
import * as api from "./api.js";
import { kvDel, kvGet, kvSet } from "./storage.js";
import { containsIdentityNumber } from "./personnummer.js";

const DETAILS = ["name", "title", "workplace", "email"];
const clean = (details) => Object.fromEntries(DETAILS.filter((k) => typeof details?.[k] === "string" && details[k] && !containsIdentityNumber(details[k])).map((k) => [k, details[k]]));

/** The details kept for next time, without any that hold a personnummer (and so stored again). */
export async function cleanDetails() {
  const kept = (await kvGet("assessor_profile")) || {};
  const ok = clean(kept);
  if (Object.keys(ok).length !== Object.keys(kept).length) await kvSet("assessor_profile", ok);
  return ok;
}
export const forgetDetails = () => kvDel("assessor_profile");

/** The details a refusal names: a field in the server's message, or the e-mail for own_assessment. */
export function refusedFields(err) {
  const named = DETAILS.filter((k) => (err.message || "").includes(`"/${k}"`) || (err.message || "").includes(`${k} is`));
  return named.length ? named : err.reason === "own_assessment" ? ["email"] : [];
}

/** The server refused a detail: keep the refusal, drop what it named (and any personnummer) here and
 * from next time's profile. Away from the landing page, a toast says so and leads back to it. */
async function refuse(link, err) {
  const fields = refusedFields(err);
  const assessor = clean(Object.fromEntries(Object.entries(link.assessor || {}).filter(([k]) => !fields.includes(k))));
  const next = { ...link, assessor, refused: err.reason || "invalid", refused_fields: fields, details_sent: false };
  await saveLink(next);
  const profile = (await kvGet("assessor_profile")) || {};
  await kvSet("assessor_profile", clean(Object.fromEntries(Object.entries(profile).filter(([k]) => !fields.includes(k)))));
  if (!location.hash.startsWith("#/svar/")) {
    const [{ app }, { t, reasonText }] = await Promise.all([import("./app.js"), import("./i18n.js"), import("./views/answer.js")]);
    app.toast(`${t("rq_refused_claim")}: ${reasonText(next.refused)}`, { label: t("rq_fix"), run: () => { location.hash = `#/svar/${link.token}`; } });
  }
  return next;
}
const refusesDetails = (err) => !err.offline && err.status < 500 && err.status !== 429 && err.status !== 409
  && !err.reason?.startsWith("link_") && err.reason !== "own_request";

export const getLink = () => kvGet("link");
export const saveLink = (link) => kvSet("link", link);

/** The shell's user while answering a link: no account, the one assessment. */
export const linkUser = (link) => ({ user_id: -1, name: link.assessor?.name || "", roles: [], link_doc: link.doc_id });

/** 128 random bits, hex: the key this device claims with (kept, so a retry claims the same way). */
export function newDeviceKey() {
  for (;;) {
    const key = [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join("");
    if (!containsIdentityNumber(key)) return key; // the server refuses any text holding one
  }
}

/** Claim the request for this device (harmless to repeat); stores and returns the link with its secret. */
export async function claimLink(link) {
  if (link.refused) throw new api.ApiError(400, link.refused, "refused before"); // corrected on the landing page first
  let answer;
  try {
    answer = await api.link("/claim", { device_key: link.device_key, ...link.assessor }, link.token);
  } catch (err) {
    if (refusesDetails(err)) await refuse(link, err);
    throw err;
  }
  const next = { ...link, secret: answer.secret, missing: answer.missing_for_signature, closed: null, refused: null };
  await saveLink(next);
  return next;
}

/** Who the assessor is, said again by the device that holds the request (after a change). */
export async function sendDetails(link) {
  let answer;
  try {
    answer = await api.link("/assessor", link.assessor, link.secret);
  } catch (err) {
    if (refusesDetails(err)) await refuse(link, err);
    throw err;
  }
  const next = { ...link, missing: answer.missing_for_signature, details_sent: true };
  await saveLink(next);
  return next;
}

// The request link on this device, for an assessor without an account. The link the trainee shows
// (QR) or mails only opens and claims the request; the first device to claim it gets its own secret
// and answers with that. Kept in IndexedDB ("link"): the shown token, this device's key, the secret
// once claimed, who the assessor said they are, and what the server said about the request.
import * as api from "./api.js";
import { kvGet, kvSet } from "./storage.js";
import { containsIdentityNumber } from "./personnummer.js";

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
  const answer = await api.link("/claim", { device_key: link.device_key, ...link.assessor }, link.token);
  const next = { ...link, secret: answer.secret, missing: answer.missing_for_signature, closed: null };
  await saveLink(next);
  return next;
}

/** Who the assessor is, said again by the device that holds the request (after a change). */
export async function sendDetails(link) {
  const answer = await api.link("/assessor", link.assessor, link.secret);
  const next = { ...link, missing: answer.missing_for_signature, details_sent: true };
  await saveLink(next);
  return next;
}

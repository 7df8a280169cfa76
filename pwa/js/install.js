// Keep the data: ask for persistent storage, and on iOS guide the person to add the app to the
// home screen before the first capture (Safari deletes site data after 7 days without use, and a
// home-screen app has storage of its own, apart from the Safari tab's).
import { addStrings, t } from "./i18n.js";
import { h } from "./render/dom.js";

addStrings({
  sv: {
    ios_title: "Lägg till på hemskärmen först",
    ios_text: "På iPhone raderar Safari sparade data efter 7 dagar utan användning, och hemskärmsappen har eget lager. Tryck på Dela och välj ”Lägg till på hemskärmen”, och öppna Bedside därifrån innan du fyller i din första bedömning.",
    ios_ok: "Jag förstår",
  },
  en: {
    ios_title: "Add to the home screen first",
    ios_text: "On iPhone, Safari deletes saved data after 7 days without use, and the home-screen app has storage of its own. Tap Share, choose “Add to Home Screen”, and open Bedside from there before you fill in your first assessment.",
    ios_ok: "I understand",
  },
});

export async function persist() {
  try {
    if (!navigator.storage?.persist) return null;
    if (await navigator.storage.persisted()) return true;
    return await navigator.storage.persist();
  } catch { return null; }
}

export const isIos = () => /iphone|ipad|ipod/i.test(navigator.userAgent) || (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
const standalone = () => matchMedia("(display-mode: standalone)").matches || navigator.standalone === true;

/** A card to show above "new assessment" on iOS in a browser tab (until dismissed). */
export function iosGuidance() {
  if (!isIos() || standalone() || localStorage.getItem("bedside.iosHint") === "done") return null;
  const card = h("div.card.warn", { id: "ios-install", role: "note" },
    h("h2", {}, t("ios_title")), h("p", {}, t("ios_text")),
    h("button", { type: "button", onclick: () => { localStorage.setItem("bedside.iosHint", "done"); card.remove(); } }, t("ios_ok")));
  return card;
}

// Swedish first, English on request (js/i18n-en.js). UI strings live here; catalog labels come as {sv, en}.
const STRINGS = {
  sv: {
    app: "Bedside", online: "Online", offline: "Offline", syncing: "Synkar…",
    unsynced: (n) => (n === 1 ? "1 osynkad ändring" : `${n} osynkade ändringar`),
    synced: "Allt synkat", sync_now: "Synka nu", lang_switch: "English", logout: "Logga ut",
    login_title: "Logga in", email: "E-post", password: "Lösenord", login: "Logga in",
    login_failed: "Fel e-post eller lösenord.", login_offline: "Du behöver nätverk för att logga in första gången.",
    login_limited: "För många försök. Vänta en stund och försök igen.",
    session_expired: "Din inloggning har gått ut. Logga in igen – inget du skrivit har försvunnit.",
    list_title: "Mina bedömningar", on_this_device: "Bedömningar på den här enheten", to_me: "Förfrågningar till mig", drafts: "Utkast", waiting: "Väntar på signatur", signed: "Signerade",
    none: "Inga ännu.", new_assessment: "Ny bedömning", trainee: "BT-läkare", assessor: "Bedömare", supervisor: "Handledare", choose_option: "Välj…",
    private_notes: "Privat mellan oss två", private_badge: "Privat",
    partial_view: "Du ser den del som gäller din placering: åtgärderna och uppföljningen.",
    private_notes_help: "Bara du och handledaren läser anteckningarna. Studierektor och dina andra handledare ser bara att samtalet ägt rum.", form: "Formulär",
    placement: "Placering", state: "Status", all: "Alla", no_match: "Inga bedömningar matchar filtret.",
    assessor_name: "Bedömarens namn", assessor_email: "Bedömarens e-post", back: "Tillbaka",
    status_draft: "Utkast", status_submitted: "Väntar på signatur", status_signed: "Signerad",
    status_acknowledged: "Kvitterad", status_countersigned: "Kontrasignerad",
    not_synced: "Inte synkad än", required: "Obligatoriskt", required_mark: "obligatoriskt",
    chars: (n, max) => (max ? `${n} av ${max} tecken` : `${n} tecken`),
    submit: "Skicka för signatur", sign: "Signera", submit_sign: "Signera nu",
    acknowledge: "Kvittera", reflection: "Din reflektion", return: "Skicka tillbaka",
    return_reason: "Varför skickas den tillbaka?", delete: "Ta bort utkast", confirm_delete: "Ta bort utkastet?",
    read_only: "Signerad – kan inte ändras.", fix_errors: "Rätta de markerade fälten först.",
    conflict_title: "Två olika svar", conflict_help: "Någon annan ändrade samma fält. Välj vilket svar som ska gälla.",
    conflict_pick: "Välj detta", conflict_by: (who) => `Från ${who}`, conflict_open: "Lös konflikterna innan du skickar.",
    empty_value: "(tomt)", rejected: "Servern tog inte emot en ändring", retry: "Försök igen", discard: "Kasta",
    kept: "Det du skrev finns kvar här:", returned: "Skickades tillbaka", ready_offline: "Appen fungerar nu utan nätverk.",
    new_version: "Ny version, ladda om", reload: "Ladda om", not_found: "Bedömningen finns inte på den här enheten.",
    catalog_missing: "Formulärkatalogen är inte hämtad än – anslut till nätet en gång.",
    reasons: {
      gap: "Ändringarna kom i fel ordning; de skickas igen.", locked: "Bedömningen är redan signerad och kan inte ändras.",
      not_editable: "Bedömningen väntar på signatur och kan inte ändras nu.", deleted: "Bedömningen har tagits bort.",
      not_found: "Bedömningen finns inte (eller så har du inte behörighet).", exists: "Bedömningen finns redan.",
      open_conflicts: "Det finns olösta konflikter.", no_conflict: "Konflikten var redan löst.",
      invalid_transition: "Det steget går inte i bedömningens nuvarande läge.", invalid: "Ett fält har ett ogiltigt värde.",
      own_export: "Dina egna uppgifter hämtar du från ditt eget konto (Mina uppgifter).",
      password_link_unknown: "Länken känns inte igen, eller så är kontot avslutat. Be om en ny länk.",
      password_link_used: "Länken är redan använd, eller så har en nyare skickats. Be om en ny om du behöver.",
      password_link_expired: "Länken har gått ut. Be om en ny.",
      password_too_short: "Välj ett lösenord med minst 10 tecken.",
      password_too_simple: "Välj ett lösenord som inte är din e-postadress och inte samma tecken om och om igen.",
      own_account: "Du kan inte stänga ditt eget konto – be en annan administratör.",
      import_has_errors: "Några rader har fel – rätta filen och provkör igen. Ingenting har ändrats.",
      portfolio_not_yours: "Portföljen och intygsutkasten görs av BT-läkaren, huvudhandledaren eller studierektorn.",
      unknown_section: "Välj bland portföljens delar: placeringar, bedömningar, delmål, IUP, handledning och handlingsplaner.",
      unknown_delmal: "Okänt delmål, eller samma delmål i två sammanslagna intyg. Skriv t.ex. BT3+BT4.",
      private_from_start: "En anteckning blir privat bara när den påbörjas – andra kan redan ha läst den här. Börja ett nytt samtal markerat som privat.",
      identity_number: "Texten innehåller ett personnummer, som aldrig får sparas.", forbidden: "Du har inte behörighet till det här steget.",
      network: "Ingen kontakt med servern.", server: "Serverfel – försöker igen senare.", server_error: "Serverfel – försök igen om en stund.",
      own_assessment: "Du kan inte bedöma dig själv: ange en kollega (och kollegans egen e-post).",
      too_deep: "Innehållet är nästlat för djupt.", too_large: "Det som skickades är för stort; skicka mindre åt gången.",
      rate_limited: "För många försök; vänta en stund och försök igen.", not_logged_in: "Logga in först.",
      method_not_allowed: "Det här går inte att göra här.",
      database_unavailable: "Servern når inte sin databas just nu; försök igen om en stund.",
      not_your_field: "Det fältet är inte ditt att fylla i (betyg och återkoppling fyller bedömaren i). Ändringen sparades inte.",
      others_part_filled: "Bedömaren har redan fyllt i sin del, så utkastet tas inte bort. Be bedömaren ta bort det, eller gör klart det tillsammans.",
    },
    filled_by: (who) => `Fylls i av ${who}`, filled_by_trainee: "BT-läkaren", filled_by_assessor: "bedömaren", filled_by_supervisor: "handledaren",
    filled_by_or: " eller ",
    their_part: "Bedömaren fyller i sin del och signerar; du ser den här när den är klar.",
    their_part_trainee: "BT-läkaren fyller i sin del först; sedan kan du signera.",
    not_filled_yet: "inte ifyllt än",
    optional: "valfritt",
    field: "Fält", this_device: "den här enheten", you_elsewhere: "dig på en annan enhet", colleague: "en kollega",
    reflection_saved: "Reflektion", countersign: "Kontrasignera", returned_reason: "Anledning",
    rq_title: "Be om bedömning",
    rq_network: "Ingen kontakt med servern.",
    rq_displaced: "En annan enhet hann öppna förfrågan först. Det du skrev har sparats och visas för BT-läkarens handledare bredvid det andra svaret.",
    rq_claim_attempts: (at, who) => `Någon försökte öppna förfrågan på en annan enhet${at ? ` kl. ${at} (UTC)` : ""}. Var det inte du? Säg till ${who}.`,
  },
  en: { reasons: {} }, // js/i18n-en.js, loaded when chosen; the views add their own
};
let lang = (typeof localStorage !== "undefined" && localStorage.getItem("bedside.lang")) || "sv";
document.documentElement.lang = lang;
export const getLang = () => lang;
export async function setLang(next) {
  lang = next === "en" ? "en" : "sv";
  localStorage.setItem("bedside.lang", lang);
  document.documentElement.lang = lang;
  if (lang === "en") await loadEnglish();
}
let english = null;
/** The shell's English texts (the views' own are added by addStrings either way). */
export function loadEnglish() {
  english ||= import("./i18n-en.js").then(({ EN }) => {
    Object.assign(STRINGS.en, { ...EN, ...STRINGS.en, reasons: { ...EN.reasons, ...STRINGS.en.reasons } });
  });
  return english;
}
/** A view's own texts ({sv: {...}, en: {...}}), added when the view is first loaded: what only one
 * screen needs does not weigh on everyone's first visit. */
export function addStrings(more) {
  for (const l of Object.keys(STRINGS)) {
    const { reasons = {}, ...rest } = more[l] || {};
    Object.assign(STRINGS[l], rest);
    Object.assign(STRINGS[l].reasons, reasons);
  }
}
/** A UI string; functions are called with the extra arguments. */
export function t(key, ...args) {
  const v = STRINGS[lang][key] ?? STRINGS.sv[key] ?? key;
  return typeof v === "function" ? v(...args) : v;
}
export const reasonText = (reason) => STRINGS[lang].reasons[reason] || STRINGS[lang].reasons.invalid
  || STRINGS.sv.reasons[reason] || STRINGS.sv.reasons.invalid;
/** A catalog label {sv, en} in the current language (falls back to Swedish). */
export function tr(label) {
  if (label == null) return "";
  if (typeof label === "string") return label;
  return label[lang] ?? label.sv ?? "";
}

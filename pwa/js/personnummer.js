// Detect Swedish personnummer / samordningsnummer (valid Luhn check digit, plausible date)
// in free text. Mirrors server/privacy/personnummer.py; tests/test_personnummer.py checks
// both against the same corpus. No lookbehind, so older Safari can parse it.

export const IDENTITY_MESSAGE_SV =
  "Texten ser ut att innehålla ett personnummer eller samordningsnummer. Patientens identitet får aldrig sparas – ta bort numret eller beskriv patienten utan det (till exempel med åldersgrupp).";

const CANDIDATE = /(?=[0-9]{6})(18|19|20)?([0-9]{2})([01][0-9])([0-9]{2})[-+ \u00a0\u2010-\u2013]?([0-9]{4})(?![0-9])/g;
const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isDigit = (c) => c >= "0" && c <= "9";
const isLeap = (y) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);

function luhnOk(digits) {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(i) - 48;
    if (i % 2 === 0) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
  }
  return sum % 10 === 0;
}

function classify(century, yy, mm, dd, tail) {
  const month = +mm;
  let day = +dd;
  if (month < 1 || month > 12) return null;
  let kind = "personnummer";
  if (day > 60) { day -= 60; kind = "samordningsnummer"; }
  if (day < 1 || day > DAYS[month - 1]) return null;
  if (month === 2 && day === 29) {
    const years = century ? [+century * 100 + +yy] : [1900 + +yy, 2000 + +yy];
    if (!years.some(isLeap)) return null;
  }
  return luhnOk(yy + mm + dd + tail) ? kind : null;
}

export function findIdentityNumbers(text) {
  const found = [];
  if (typeof text !== "string" || text.length < 10) return found;
  const re = new RegExp(CANDIDATE);
  let m;
  while ((m = re.exec(text)) !== null) {
    if (m.index > 0 && isDigit(text[m.index - 1])) { re.lastIndex = m.index + 1; continue; }
    const kind = classify(m[1], m[2], m[3], m[4], m[5]);
    if (kind) found.push({ start: m.index, end: m.index + m[0].length, kind });
  }
  return found;
}

export function containsIdentityNumber(text) {
  return findIdentityNumbers(text).length > 0;
}

const escapeToken = (k) => String(k).replace(/~/g, "~0").replace(/\//g, "~1");

// JSON Pointers of every string value (in a nested object/array) that contains an identity number.
export function findIdentityFields(doc, prefix = "") {
  const found = [];
  const walk = (value, pointer) => {
    if (typeof value === "string") {
      if (containsIdentityNumber(value)) found.push(pointer);
    } else if (Array.isArray(value)) {
      value.forEach((child, i) => walk(child, `${pointer}/${i}`));
    } else if (value && typeof value === "object") {
      for (const key of Object.keys(value)) walk(value[key], `${pointer}/${escapeToken(key)}`);
    }
  };
  walk(doc, prefix);
  return found;
}

/** A random UUID without an identity number in it: about one in ten thousand random UUIDs holds a
 * valid personnummer, which the server (rightly) refuses in any id. */
export function newId() {
  for (;;) {
    const id = crypto.randomUUID();
    if (!containsIdentityNumber(id)) return id;
  }
}

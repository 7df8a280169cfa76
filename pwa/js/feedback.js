// Feedback that helps (seed 000, "Strukturerad återkoppling"): a form version's feedback rules
// (catalog `feedback_rules`, evaluated the same way by server/catalog/feedback.py; the cases both must
// agree on are tests/data/feedback_hints.json) give its feedback fields short prompts as help text and a
// gentle hint as the assessor types; signing without an agreed action asks once. Loaded with a form
// that has rules, never part of the shell.
import { addStrings, t, tr } from "./i18n.js";
import { h } from "./render/dom.js";

addStrings({
  sv: { fb_sign_anyway: "Signera ändå", fb_write: "Skriv en åtgärd" },
  en: { fb_sign_anyway: "Sign anyway", fb_write: "Write an action" },
});

const SPACE = "[ \\t\\n\\v\\f\\r\\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]+";
const TRIM = new RegExp(`^${SPACE}|${SPACE}$`, "g");

/** Characters (code points) of a text after trimming white space; 0 for anything that is not text. */
export const textLength = (v) => (typeof v === "string" ? [...v.replace(TRIM, "")].length : 0);

function valueAt(data, pointer) {
  let node = data;
  for (const key of pointer.slice(1).split("/")) {
    if (node == null || typeof node !== "object" || Array.isArray(node) || !Object.hasOwn(node, key)) return null;
    node = node[key];
  }
  return node;
}

const holds = (r, data) => textLength(valueAt(data, r.field)) < r.min
  && (r.kind !== "only_corrective" || textLength(valueAt(data, r.corrective)) > 0);

/** Every hint that holds for `data`, in the rules' order: `[{code, field}]`. */
export const hints = (rules, data) => rules.rules.filter((r) => holds(r, data)).map((r) => ({ code: r.code, field: r.field }));

/** The first `required_for_sign` rule that holds (signing asks once), or undefined. */
export const signRule = (rules, data) => rules.rules.find((r) => r.kind === "required_for_sign" && holds(r, data));

const asked = new Set(); // documents whose signer was asked already: once is enough

/**
 * Prompts and live hints on a rendered form (`renderForm`'s result, every section built). Returns
 * `refresh()` (after the form showed new data) and `beforeSign(show)`: resolves true to sign, false to
 * stay and write; `show(card | null)` puts the question where the sign button is. It is asked once per
 * document: whoever chose to write and then signs again is not asked a second time.
 */
export function attach(rules, rendered, docId) {
  const named = new Set([...rules.rules.flatMap((r) => [r.field, r.corrective]), ...Object.keys(rules.prompts)]);
  const order = [...rendered.handles.keys()].filter((p) => named.has(p));
  const input = (p) => rendered.handles.get(p)?.widget.inputs[0];
  const data = () => {
    const out = {};
    for (const p of order) {
      const keys = p.slice(1).split("/");
      let node = out;
      keys.slice(0, -1).forEach((k) => { node = node[k] ||= {}; });
      node[keys[keys.length - 1]] = input(p)?.value ?? null;
    }
    return out;
  };
  const touched = new Set(order.filter((p) => textLength(input(p)?.value)));
  const slots = new Map();
  for (const p of order) {
    const { el } = rendered.handles.get(p).widget;
    const field = input(p);
    const prompt = rules.prompts[p];
    if (prompt) {
      let help = el.querySelector(":scope > .help");
      if (!help) {
        help = h("p.help", { id: `${field.id}-help` });
        el.querySelector(":scope > label, :scope > legend")?.after(help);
        field.setAttribute("aria-describedby", `${help.id} ${field.getAttribute("aria-describedby") || ""}`.trim());
      }
      help.textContent = tr(prompt);
    }
    if (!rules.rules.some((r) => r.field === p)) continue;
    const slot = h("div.hint-slot", { role: "status", id: `${field.id}-hint` });
    el.querySelector(":scope > .control")?.after(slot);
    field.setAttribute("aria-describedby", `${field.getAttribute("aria-describedby") || ""} ${slot.id}`.trim());
    slots.set(p, slot);
    // Typing here counts as having been past every field before it; leaving a field, that field.
    el.addEventListener("input", () => { order.slice(0, order.indexOf(p) + 1).forEach((q) => touched.add(q)); refresh(); });
    el.addEventListener("focusout", () => { touched.add(p); refresh(); });
  }

  function refresh() {
    const now = data();
    for (const [p, slot] of slots) {
      const rule = touched.has(p) && !input(p)?.disabled ? rules.rules.find((r) => r.field === p && holds(r, now)) : null;
      if ((slot.dataset.code || "") === (rule?.code || "")) continue; // a live region: speak only on change
      slot.dataset.code = rule?.code || "";
      slot.replaceChildren(...(rule ? [h("p.info.hint", { "data-hint": rule.code }, tr(rule.hint))] : []));
    }
  }
  refresh();

  function beforeSign(show) {
    const rule = signRule(rules, data());
    if (!rule || asked.has(docId)) return Promise.resolve(true);
    asked.add(docId);
    return new Promise((resolve) => {
      const done = (sign) => {
        show(null);
        if (!sign) input(rule.field)?.focus();
        resolve(sign);
      };
      const yes = h("button.primary", { type: "button", id: "sign-anyway", onclick: () => done(true) }, t("fb_sign_anyway"));
      show(h("div.card", { id: "sign-confirm", role: "group", "aria-labelledby": "sign-confirm-q" },
        h("p", { id: "sign-confirm-q" }, h("strong", {}, tr(rule.confirm))), h("p.help", {}, tr(rule.hint)),
        h("div.row", {}, yes, h("button", { type: "button", id: "sign-write", onclick: () => done(false) }, t("fb_write")))));
      yes.focus();
    });
  }

  return { refresh, beforeSign };
}

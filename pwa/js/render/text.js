// Text, textarea, number and date inputs. Free text shows a character count and is checked for
// personnummer on every keystroke: a hit is shown at once and never stored or sent.
import { h } from "./dom.js";
import { t } from "../i18n.js";
import { frame } from "./field.js";
import { containsIdentityNumber, IDENTITY_MESSAGE_SV } from "../personnummer.js";
import { getLang } from "../i18n.js";

const IDENTITY_MESSAGE_EN = "The text looks like it contains a personal identity number (personnummer or samordningsnummer). Patient identity must never be stored: remove the number or describe the patient without it (for example by age band).";
export const identityMessage = () => (getLang() === "en" ? IDENTITY_MESSAGE_EN : IDENTITY_MESSAGE_SV);

export function render(field, ctx) {
  const f = frame(field, { group: false, required: ctx.required });
  const kind = field.widget;
  const prop = ctx.prop || {};
  const max = prop.maxLength;
  const isText = kind === "text" || kind === "textarea";
  const attrs = {
    id: f.id, disabled: !ctx.editable, "aria-describedby": f.describedBy, name: field.field,
    maxLength: isText && max ? max : undefined,
  };
  let input;
  if (kind === "textarea") input = h("textarea", { ...attrs, rows: 4 });
  else if (kind === "number") input = h("input", { ...attrs, type: "number", inputMode: "numeric", min: prop.minimum, max: prop.maximum, step: prop.type === "integer" ? 1 : "any" });
  else if (kind === "date") input = h("input", { ...attrs, type: "date" });
  else input = h("input", { ...attrs, type: "text", autocomplete: "off" });
  const count = isText ? h("p.count", { "aria-live": "polite" }) : null;
  const showCount = () => { if (count) count.textContent = t("chars", input.value.length, max); };
  input.addEventListener("input", () => {
    showCount();
    let value = input.value;
    if (isText && containsIdentityNumber(value)) {
      f.setError(identityMessage(), [input]);
      input.dataset.identity = "1";
      return; // kept only in the input: not stored, not queued
    }
    if (input.dataset.identity) { delete input.dataset.identity; f.setError("", [input]); }
    if (kind === "number") value = value === "" ? null : Number(value);
    else if (value === "") value = null;
    ctx.onInput(value);
  });
  f.body.append(input);
  if (count) f.body.append(count);
  return {
    el: f.el, frame: f, inputs: [input],
    set(value) {
      if (document.activeElement === input || input.dataset.identity) return; // never overwrite what is being typed
      input.value = value == null ? "" : String(value);
      showCount();
    },
    focus() { input.focus(); },
  };
}

// One of a few options: radio buttons as segmented tap targets (wrapping when they do not fit);
// `renderMany`: any of them (checkboxes, the value a list in the options' order).
import { h } from "./dom.js";
import { t, tr } from "../i18n.js";
import { frame } from "./field.js";

export function options(field, prop, vocab) {
  if (field.options) return Object.entries(field.options).map(([value, lab]) => ({ value: coerce(value, prop), label: lab }));
  if (vocab) return vocab.terms.map((term) => ({ value: term.value, label: term.label }));
  return (prop?.enum || []).map((value) => ({ value, label: { sv: String(value), en: String(value) } }));
}

const coerce = (value, prop) => {
  const e = prop?.enum || prop?.items?.enum || (prop?.oneOf || []).map((o) => o.const);
  return e.find((x) => String(x) === value) ?? value;
};

/** From this many options: a native list (one row, the phone's own picker) instead of tap targets. */
export const LIST_FROM = 9;

export function render(field, ctx) {
  const opts = options(field, ctx.prop, ctx.vocab);
  return opts.length >= LIST_FROM ? renderList(field, ctx, opts) : renderTaps(field, ctx, opts, false);
}

export function renderMany(field, ctx) {
  return renderTaps(field, ctx, options(field, ctx.prop, ctx.vocab), true);
}

/** Tap targets: radio buttons (one value), or with `many` checkboxes (a list in the options' order); six
 * options or more (always for `many`) in two columns. */
function renderTaps(field, ctx, opts, many) {
  const f = frame(field, { group: true, required: ctx.required });
  const row = h(many ? "div.taps.seg.many.grid" : opts.length >= 6 ? "div.taps.seg.grid" : "div.taps.seg");
  const inputs = opts.map((o, i) => {
    const input = h("input", {
      type: many ? "checkbox" : "radio", name: many ? undefined : f.id, id: `${f.id}-${i}`, disabled: !ctx.editable,
      "aria-describedby": f.describedBy,
      onchange: () => ctx.onInput(many ? inputs.filter(([x]) => x.checked).map(([, v]) => v) : o.value),
    });
    row.append(input, h("label", { htmlFor: input.id, "data-value": JSON.stringify(o.value), className: "tap" }, tr(o.label)));
    return [input, o.value];
  });
  f.body.append(row);
  const holds = many ? (value, v) => Array.isArray(value) && value.includes(v) : (value, v) => v === value;
  return {
    el: f.el, frame: f, inputs: inputs.map(([i]) => i),
    set(value) { for (const [input, v] of inputs) input.checked = holds(value, v); },
    focus() { inputs[0]?.[0].focus(); },
  };
}

function renderList(field, ctx, opts) {
  const f = frame(field, { group: false, required: ctx.required });
  const select = h("select", { id: f.id, disabled: !ctx.editable, "aria-describedby": f.describedBy, name: field.field,
    onchange: () => ctx.onInput(select.selectedIndex > 0 ? opts[select.selectedIndex - 1].value : null) },
    h("option", { value: "" }, t("choose_option")), opts.map((o, i) => h("option", { value: String(i), "data-value": JSON.stringify(o.value) }, tr(o.label))));
  f.body.append(select);
  return {
    el: f.el, frame: f, inputs: [select],
    set(value) { select.selectedIndex = opts.findIndex((o) => o.value === value) + 1; },
    focus() { select.focus(); },
  };
}

export function label(value, field, prop, vocab) {
  if (Array.isArray(value)) return value.map((v) => label(v, field, prop, vocab)).join(", ");
  const o = options(field, prop, vocab).find((x) => x.value === value);
  return o ? tr(o.label) : value == null ? "" : String(value);
}

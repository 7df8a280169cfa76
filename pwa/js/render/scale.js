// A rating scale from a shared vocabulary: one row of tap targets, grouped by band with each band's
// name under its group (tied to its options by aria-describedby), and "ej observerat" as a toggle of
// its own in the same radio group (tapped again, it clears the answer).
import { h } from "./dom.js";
import { tr } from "../i18n.js";
import { frame } from "./field.js";

export function render(field, ctx) {
  const vocab = ctx.vocab || { terms: [] };
  const f = frame(field, { group: true, required: ctx.required });
  const no = vocab.not_observed;
  const inputs = [];
  let now;
  const radio = (term, i, band) => {
    const num = typeof term.value === "number";
    const input = h("input", {
      type: "radio", name: f.id, id: `${f.id}-${i}`, disabled: !ctx.editable,
      "aria-describedby": [band, f.describedBy].filter(Boolean).join(" "),
      onchange: () => ctx.onInput(now = term.value),
      onclick: () => { if (term.value === no && now === no) { input.checked = false; ctx.onInput(now = null); } },
    });
    inputs.push([input, term.value]);
    return [input, h("label", { htmlFor: input.id, "data-value": JSON.stringify(term.value), className: num ? "tap" : "tap txt" },
      num ? term.value : tr(term.label), num && !band ? h("span.sr", {}, ` ${tr(term.label)}`) : null)];
  };
  const terms = vocab.terms.map((term, i) => [term, i]).filter(([term]) => term.value !== no);
  const groups = (vocab.bands || []).map((b) => [b, terms.filter(([term]) => term.band === b.id)]).filter(([, m]) => m.length);
  const rest = terms.filter(([term]) => !groups.some(([b]) => b.id === term.band));
  if (rest.length) groups.push([null, rest]);
  f.body.append(h("div.taps", {}, groups.map(([b, m]) => {
    const id = b && `${f.id}-${b.id}`;
    const el = h("div.band", {}, m.map(([term, i]) => radio(term, i, id)), b && h("span.band-label", { id }, tr(b.label)));
    el.style.flexGrow = m.length;
    return el;
  })));
  // numbers without bands (1–5): the ends named under the row
  const [first] = rest[0] || [], [end] = rest[rest.length - 1] || [];
  if (typeof first?.value === "number") f.body.append(h("p.ends", { "aria-hidden": "true" }, [first, end].map((x) => h("span", {}, `${x.value} ${tr(x.label)}`))));
  const other = vocab.terms.findIndex((term) => term.value === no);
  if (other >= 0) f.body.append(h("div.no", {}, radio(vocab.terms[other], other)));
  return {
    el: f.el, frame: f, inputs: inputs.map(([i]) => i),
    set(value) { now = value; for (const [input, v] of inputs) input.checked = value != null && v === value; },
    focus() { inputs[0]?.[0].focus(); },
  };
}

/** A value shown as text (conflict view, read-only summaries). */
export function label(value, vocab) {
  const term = vocab?.terms.find((x) => x.value === value);
  if (!term) return value == null ? "" : String(value);
  return typeof value === "number" ? `${value} – ${tr(term.label)}` : tr(term.label);
}

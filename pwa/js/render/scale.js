// A rating scale from a shared vocabulary: large radio tap targets grouped by band, plus "ej observerat".
import { h } from "./dom.js";
import { tr } from "../i18n.js";
import { frame } from "./field.js";

export function render(field, ctx) {
  const vocab = ctx.vocab || { terms: [] };
  const f = frame(field, { group: true, required: ctx.required });
  const name = f.id;
  const inputs = [];
  const radio = (term, i) => {
    const input = h("input", {
      type: "radio", name, id: `${name}-${i}`, value: String(i), disabled: !ctx.editable,
      "aria-describedby": f.describedBy,
      onchange: () => ctx.onInput(term.value),
    });
    inputs.push([input, term.value]);
    const short = typeof term.value === "number" ? String(term.value) : tr(term.label);
    const label = h("label", { htmlFor: input.id, "data-value": JSON.stringify(term.value), className: typeof term.value === "number" ? "tap num" : "tap wide" },
      short, typeof term.value === "number" ? h("span.sr", {}, ` ${tr(term.label)}`) : null);
    return [input, label];
  };
  const terms = vocab.terms.map((term, i) => ({ term, i }));
  const bands = vocab.bands || [];
  const numeric = terms.filter(({ term }) => term.value !== vocab.not_observed);
  if (bands.length) {
    for (const band of bands) {
      const members = numeric.filter(({ term }) => term.band === band.id);
      if (!members.length) continue;
      f.body.append(h("div.band", {}, h("span.band-label", {}, tr(band.label)), h("div.taps", {}, members.map(({ term, i }) => radio(term, i)))));
    }
    const rest = numeric.filter(({ term }) => !bands.some((b) => b.id === term.band));
    if (rest.length) f.body.append(h("div.taps", {}, rest.map(({ term, i }) => radio(term, i))));
  } else {
    f.body.append(h("div.taps.list", {}, numeric.map(({ term, i }) => radio(term, i))));
  }
  const no = terms.find(({ term }) => term.value === vocab.not_observed);
  if (no) f.body.append(h("div.taps", {}, radio(no.term, no.i)));
  return {
    el: f.el, frame: f, inputs: inputs.map(([i]) => i),
    set(value) { for (const [input, v] of inputs) input.checked = value !== undefined && value !== null && v === value; },
    focus() { inputs[0]?.[0].focus(); },
  };
}

/** A value shown as text (conflict view, read-only summaries). */
export function label(value, vocab) {
  const term = vocab?.terms.find((x) => x.value === value);
  if (!term) return value == null ? "" : String(value);
  return typeof value === "number" ? `${value} – ${tr(term.label)}` : tr(term.label);
}

// Render a catalog form (schema.json + ui.json + vocabularies) into accessible, phone-sized fields.
import { afterPaint, h } from "./dom.js";
import { t, tr } from "../i18n.js";
import { get, parse } from "../pointer.js";
import * as scale from "./scale.js";
import * as choice from "./choice.js";
import * as text from "./text.js";
import * as checkbox from "./checkbox.js";
import * as conflictView from "./conflict.js";

const WIDGETS = {
  scale: scale.render, choice: choice.render, choices: choice.renderMany, text: text.render, textarea: text.render, number: text.render,
  date: text.render, checkbox: checkbox.render,
};

const DELMAL_LABELS = {
  outcome: { sv: "Bedömning", en: "Assessment" },
  how_checked: { sv: "Hur har det kontrollerats?", en: "How was it checked?" },
  evidence: { sv: "Bedömningar som visar det", en: "Assessments that show it" },
};

/** The 18 BT delmål, from the form's vocabulary (the header's ticks, Slutbedömning's rows). */
export function goals(form) {
  const vocab = Object.values(form.vocabularies || {}).find((v) => v.id === "bt-delmal");
  return vocab ? vocab.terms : Array.from({ length: 18 }, (_, i) => ({ value: `BT${i + 1}`, label: { sv: `BT${i + 1}`, en: `BT${i + 1}` } }));
}

/** The schema node at a data pointer, with `$ref`s into the form's vocabularies or $defs resolved. */
export function schemaAt(form, pointer) {
  let node = form.schema, required = false;
  for (const key of parse(pointer)) {
    node = deref(form, node);
    required = (node?.required || []).includes(key);
    node = node?.properties?.[key] ?? node?.additionalProperties ?? node?.patternProperties?.[Object.keys(node?.patternProperties || {})[0]];
  }
  return { prop: node, required, vocab: vocabOf(form, node) };
}

function deref(form, node) {
  if (node?.$ref?.startsWith("#/")) return get(form.schema, node.$ref.slice(1));
  return node;
}

function vocabOf(form, node) {
  const ref = node?.$ref || node?.items?.$ref;
  return ref && form.vocabularies?.[ref] ? form.vocabularies[ref] : null;
}

/**
 * The first section is built at once (the first screen); the others follow one per task after the
 * first paint (`opts.onComplete` when all are there). Anything that needs every field (validate, a
 * server error) builds the rest first. `opts.section(s)` says whether this user fills section `s` in
 * (`fill`: else its fields stay read-only) and a `note` for its header. `opts.delmal`: the delmål
 * renderer (./delmal.js, loaded by forms that have one).
 */
export function renderForm(form, doc, opts) {
  const handles = new Map(); // pointer -> {widget, field, ctx}
  let data = doc.data || {};
  let editable = opts.editable;
  let last = doc;
  const root = h("div.form");

  const build = (field, into, mine) => {
    const { prop, required, vocab } = schemaAt(form, field.field);
    const ctx = {
      prop: deref(form, prop), vocab, required, editable: editable && mine, evidenceOptions: opts.evidenceOptions,
      onInput: (value) => {
        data = structuredClone(data);
        setLocal(data, field.field, value);
        handle.widget.frame.setError("", handle.widget.inputs);
        applyShowIf();
        opts.onInput(field.field, value);
      },
    };
    const widget = (field.widget === "evidence" ? opts.delmal.renderEvidence : WIDGETS[field.widget] || text.render)(field, ctx);
    widget.el.dataset.pointer = field.field;
    const handle = { widget, field, ctx, vocab, prop: ctx.prop, mine };
    handles.set(field.field, handle);
    into.append(widget.el);
    return handle;
  };

  const format = (handle, value) => {
    if (handle.field.widget === "scale") return scale.label(value, handle.vocab);
    if (handle.field.widget.startsWith("choice")) return choice.label(value, handle.field, handle.prop, handle.vocab);
    if (Array.isArray(value)) return value.join(", ");
    if (typeof value === "boolean") return value ? "✓" : "–";
    return value == null ? "" : String(value);
  };

  // A section whose required fields are all answered folds to its heading and a one-line summary
  // once focus moves to another section (no extra tap); one with an error or conflict stays open.
  const sections = [];
  let current = null;
  const section = (s) => {
    const { fill: mine = true, note = null } = opts.section?.(s) || {};
    const body = h("div", { id: `sec-${s.id}-body` });
    const open = h("button.sec-open", { type: "button", hidden: true, "aria-expanded": "false", "aria-controls": body.id,
      onclick: () => { current = x; fold(x, false); built.find(shown)?.widget.focus(); } });
    const heading = h("h2", { id: `sec-${s.id}` }, tr(s.title));
    const sec = h(`section.form-section${note ? ".not-mine" : ""}`, { "aria-labelledby": `sec-${s.id}`, "data-section": s.id },
      heading, open, body);
    if (note) body.append(h("p.filled-by", { id: `sec-${s.id}-by` }, note));
    if (s.description) body.append(h("p.help", {}, tr(s.description)));
    const built = [];
    // someone else's part (the trainee's reflection for the assessor): folded to a line until opened
    // an optional part (nothing in it required): folded to "Valfritt" until she opens it or it has answers
    const x = { sec, heading, body, open, built, filledBy: note, optional: !!s.optional && !note, title: tr(s.title) };
    for (const field of s.fields) {
      if (field.widget === "delmal") {
        for (const g of opts.delmal.expand(field, form, DELMAL_LABELS, opts.relevantGoals)) {
          g.fields.forEach((sub) => built.push(build(sub, g.container, mine)));
          body.append(g.container);
        }
      } else built.push(build(field, body, mine));
    }
    // two number fields side by side share a row; one alone takes the whole row (its label on one line)
    for (const el of body.querySelectorAll(":scope > .field-number:not(.field-half)")) {
      if (!el.previousElementSibling?.matches(".field-number") && !el.nextElementSibling?.matches(".field-number")) el.classList.add("field-alone");
    }
    for (const handle of built) show(handle, last, true);
    root.append(sec);
    sections.push(x);
    applyShowIf();
    tidy();
  };
  root.addEventListener("focusin", (e) => { current = sections.find((x) => x.sec.contains(e.target)); tidy(); });

  const shown = (b) => !b.widget.el.closest("[hidden]:not(.form-section>div)");
  const missing = (b, conditional) => {
    const p = b.field.field, v = get(data, p);
    // `required` inside an object holds only once the object is there (a delmål row nobody began)
    const parent = p.slice(0, p.lastIndexOf("/"));
    return ((b.ctx.required && (!parent || get(data, parent) != null)) || conditional.has(p))
      && (v == null || v === "" || (Array.isArray(v) && !v.length)) && shown(b);
  };
  const done = (x, c) => x.built.every((b) => !missing(b, c) && !b.widget.conflicted && !b.widget.el.matches(".has-error"))
    && x.built.some((b) => get(data, b.field.field) != null);
  function fold(x, closed) {
    x.body.hidden = closed;
    x.open.hidden = !closed;
    const line = x.built.filter(shown).map((b) => {
      const v = get(data, b.field.field), w = b.field.widget;
      return v == null || v === "" ? "" : w === "scale" || w === "number" ? `${tr(b.field.label)} ${typeof v === "number" ? v : format(b, v)}` : format(b, v);
    }).filter(Boolean).join(" · ");
    // an untouched optional part is one line, its title the button: "Om dig som bedömer (valfritt)"
    const bare = closed && x.optional && !line;
    x.heading.hidden = bare;
    x.open.textContent = x.filledBy ? `${x.filledBy}: ${line || t("not_filled_yet")}` : bare ? `${x.title} (${t("optional")})` : line;
  }
  const untouched = (x) => x.built.every((b) => { const v = get(data, b.field.field); return v == null || v === "" || (Array.isArray(v) && !v.length); });
  const troubled = (x) => x.built.some((b) => b.widget.conflicted || b.widget.el.matches(".has-error"));
  /** Fold the complete sections she is not in, open the others; the focused field stays where it was on screen. */
  function tidy() {
    const c = conditionallyRequired(form.schema, data);
    const a = root.contains(document.activeElement) && document.activeElement, y = a && a.getBoundingClientRect().top;
    for (const x of sections) {
      const d = x.filledBy ? !troubled(x) : x.optional && untouched(x) ? x !== current && !troubled(x) : done(x, c);
      if (x.body.hidden ? !d : d && x !== current) fold(x, d);
    }
    if (a) scrollBy(0, a.getBoundingClientRect().top - y);
  }

  const waiting = [...(form.ui.sections || [])];
  if (waiting.length) section(waiting.shift());
  let timer = null;
  const next = () => {
    timer = null;
    if (waiting.length) section(waiting.shift());
    applyShowIf();
    if (waiting.length) timer = setTimeout(next, 0);
    else opts.onComplete?.();
  };
  /** Build what is still missing, now. */
  function complete() {
    if (!waiting.length) return;
    clearTimeout(timer);
    while (waiting.length) section(waiting.shift());
    applyShowIf();
    opts.onComplete?.();
  }
  // The rest after the first frame.
  if (waiting.length) afterPaint(() => { if (waiting.length && timer === null) next(); });
  else queueMicrotask(() => opts.onComplete?.());

  function applyShowIf() {
    for (const { widget, field } of handles.values()) {
      const rule = field.show_if;
      if (rule) widget.el.hidden = get(data, rule.field) !== rule.equals;
    }
  }

  /** One field shows `next`: its value, a conflict if there is one, enabled or not. */
  function show(handle, next, changedEditable) {
    const pointer = handle.field.field;
    const conflict = next.conflicts?.[pointer];
    const { widget } = handle;
    widget.set(get(data, pointer));
    if (widget.frame.conflict.firstChild) widget.frame.conflict.replaceChildren();
    if (conflict) {
      widget.frame.conflict.append(conflictView.render(conflict, {
        format: (v) => format(handle, v), who: opts.who, editable: editable && handle.mine, legend: tr(handle.field.label),
        onPick: (value) => opts.onResolve(pointer, value),
      }));
    }
    if (changedEditable || conflict || widget.conflicted) {
      for (const i of widget.inputs) i.disabled = !editable || !handle.mine || !!conflict;
    }
    widget.conflicted = !!conflict;
  }

  function update(next, { editable: e = editable } = {}) {
    data = next.data || {};
    last = next;
    const changedEditable = e !== editable;
    editable = e;
    for (const handle of handles.values()) show(handle, next, changedEditable);
    applyShowIf();
    tidy();
  }

  /** Required fields that are empty (visible ones only): shown where they are; returns the count. */
  function validate() {
    complete();
    let first = null, firstMine = null, count = 0;
    const conditional = conditionallyRequired(form.schema, data);
    for (const handle of handles.values()) {
      const gap = missing(handle, conditional);
      const identity = handle.widget.inputs.some((i) => i.dataset.identity);
      if (gap) handle.widget.frame.setError(t("required"), handle.widget.inputs);
      if (gap || identity) { count++; first ||= handle; if (handle.mine) firstMine ||= handle; }
    }
    tidy();
    first = firstMine || first; // focus what this user can fill in, before what someone else fills in
    if (first) {
      const d = first.widget.el.closest("details");
      if (d) d.open = true;
      first.widget.focus();
    }
    return count;
  }

  /** A server message naming a field: show it at that field. */
  function showServerError(pointer, message) {
    complete();
    const handle = handles.get(pointer);
    if (handle) handle.widget.frame.setError(message, handle.widget.inputs);
    tidy();
    return !!handle;
  }

  applyShowIf();
  return { el: root, update, validate, showServerError, complete, handles };
}

/** Top-level `if {properties: {x: {const}}} then {required}` rules (alone or in allOf) that hold for `data`. */
function conditionallyRequired(schema, data) {
  const out = new Set();
  for (const rule of [schema, ...(schema.allOf || [])]) {
    const cond = rule.if?.properties;
    if (!cond || !rule.then?.required) continue;
    const holds = Object.entries(cond).every(([k, c]) => ("const" in c ? data[k] === c.const : "enum" in c ? c.enum.includes(data[k]) : true));
    if (holds) rule.then.required.forEach((k) => out.add(`/${k}`));
  }
  return out;
}

function setLocal(data, pointer, value) {
  const keys = parse(pointer);
  let v = data;
  keys.slice(0, -1).forEach((k) => { if (v[k] == null || typeof v[k] !== "object") v[k] = {}; v = v[k]; });
  v[keys[keys.length - 1]] = value;
}

// Slutbedömning's BT delmål: one collapsible group per goal (BT1…BT18), each an outcome, a
// "hur har det kontrollerats" text and links to assessments that give evidence. The form
// renderer gets plain sub-fields back, so conflicts, errors and storage work as for any field.
import { h } from "./dom.js";
import { tr, t } from "../i18n.js";
import { frame } from "./field.js";
import { goals } from "./form.js";

/** Sub-fields per goal, each with a container to render into; the goals in ``relevant`` (those the
 * placement's assessments showed) first, marked. */
export function expand(field, form, labels, relevant = new Set()) {
  const groups = [];
  const all = goals(form);
  const ordered = [...all.filter((g) => relevant.has(String(g.value))), ...all.filter((g) => !relevant.has(String(g.value)))];
  for (const goal of ordered) {
    const key = String(goal.value);
    const base = `${field.field}/${key}`;
    const details = h("details.goal", { "data-goal": key, "data-shown": relevant.has(key) || null },
      h("summary", {}, h("span.goal-id", {}, key), " ", tr(goal.label)));
    groups.push({
      container: details,
      fields: [
        { field: `${base}/outcome`, widget: "choice", label: labels.outcome },
        { field: `${base}/how_checked`, widget: "textarea", label: labels.how_checked },
        { field: `${base}/evidence`, widget: "evidence", label: labels.evidence },
      ],
    });
  }
  return groups;
}

/** Assessment ids that give evidence: checkboxes over the trainee's assessments on this device. */
export function renderEvidence(field, ctx) {
  const f = frame(field, { group: true, required: false });
  const choices = ctx.evidenceOptions || [];
  let current = [];
  const inputs = choices.map((c, i) => {
    const input = h("input", { type: "checkbox", id: `${f.id}-${i}`, disabled: !ctx.editable,
      onchange: () => {
        const next = new Set(current);
        if (input.checked) next.add(c.id); else next.delete(c.id);
        current = choices.map((x) => x.id).filter((id) => next.has(id));
        ctx.onInput(current);
      } });
    f.body.append(h("div.option", {}, input, h("label", { htmlFor: input.id, className: "tap wide" }, c.label)));
    return [input, c.id];
  });
  if (!choices.length) f.body.append(h("p.help", {}, t("none")));
  return {
    el: f.el, frame: f, inputs: inputs.map(([i]) => i),
    set(value) { current = Array.isArray(value) ? value : []; for (const [input, id] of inputs) input.checked = current.includes(id); },
    focus() { inputs[0]?.[0].focus(); },
  };
}

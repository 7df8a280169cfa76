// A yes/no checkbox as a large tap target.
import { h } from "./dom.js";
import { tr } from "../i18n.js";
import { frame } from "./field.js";

export function render(field, ctx) {
  const f = frame({ ...field, label: null }, { group: false, required: false });
  f.el.querySelector("label")?.remove();
  const input = h("input", { type: "checkbox", id: f.id, disabled: !ctx.editable, "aria-describedby": f.describedBy,
    onchange: () => ctx.onInput(input.checked) });
  f.body.append(h("div.option", {}, input, h("label", { htmlFor: f.id, className: "tap wide" }, tr(field.label))));
  return { el: f.el, frame: f, inputs: [input], set(v) { input.checked = v === true; }, focus() { input.focus(); } };
}

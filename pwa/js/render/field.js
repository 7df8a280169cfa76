// The frame every widget sits in: label or legend, help, required mark, error and conflict slots.
import { h, uid } from "./dom.js";
import { t, tr } from "../i18n.js";

/** A wrapper; `group` makes it a fieldset with a legend (scales, choices), else a div with a label. */
export function frame(field, { group, required, inputId }) {
  const id = inputId || uid();
  const helpId = `${id}-help`, errId = `${id}-err`;
  const mark = required ? h("span.req", { title: t("required") }, " *", h("span.sr", {}, ` (${t("required_mark")})`)) : null;
  const caption = group ? h("legend", {}, tr(field.label), mark) : h("label", { htmlFor: id }, tr(field.label), mark);
  const help = field.help ? h("p.help", { id: helpId }, tr(field.help)) : null;
  const error = h("p.error", { id: errId, hidden: true });
  const conflict = h("div.conflict-slot");
  const body = h("div.control");
  const el = h(group ? "fieldset" : "div", { className: `field field-${field.widget}${field.half ? " field-half" : ""}` }, caption, help, conflict, body, error);
  const describedBy = [help && helpId, errId].filter(Boolean).join(" ");
  return {
    el, body, id, describedBy, conflict,
    setError(message, inputs) {
      error.hidden = !message;
      error.textContent = message || "";
      el.classList.toggle("has-error", !!message);
      for (const i of inputs || []) i.setAttribute("aria-invalid", message ? "true" : "false");
    },
  };
}

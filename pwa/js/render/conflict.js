// A conflict on one field: every person's value side by side; the person picks one.
import { h } from "./dom.js";
import { t } from "../i18n.js";

export function render(conflict, { format, who, onPick, editable, legend }) {
  const sides = conflict.values.map((side, i) =>
    h("div.side", {},
      h("p.who", {}, t("conflict_by", who(side))),
      h("p.value", { "data-side": i }, format(side.value) || t("empty_value")),
      editable ? h("button.pick", { type: "button", onclick: () => onPick(side.value), "aria-label": `${t("conflict_pick")}: ${format(side.value) || t("empty_value")} (${who(side)})` }, t("conflict_pick")) : null));
  return h("div.conflict", { role: "group", "aria-label": `${t("conflict_title")}: ${legend}` },
    h("p.conflict-title", {}, t("conflict_title")), h("p.help", {}, t("conflict_help")), h("div.sides", {}, sides));
}

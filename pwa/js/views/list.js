// The person's assessments on this device: drafts, waiting for signature, signed; filtered by
// placement, form and state (the choice is kept on the device).
import { t, tr } from "../i18n.js";
import { h } from "../render/dom.js";
import { schemaAt } from "../render/form.js";
import { label as choiceLabel } from "../render/choice.js";
import { allDocs, kvGet, kvSet } from "../storage.js";
import { actions } from "../docs.js";
import { placements as loadPlacements } from "../api.js";

const STATES = ["draft", "submitted", "signed", "acknowledged", "countersigned"];

export async function show(main, app) {
  const body = h("div", { id: "device-list" });
  const bar = h("div.filters");
  // What waits for me and my people (views/home.js), loaded after the list is on screen.
  const homeSlot = h("div.home", { id: "home" });
  main.append(h("div.title-row", {}, h("h1", {}, t("list_title")),
    h("a.button.primary", { href: "#/ny", id: "new-assessment" }, t("new_assessment"))),
    ...(app.user.roles.includes("trainee") ? [h("p", {}, h("a", { href: "#/forfragningar", id: "requests-link" }, t("rq_title")))] : []),
    homeSlot, h("h2.list-heading", {}, t("on_this_device")), bar, body);
  let filter = (await kvGet("list_filter")) || {};
  let home = null;
  if (!app.user.link_doc) {
    import("./home.js").then(async (m) => { app.keepLater(); home = await m.mount(homeSlot, main, app); }, () => {});
  }
  const draw = async () => {
    // newest activity first (then the latest change): the day the encounter happened is what people look for
    const all = (await allDocs()).filter((d) => !d.deleted)
      .sort((a, b) => (b.observed_on || "").localeCompare(a.observed_on || "") || (b.updated || 0) - (a.updated || 0));
    const places = new Map(((await kvGet("placements")) || []).map((p) => [p.id, `${p.specialty} – ${p.unit}`]));
    const forms = new Map(all.map((d) => [d.form_id, tr(app.form(d.form_id, d.form_version)?.title) || d.form_id]));
    const select = (key, options) => h("label.filter", {}, t(key), h("select", { id: `filter-${key}`, onchange: (e) => {
      filter = { ...filter, [key]: e.target.value };
      kvSet("list_filter", filter);
      draw();
    } }, h("option", { value: "" }, t("all")), [...options].map(([value, text]) => h("option", { value, selected: filter[key] === value }, text))));
    bar.replaceChildren(select("placement", new Map(all.filter((d) => places.has(d.placement_id)).map((d) => [`${d.placement_id}`, places.get(d.placement_id)]))),
      select("form", forms), select("state", STATES.map((s) => [s, t(`status_${s}`)])));
    const is = (d) => ({ placement: `${d.placement_id}`, form: d.form_id, state: d.status });
    const docs = all.filter((d) => Object.entries(filter).every(([k, v]) => !v || is(d)[k] === v));
    const me = app.user.user_id;
    const toMe = (d) => d.status === "draft" && d.assessor_id === me && d.trainee_id !== me;
    const filtered = Object.values(filter).some(Boolean);
    const groups = [
      ...(docs.some(toMe) ? [["to_me", docs.filter(toMe)]] : []),
      ["drafts", docs.filter((d) => d.status === "draft" && !toMe(d))],
      ["waiting", docs.filter((d) => d.status === "submitted")],
      ["signed", docs.filter((d) => ["signed", "acknowledged", "countersigned"].includes(d.status))],
    ].filter(([, items]) => items.length || !filtered);
    body.replaceChildren(...groups.map(([key, items]) => h("section.group", { "aria-labelledby": `g-${key}` },
      h("h2", { id: `g-${key}` }, t(key), " ", h("span.count-badge", {}, String(items.length))),
      items.length ? h("ul.cards", {}, items.map((d) => item(app, d, places))) : h("p.muted", {}, t("none")))),
    groups.length ? "" : h("p.muted", { id: "no-match" }, t("no_match")));
  };
  await draw();
  // the placements' names, kept for offline use (the cards name the unit and specialty)
  loadPlacements().then((p) => kvSet("placements", p)).then(draw, () => {});
  return {
    onSync: () => { draw(); home?.redraw(); },
    onCatalog: () => { draw(); home?.redraw(); },
    dispose: () => home?.dispose(),
  };
}

/** The form's one-line summary (its catalog `summary_field`; a choice by its label), at most 60 characters. */
function summaryText(form, d) {
  const p = form?.summary_field, v = p && d.data?.[p.slice(1)];
  if (typeof v !== "string") return "";
  const { prop, vocab } = schemaAt(form, p);
  const s = choiceLabel(v, form.ui.sections.flatMap((x) => x.fields).find((f) => f.field === p) || {}, prop, vocab);
  return s.length > 60 ? `${s.slice(0, 59)}…` : s;
}

function item(app, d, places) {
  const form = app.form(d.form_id, d.form_version);
  const who = d.trainee_id === app.user.user_id ? d.assessor_name : d.trainee_name;
  const todo = actions(d, form, app.user).filter((a) => ["sign", "acknowledge", "countersign"].includes(a));
  return h("li", {}, h("a.card-link", { href: `#/a/${d.doc_id}` },
    h("span.card-title", {}, form ? tr(form.title) : d.form_id),
    h("span.card-meta", {}, [d.observed_on, summaryText(form, d), who, places.get(d.placement_id), t(`status_${d.status}`)].filter(Boolean).join(" · ")),
    d.pending ? h("span.badge", {}, t("not_synced")) : null,
    Object.keys(d.conflicts || {}).length ? h("span.badge.warn", {}, t("conflict_title")) : null,
    d.rejections?.length ? h("span.badge.warn", {}, t("rejected")) : null,
    todo.length ? h("span.badge.todo", {}, t(todo[0])) : null));
}

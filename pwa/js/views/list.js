// The person's assessments on this device: drafts, waiting for signature, signed.
import { t, tr } from "../i18n.js";
import { h } from "../render/dom.js";
import { allDocs } from "../storage.js";
import { actions } from "../docs.js";

export async function show(main, app) {
  const body = h("div");
  // What waits for me and my people (views/home.js), loaded after the list is on screen.
  const homeSlot = h("div.home", { id: "home" });
  main.append(h("div.title-row", {}, h("h1", {}, t("list_title")),
    h("a.button.primary", { href: "#/ny", id: "new-assessment" }, t("new_assessment"))),
    ...(app.user.roles.includes("trainee") ? [h("p", {}, h("a", { href: "#/forfragningar", id: "requests-link" }, t("rq_title")))] : []),
    homeSlot, h("h2.list-heading", {}, t("on_this_device")), body);
  let home = null;
  if (!app.user.link_doc) {
    import("./home.js").then(async (m) => { app.keepLater(); home = await m.mount(homeSlot, main, app); }, () => {});
  }
  const draw = async () => {
    // newest activity first (then the latest change): the day the encounter happened is what people look for
    const docs = (await allDocs()).filter((d) => !d.deleted)
      .sort((a, b) => (b.observed_on || "").localeCompare(a.observed_on || "") || (b.updated || 0) - (a.updated || 0));
    const me = app.user.user_id;
    const toMe = (d) => d.status === "draft" && d.assessor_id === me && d.trainee_id !== me;
    const groups = [
      ...(docs.some(toMe) ? [["to_me", docs.filter(toMe)]] : []),
      ["drafts", docs.filter((d) => d.status === "draft" && !toMe(d))],
      ["waiting", docs.filter((d) => d.status === "submitted")],
      ["signed", docs.filter((d) => ["signed", "acknowledged", "countersigned"].includes(d.status))],
    ];
    body.replaceChildren(...groups.map(([key, items]) => h("section.group", { "aria-labelledby": `g-${key}` },
      h("h2", { id: `g-${key}` }, t(key), " ", h("span.count-badge", {}, String(items.length))),
      items.length ? h("ul.cards", {}, items.map((d) => item(app, d))) : h("p.muted", {}, t("none")))));
  };
  await draw();
  return {
    onSync: () => { draw(); home?.redraw(); },
    onCatalog: () => { draw(); home?.redraw(); },
    dispose: () => home?.dispose(),
  };
}

function item(app, d) {
  const form = app.form(d.form_id, d.form_version);
  const who = d.trainee_id === app.user.user_id ? d.assessor_name : d.trainee_name;
  const todo = actions(d, form, app.user).filter((a) => ["sign", "acknowledge", "countersign"].includes(a));
  return h("li", {}, h("a.card-link", { href: `#/a/${d.doc_id}` },
    h("span.card-title", {}, form ? tr(form.title) : d.form_id),
    h("span.card-meta", {}, [d.observed_on, who, t(`status_${d.status}`)].filter(Boolean).join(" · ")),
    d.pending ? h("span.badge", {}, t("not_synced")) : null,
    Object.keys(d.conflicts || {}).length ? h("span.badge.warn", {}, t("conflict_title")) : null,
    d.rejections?.length ? h("span.badge.warn", {}, t("rejected")) : null,
    todo.length ? h("span.badge.todo", {}, t(todo[0])) : null));
}

// Requests: the trainee asks (e-mail or bedside QR, kept on the device for offline use) and follows
// them up; the assessor opens #/svar/<token> without an account (name remembered on the device).
import * as api from "../api.js";
import { t, tr, getLang } from "../i18n.js";
import { h } from "../render/dom.js";
import { getDoc, kvGet, kvSet } from "../storage.js";
import { flush, state } from "../outbox.js";
import { linkUser } from "../app.js";

async function load(fresh) {
  try { fresh = await api.requests(); await kvSet("requests", fresh); } catch { fresh = await kvGet("requests"); }
  return fresh || [];
}
const keep = async (r) => kvSet("requests", [r, ...((await kvGet("requests")) || []).filter((x) => x.id !== r.id)]);

export async function show(main, app, arg) {
  const id = location.hash.startsWith("#/forfragan/") && arg;
  const body = h("div");
  main.append(h("a.back", { href: id ? "#/forfragningar" : "#/" }, "← ", t("back")), body);
  const draw = () => (id ? detail : list)(body, app, id);
  await draw();
  return { onSync: draw };
}

async function list(body, app) {
  const all = await load();
  const forms = app.latestForms().filter((f) => f.workflow?.sign === "assessor" && f.workflow.start?.includes("trainee"));
  const sel = (...o) => h("select", {}, o.map(([v, l]) => h("option", { value: v }, l)));
  const fields = [["form", t("form"), sel(...forms.map((f) => [f.id, tr(f.title)]))],
    ["channel", t("rq_how"), sel(["bedside", t("rq_bedside")], ["email", t("rq_email")])],
    ["name", t("assessor_name"), h("input", { type: "text" })], ["email", t("assessor_email"), h("input", { type: "email" })],
    ["message", t("rq_message"), h("textarea", { rows: 2 })]];
  const val = Object.fromEntries(fields.map(([k, , el]) => [k, () => el.value.trim() || null]));
  const error = h("p.error", { role: "alert", hidden: true });
  body.replaceChildren(h("h1", {}, t("rq_title")), h("form.card", { onsubmit: async (e) => {
    e.preventDefault();
    try {
      const made = await api.requests("", { form_id: val.form(), channel: val.channel(), assessor_name: val.name(), assessor_email: val.email(), message: val.message() });
      await keep(made);
      app.navigate(`#/forfragan/${made.id}`);
    } catch (err) { error.textContent = err.offline ? t("rq_network") : err.message; error.hidden = false; }
  } }, fields.map(([k, label, el]) => [h("label", { htmlFor: `rq-${k}` }, label), Object.assign(el, { id: `rq-${k}` })]), error,
  h("button.primary", { type: "submit", id: "rq-create" }, t("rq_create"))),
  h("ul.cards", {}, all.map((r) => h("li", {}, h("a.card-link", { href: `#/forfragan/${r.id}` },
    h("span.card-title", {}, r.assessor_name), h("span.card-meta", {}, `${t(`rq_${r.status}`)} · ${r.created_at.slice(0, 10)}`))))));
}

async function detail(body, app, id) {
  const r = (await load()).find((x) => x.id === id);
  if (!r) return body.replaceChildren(h("h1", {}, t("not_found")));
  const open = ["sent", "opened", "in_progress"].includes(r.status);
  const step = (s, show) => show && h("button", { type: "button", id: `rq-${s}`, onclick: async () => {
    try { await keep(await api.requests(`/${r.id}/${s}`, {})); detail(body, app, id); } catch (err) { app.toast(err.offline ? t("rq_network") : err.message); }
  } }, t(`rq_do_${s}`));
  const qr = h("div.qr", { id: "qr", role: "img", "aria-label": t("rq_link") });
  qr.innerHTML = r.qr_svg || ""; // segno
  body.replaceChildren(h("div", {}, h("h1", {}, tr(app.form(r.form_id, r.form_version)?.title)),
    h("p.meta", {}, `${t("assessor")}: ${r.assessor_name} · `, h("span.status", { id: "request-status", "data-status": r.status }, t(`rq_${r.status}`))),
    r.decline_reason ? h("p.warn", {}, r.decline_reason) : null,
    open ? [h("p", {}, t("rq_scan")), qr, h("p", {}, h("a", { href: r.link, id: "rq-link" }, t("rq_link")))] : null,
    h("div.actions", {}, step("remind", open && r.assessor_email), step("renew", !["completed", "withdrawn"].includes(r.status)), step("withdraw", open))));
}

export async function answer(main, app) {
  const stored = await kvGet("link");
  const token = location.hash.match(/^#\/svar\/([\w-]+)/)?.[1] || stored?.token;
  if (!token) return app.navigate("#/login");
  api.setBearer(token);
  const same = stored?.token === token ? stored : null;
  let info, err;
  try { info = await api.link(); } catch (e) { err = e; info = e.offline && same; }
  if (info?.status === "completed" || (same && state.linkClosed === "link_used")) return main.append(h("h1", { id: "thanks" }, t("rq_thanks")));
  if (!info) {
    const why = err.offline ? "network" : err.status === 429 ? "limited" : err.reason;
    const text = why.startsWith("link_") && getLang() === "en" ? err.message : t(`rq_${why}`);
    return main.append(h("h1", {}, t("rq_refused")), h("p.warn", { id: "link-error", role: "alert", "data-reason": why }, text));
  }
  const me = (await kvGet("assessor_profile")) || {};
  const inputs = ["name", "title2", "work"].map((k) => [h("label", { htmlFor: `me-${k}` }, t(`rq_${k}`)), h("input", { id: `me-${k}`, value: me[k] || "" })]);
  const value = (k) => main.querySelector(`#me-${k}`).value.trim();
  const reason = h("input", { id: "decline-reason" });
  main.append(h("h1", {}, t("rq_asked", info.trainee_name)), h("p.meta", {}, info.placement || ""),
    h("p.card", { hidden: !info.message }, info.message || ""),
    h("form.card", { onsubmit: async (e) => {
      e.preventDefault();
      const who = { name: value("name"), title2: value("title2"), work: value("work") };
      if (!who.name) return main.querySelector("#me-name").focus();
      await kvSet("assessor_profile", who);
      const link = { ...info, token, assessor_name: who.name, client_id: same?.client_id || crypto.randomUUID(),
        base: same?.base ?? ((await kvGet("next_mutation_id")) || 1) - 1 }; // its client numbers from 1
      await kvSet("link", link);
      api.link("/assessor", { name: who.name, title: who.title2 || null, workplace: who.work || null }).catch(() => {});
      app.user = linkUser(link);
      if (!(await getDoc(link.doc_id))) await flush();
      app.navigate(`#/a/${link.doc_id}`);
    } }, inputs, h("button.primary", { type: "submit", id: "open-form" }, t("rq_open"))),
    h("details.card", {}, h("summary", {}, t("rq_decline")), h("label", { htmlFor: "decline-reason" }, t("rq_why")), reason,
      h("button", { type: "button", id: "decline", onclick: () => api.link("/decline", { reason: reason.value.trim() || null })
        .then(() => main.replaceChildren(h("h1", {}, t("rq_declined"))), (e) => app.toast(e.message)) }, t("rq_decline"))));
}

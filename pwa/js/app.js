// Start-up and routing: shell, session, catalog, service worker, outbox.
import * as api from "./api.js";
import * as outbox from "./outbox.js";
import { allDocs, clientId, kvGet, kvSet, clearAll } from "./storage.js";
import { t, setLang, getLang, loadEnglish } from "./i18n.js";
import { afterPaint, h } from "./render/dom.js";
import * as assessmentView from "./views/assessment.js";

// The assessment view loads with the app (a request link opens it); the others when first needed.
const VIEWS = {
  login: () => import("./views/login.js"),
  list: () => import("./views/list.js"),
  new: () => import("./views/new.js"),
  assessment: () => assessmentView,
  answer: () => import("./views/answer.js"),
  receipt: () => import("./views/receipt.js"),
  requests: () => import("./views/requests.js"),
  overview: () => import("./views/overview.js"),
  trainee: () => import("./views/trainee.js"),
  rounds: () => import("./views/rounds.js"),
  portfolio: () => import("./views/portfolio.js"),
  password: () => import("./views/password.js"),
  admin: () => import("./views/admin.js"),
  unitSettings: () => import("./views/unit-settings.js"),
};

const main = document.getElementById("main");
const statusEl = document.getElementById("status");
const toasts = document.getElementById("toasts");

export const app = {
  user: null,
  catalog: null,
  clientId: null,
  form(id, version) {
    return this.catalog?.forms.find((f) => f.id === id && f.version === version);
  },
  latestForms() {
    return (this.catalog?.forms || []).filter((f) => f.latest && f.status !== "retired");
  },
  // a link holder's first visit: only her form (kept), the catalog once it is interactive
  // (and anyone's document of an older version than the catalog's current one: kept beside it)
  async ensureForm(id, version) {
    try {
      const def = await api.request("GET", `/api/forms/${encodeURIComponent(id)}/${version}`);
      if (this.form(id, version)) return this.form(id, version);
      this.catalog = { forms: [...(this.catalog?.forms || []), def], partial: !this.catalog || !!this.catalog.partial };
      await kvSet("catalog", this.catalog);
      return def;
    } catch { return null; }
  },
  loadCatalog: () => loadCatalog().then(() => current?.onCatalog?.()),
  firstDoc: null, // the assessment in the address, read before the modules ran
  takeDoc(id) {
    const doc = this.firstDoc;
    this.firstDoc = null;
    return doc?.doc_id === id ? doc : null;
  },
  navigate(hash) {
    if (location.hash === hash) route(); else location.hash = hash;
  },
  toast,
  async setSession(info) {
    this.user = info;
    api.setCsrf(info?.csrf_token);
    if (info) await kvSet("session", info); else await kvSet("session", null);
    renderHeader();
    if (info && (!app.catalog || app.catalog.partial)) app.loadCatalog();
  },
  async logout() {
    if (outbox.state.pending && !confirm(t("unsynced", outbox.state.pending))) return;
    try { await api.logout(); } catch { /* offline: forget locally anyway */ }
    if (navigator.serviceWorker?.controller) navigator.serviceWorker.controller.postMessage({ type: "FORGET_API" });
    await clearAll();
    for (const key of Object.keys(localStorage)) if (key.startsWith("bedside-first:")) localStorage.removeItem(key);
    this.user = null;
    this.catalog = null;
    api.setCsrf("");
    renderHeader();
    this.navigate("#/login");
  },
};

function toast(message, action) {
  const el = h("div.toast", { role: "status" }, h("span", {}, message));
  if (action) el.append(h("button", { type: "button", onclick: () => { action.run(); el.remove(); } }, action.label));
  el.append(h("button.close", { type: "button", "aria-label": "OK", onclick: () => el.remove() }, "×"));
  toasts.append(el);
  if (!action) setTimeout(() => el.remove(), 6000);
}

function renderHeader() {
  const s = outbox.state;
  const online = s.reachable && navigator.onLine;
  const parts = [
    h("span", { className: `dot ${online ? "on" : "off"}`, "aria-hidden": "true" }),
    h("span.conn", { id: "conn" }, online ? t("online") : t("offline")),
    h("span.pending", { id: "pending" }, s.syncing ? t("syncing") : s.pending ? t("unsynced", s.pending) : t("synced")),
  ];
  const buttons = h("span.header-buttons", {},
    app.user ? h("button.small", { type: "button", id: "sync-now", onclick: () => outbox.flush() }, t("sync_now")) : null,
    h("button.small", { type: "button", id: "lang", lang: getLang() === "sv" ? "en" : "sv", onclick: async () => { await setLang(getLang() === "sv" ? "en" : "sv"); renderHeader(); route(); } }, t("lang_switch")),
    app.user && !app.user.link_doc ? h("button.small", { type: "button", id: "logout", onclick: () => app.logout() }, t("logout")) : null,
  );
  statusEl.replaceChildren(h("span.state", { role: "status", "aria-live": "polite" }, parts), buttons);
  if (s.authNeeded && app.user) {
    statusEl.append(h("p.warn", { role: "alert" }, t("session_expired")));
  }
}

// Views the service worker does not precache: once one is used, it keeps them all for offline use.
const LATER_VIEWS = new Set(["list", "login", "answer", "receipt", "requests", "new", "overview", "trainee", "rounds", "portfolio", "password", "admin", "unitSettings"]);
let keptLater = false;
function keepLater() {
  if (keptLater || !("serviceWorker" in navigator)) return;
  keptLater = true;
  navigator.serviceWorker.ready.then((reg) => reg.active?.postMessage({ type: "KEEP_LATER" })).catch(() => {});
}

let current = null; // the shown view's handle: {dispose, onSync, onCatalog}
let routing = 0;
async function route() {
  const hash = location.hash || "#/";
  const [, name = "", arg] = hash.match(/^#\/([^/]*)\/?(.*)$/) || [];
  let view = "list";
  if (name === "inte-jag" && arg) view = "receipt";
  else if (name === "svar") view = "answer";
  else if (name === "losenord") view = "password";
  else if (!app.user || name === "login") view = app.user && !outbox.state.authNeeded ? "list" : "login";
  else if (app.user.link_doc && !(name === "a" && arg)) view = "answer";
  else if (name === "forfragningar" || name === "forfragan") view = "requests";
  else if (name === "ny") view = "new";
  else if (name === "oversikt") view = "overview";
  else if (name === "bt" && arg) view = "trainee";
  else if (name === "portfolj" && arg) view = "portfolio";
  else if (name === "360") view = "rounds";
  else if (name === "admin") view = "admin";
  else if (name === "enhet" && arg) view = "unitSettings";
  else if (name === "a" && arg) view = "assessment";
  const token = ++routing;
  const mod = await VIEWS[view]();
  performance.mark("view-module");
  if (LATER_VIEWS.has(view)) keepLater();
  if (token !== routing) return;
  current?.dispose?.();
  current = null;
  // a painted copy of the first screen (js/paint.js) gives way; what was typed into it stays
  const painted = main.dataset.snapshot ? await import("./snapshot.js").catch(() => null) : null;
  const typed = painted ? painted.typed(main) : [];
  main.replaceChildren();
  const handle = await mod.show(main, app, decodeURIComponent(arg || ""));
  if (token === routing) current = handle || null;
  if (typed.length) painted.replay(main, typed);
  const heading = main.querySelector("h1");
  if (heading) { heading.tabIndex = -1; heading.focus({ preventScroll: true }); }
}
app.route = route;
app.keepLater = keepLater;

// The bundle has each form's current version; the older versions the device keeps stay beside it.
// Loads run one after another, and the kept versions are read after the fetch, so that a form fetched
// for a document meanwhile (ensureForm) is never overwritten by a load that started before it.
let loadingCatalog = Promise.resolve();
function loadCatalog() {
  loadingCatalog = loadingCatalog.then(fetchCatalog, fetchCatalog);
  return loadingCatalog;
}
async function fetchCatalog() {
  if (!app.catalog) app.catalog = (await kvGet("catalog")) || null;
  try {
    const fresh = await api.catalog(app.user && !app.user.link_doc ? app.user.roles : null);
    const isNew = (f) => fresh.forms.some((n) => n.id === f.id && n.version === f.version);
    const older = (app.catalog?.forms || []).filter((f) => !isNew(f)).map((f) => ({ ...f, latest: false }));
    app.catalog = { forms: [...fresh.forms, ...older] };
    await kvSet("catalog", app.catalog);
    await keepFormsOfDocs();
  } catch { /* offline: the stored copy is what we have */ }
}

// A document of a version the device lacks (started before a newer one was published): its form is
// fetched while the network is there, so that it opens offline later.
let keeping = null;
function keepFormsOfDocs() {
  if (!app.catalog || app.catalog.partial || keeping) return keeping;
  keeping = (async () => {
    const missing = new Map();
    for (const d of await allDocs()) {
      if (d.form_id && d.form_version && !app.form(d.form_id, d.form_version)) missing.set(`${d.form_id}:${d.form_version}`, d);
    }
    for (const d of missing.values()) await app.ensureForm(d.form_id, d.form_version);
    if (missing.size) current?.onCatalog?.(); // e.g. the list's one-line summaries of those documents
  })().catch(() => {}).finally(() => { keeping = null; });
  return keeping;
}

async function refreshSession() {
  try {
    const info = await api.session();
    await app.setSession(info);
    if (outbox.state.authNeeded) outbox.resume();
  } catch (err) {
    if (err.status === 401) outbox.state.authNeeded = true;
  }
  renderHeader();
}

function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).then((reg) => {
    const offerReload = (worker) => toast(t("new_version"), {
      label: t("reload"), run: () => { window.__bedsideUpdateAccepted = true; worker.postMessage({ type: "SKIP_WAITING" }); },
    });
    if (reg.waiting && navigator.serviceWorker.controller) offerReload(reg.waiting);
    reg.addEventListener("updatefound", () => {
      const worker = reg.installing;
      worker?.addEventListener("statechange", () => {
        if (worker.state !== "installed") return;
        if (navigator.serviceWorker.controller) offerReload(worker);
        else toast(t("ready_offline"));
      });
    });
  }).catch(() => {});
  let reloading = false;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (reloading || !window.__bedsideUpdateAccepted) return;
    reloading = true;
    location.reload();
  });
}

async function boot() {
  performance.mark("boot");
  const early = (await window.__early) || {};
  app.clientId = early.client_id || (await clientId());
  const session = early.session ?? (await kvGet("session"));
  const link = session ? null : await kvGet("link");
  const catalog = early.catalog ?? (await kvGet("catalog"));
  performance.mark("idb");
  app.user = session || (link ? (await import("./link.js")).linkUser(link) : null);
  app.catalog = catalog || null;
  app.firstDoc = early.doc || null;
  api.setCsrf(session?.csrf_token);
  if (getLang() === "en") await loadEnglish().catch(() => {}); // offline and never kept: Swedish
  renderHeader();
  outbox.subscribe((state, changed) => {
    renderHeader();
    current?.onSync?.(changed);
    if (changed.length && app.user && !app.user.link_doc) keepFormsOfDocs();
  });
  addEventListener("hashchange", route);
  addEventListener("online", renderHeader);
  addEventListener("offline", renderHeader);
  await route();
  // Everything else after the first frame: the app is usable offline before any of this answers.
  afterPaint(() => {
    registerServiceWorker();
    // someone logged in gets the catalog now; a colleague who came by a request link only once her
    // form is interactive (views/assessment.js), so that her first visit stays small
    if ((app.catalog && !app.catalog.partial) || (app.user && !app.user.link_doc)) app.loadCatalog();
    if (session) refreshSession();
    outbox.start();
  });
}

boot();

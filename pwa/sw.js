// Service worker: a versioned precache of the app shell (the form catalog the page keeps in IndexedDB); old caches removed
// on activate; API reads network-first with a cached fallback; /api/sync and every write go
// straight to the network. A new version waits until the page says "reload" (no forced skipWaiting).
const VERSION = "2026-12-03.1";
const SHELL_CACHE = `bedside-shell-${VERSION}`;
const API_CACHE = "bedside-api-v1";
// index.html as the server sends it has app.css, js/early.js and js/paint.js inlined (server/pwa_shell.py).
const SHELL = [
  "/", "/index.html", "/manifest.webmanifest", "/icons/icon.svg",
  "/vendor/idb.js",
  "/js/app.js", "/js/api.js", "/js/storage.js", "/js/outbox.js", "/js/docs.js", "/js/pointer.js", "/js/i18n.js",
  "/js/personnummer.js",
  "/js/render/dom.js", "/js/render/field.js", "/js/render/form.js", "/js/render/scale.js", "/js/render/choice.js",
  "/js/render/text.js", "/js/render/checkbox.js", "/js/render/conflict.js",
  "/js/views/assessment.js",
];
// Loaded when first used (the trainee's requests, the assessor's answer page, the receipt, signature
// notes, a signed assessment's summary, Slutbedömning's delmål, the supervisors' screens) and kept from
// then on (cacheFirst), so they never weigh on anyone's first visit.
const LATER = [
  "/js/link.js", "/js/views/list.js", "/js/views/login.js", "/js/views/requests.js", "/js/views/answer.js", "/js/views/receipt.js", "/js/views/signature.js",
  "/js/views/new.js", "/js/install.js", "/js/views/summary.js", "/js/render/delmal.js", "/js/views/home.js",
  "/js/views/supervision.js", "/js/views/overview.js", "/js/views/trainee.js", "/css/supervision.css", "/css/answer.css",
  "/js/feedback.js", "/js/i18n-en.js", "/js/snapshot.js", "/js/views/header.js", "/js/views/rounds.js",
  "/js/views/round-report.js", "/js/placement.js", "/js/views/plans.js",
  "/js/views/portfolio.js", "/js/views/password.js", "/js/views/admin.js", "/js/views/unit-settings.js",
];
const NETWORK_TIMEOUT_MS = 5000;

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL_CACHE);
    await cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload" })));
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const keep = new Set([SHELL_CACHE, API_CACHE]);
    const old = (await caches.keys()).filter((key) => key.startsWith("bedside-") && !keep.has(key));
    // This phone used the views kept on first use (an assessor's answer page): keep this version's too.
    let used = false;
    for (const key of old) used ||= !!(await (await caches.open(key)).match(LATER[0]));
    if (used) await keepLater();
    for (const key of old) await caches.delete(key);
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  if (event.data?.type === "SKIP_WAITING") self.skipWaiting();
  // The page used a view that is not precached: keep all of them for offline use from now on.
  if (event.data?.type === "KEEP_LATER") event.waitUntil(keepLater());
  if (event.data?.type === "FORGET_API") event.waitUntil(caches.delete(API_CACHE));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== location.origin) return; // writes and /api/sync: network only
  if (url.pathname === "/api/sync") return;
  // PDFs and a person's data export: made fresh each time, never kept here; the certificate drafts are
  // kept by their screen (views/portfolio.js), which then knows that it shows a kept copy
  if (/\/pdf$|\.pdf$|\/certificates$/.test(url.pathname) || url.pathname === "/api/me/export") return;
  // A capability token acts for whoever holds it: never keep its answers (the Cache API keys by URL only).
  if (request.headers.has("Authorization") || /^\/api\/(link|receipt)/.test(url.pathname)) return;
  if (url.pathname.startsWith("/api/")) { event.respondWith(networkFirst(request)); return; }
  if (url.pathname.startsWith("/dev/")) return; // the server's own pages (demo mail): never the app
  if (request.mode === "navigate") { event.respondWith(shell(request)); return; }
  event.respondWith(cacheFirst(request));
});

/** Keep the views that are not precached, for offline use from now on (best effort). */
async function keepLater() {
  const cache = await openShell();
  await Promise.all(LATER.map((url) => cache.match(url)
    .then((hit) => hit || cache.add(new Request(url, { cache: "reload" })).catch(() => {}))));
}

let shellCache = null;
const openShell = () => (shellCache ||= caches.open(SHELL_CACHE));

// The shell of this version, read from the cache once and answered from memory while the worker
// lives (a version's cache never changes; a new version is a new worker).
let shellCopy = null;

async function shell(request) {
  if (!shellCopy) {
    const cached = await (await openShell()).match("/index.html");
    if (!cached) return fetch(request);
    shellCopy = { body: await cached.arrayBuffer(), headers: [...cached.headers] };
  }
  return new Response(shellCopy.body, { headers: shellCopy.headers });
}

/** The shell from the precache; a view first used later (the assessor's answer page, the receipt) is
 * kept when first fetched, so it works offline from then on without weighing on the first visit. */
async function cacheFirst(request) {
  const cache = await openShell();
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && LATER.includes(new URL(request.url).pathname)) cache.put(request, response.clone());
  return response;
}

async function networkFirst(request) {
  const cache = await caches.open(API_CACHE);
  const network = fetch(request).then((response) => {
    if (response.ok) cache.put(request, response.clone());
    return response;
  });
  try {
    return await Promise.race([network, new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), NETWORK_TIMEOUT_MS))]);
  } catch {
    const cached = (await cache.match(request)) || (await caches.match(request));
    if (cached) return cached;
    try { return await network; } catch {
      return new Response(JSON.stringify({ status_code: 503, reason: "offline", detail: "Offline and not cached." }), {
        status: 503, headers: { "Content-Type": "application/json", "X-Bedside-Offline": "1" },
      });
    }
  }
}

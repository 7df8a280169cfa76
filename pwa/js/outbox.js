// The outbox: mutations wait in IndexedDB until the server answered them (applied, duplicate,
// conflict or rejected). Flushed on start, on `online`, when the page becomes visible, on a
// timer while open and on the "Synka nu" button; failures back off (1 s, 2 s, 4 s … 30 s).
import * as api from "./api.js";
import { applySyncResult, clientId, getDoc, kvGet, outboxAll, outboxCount, putDoc } from "./storage.js";
import { fromChange, overlay } from "./docs.js";

const PERIOD_MS = 10000;
const MAX_BACKOFF_MS = 30000;
const MAX_BYTES = 480 * 1024;

/** Mutation ids in the request on its way: edits are not folded into these. */
export const inflight = new Set();
export const state = { reachable: navigator.onLine, syncing: false, pending: 0, authNeeded: false, linkClosed: null, error: null };
const listeners = new Set();
export const subscribe = (fn) => listeners.add(fn);
const emit = (changedDocs = []) => listeners.forEach((fn) => fn(state, changedDocs));

let running = null, again = false, failures = 0, nextAt = 0, soon = null;

export async function refreshCount() {
  state.pending = await outboxCount();
  emit();
}

/** Sync now (the button passes force to skip the backoff wait). */
export function flush() {
  if (running) { again = true; return running; }
  running = (async () => {
    try {
      do { again = false; await flushOnce(); } while (again);
    } finally { running = null; }
  })();
  return running;
}

/** A local change was stored: send it shortly (coalescing a burst of keystrokes). */
export function nudge() {
  refreshCount();
  clearTimeout(soon);
  soon = setTimeout(() => { if (Date.now() >= nextAt || failures === 0) flush(); }, 800);
}

async function flushOnce() {
  const session = await kvGet("session");
  // No session: a request link syncs its one assessment, once this device holds it.
  let link = session ? null : await kvGet("link");
  if ((!session && !link) || state.authNeeded || state.linkClosed || link?.closed) {
    if (link?.closed) state.linkClosed = link.closed;
    return;
  }
  if (link) {
    try {
      link = await holdLink(link);
    } catch (err) { // offline, or the server is down: try again with backoff, like any sync
      failures += 1;
      nextAt = Date.now() + Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (failures - 1));
      Object.assign(state, { error: err.offline ? "network" : err.reason || "server", reachable: !err.offline });
      emit();
      return;
    }
    if (!link) { emit(); return; }
  }
  if (session) { api.setCsrf(session.csrf_token); api.setBearer(""); } else api.setBearer(link.secret);
  // each link pulls from its own checkpoint: it sees one assessment, the session sees many
  const checkpointKey = link ? `checkpoint:${link.request_id}` : "checkpoint";
  const client_id = link ? link.client_id : await clientId();
  const base = link ? link.base : 0;
  state.syncing = true;
  emit();
  let limit = 100;
  const changed = new Set();
  try {
    for (let round = 0; round < 50; round++) {
      const all = (await outboxAll()).sort((a, b) => a.id - b.id);
      let batch = all.slice(0, limit);
      while (batch.length > 1 && JSON.stringify(batch).length > MAX_BYTES) batch = batch.slice(0, Math.ceil(batch.length / 2));
      batch.forEach((m) => inflight.add(m.id));
      let response;
      try {
        const since = (await kvGet(checkpointKey)) || 0;
        response = await api.sync({ client_id, since, mutations: batch.map((m) => ({ ...m, id: m.id - base })) });
        for (const r of response.results || []) r.id += base;
      } catch (err) {
        batch.forEach((m) => inflight.delete(m.id));
        if (err.status === 413 && limit > 1) { limit = Math.max(1, Math.floor(batch.length / 2)); continue; }
        throw err;
      }
      const progress = await apply(response, batch, changed, checkpointKey);
      batch.forEach((m) => inflight.delete(m.id));
      const left = await outboxCount();
      if (!response.has_more && (left === 0 || !progress)) break;
    }
    failures = 0;
    nextAt = Date.now() + PERIOD_MS;
    Object.assign(state, { reachable: true, error: null });
  } catch (err) {
    if (err.status === 401) {
      state.authNeeded = true;
    } else if (link && (err.reason?.startsWith("link_") || err.reason === "own_request")) {
      // Withdrawn or expired while this phone was offline: what it typed goes to the supervisors.
      if (err.status === 410 && err.reason !== "link_expired") await displace(link).catch(() => {});
      state.linkClosed = err.reason;
      await (await import("./link.js")).saveLink({ ...link, closed: err.reason });
    } else {
      failures += 1;
      nextAt = Date.now() + Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (failures - 1));
      state.error = err.offline ? "network" : err.reason || "server";
      if (err.offline) state.reachable = false;
    }
  } finally {
    state.syncing = false;
    state.pending = await outboxCount();
    emit([...changed]);
  }
}

/** A link answered offline is claimed at its first sync. If another device claimed it meanwhile, what
 * this one typed is sent to the server as a displaced answer (shown to the trainee's supervisors),
 * then cleared from the outbox: kept on the server, never silently dropped. */
async function holdLink(link) {
  if (!link.device_key || !link.assessor) return null; // opened, but the assessor has not started yet
  const { claimLink, saveLink, sendDetails } = await import("./link.js"); // assessors' phones only
  if (link.secret) {
    if (!link.details_sent) link = await sendDetails(link).catch((err) => { if (err.offline) throw err; return link; });
    return link;
  }
  try {
    return await claimLink(link);
  } catch (err) {
    if (err.offline || err.status >= 500 || err.status === 429) throw err;
    // Claimed by another device, or closed (signed, withdrawn, expired) meanwhile: keep what was typed.
    if (err.reason === "link_claimed" || (err.status === 410 && err.reason !== "link_expired")) await displace(link);
    if (err.reason === "link_claimed" || err.reason?.startsWith("link_") || err.reason === "own_request") {
      await saveLink({ ...link, closed: err.reason });
      state.linkClosed = err.reason;
    } else {
      state.error = err.reason || "invalid"; // e.g. a detail the server refused: shown, kept, tried again
    }
    return null;
  }
}

async function displace(link) {
  const doc = await getDoc(link.doc_id);
  const pending = (await outboxAll()).filter((m) => m.doc_id === link.doc_id);
  if (!doc || !pending.length) return;
  const steps = [...new Set(pending.map((m) => m.kind).filter((k) => k === "submit" || k === "sign"))];
  await api.link("/displaced", { device_key: link.device_key, data: doc.data || {}, steps, ...link.assessor }, link.token);
  await applySyncResult(pending.map((m) => m.id), async () => {});
  await putDoc({ ...doc, pending: 0, displaced: true, updated: Date.now() });
  state.pending = await outboxCount();
  state.linkClosed = "link_claimed";
  emit([link.doc_id]);
}

/** Store one answer: drop acknowledged mutations, keep rejected ones visible, lay the rest over the new state. */
async function apply(response, batch, changed, checkpointKey) {
  const byId = new Map(batch.map((m) => [m.id, m]));
  const done = [];
  const rejected = [];
  for (const r of response.results || []) {
    if (r.status === "rejected" && r.reason === "gap") continue; // stays; resent in order next round
    done.push(r.id);
    if (r.status === "rejected" || (r.status === "duplicate" && r.reason)) {
      rejected.push({ mutation: byId.get(r.id), reason: r.reason, message: r.message || "" });
    }
  }
  await applySyncResult(done, async (tx) => {
    const docs = tx.objectStore("docs");
    const remaining = await tx.objectStore("outbox").getAll();
    const records = new Map();
    for (const c of response.changes || []) records.set(c.doc_id, fromChange(c, records.get(c.doc_id) || (await docs.get(c.doc_id))));
    for (const rej of rejected) {
      if (!rej.mutation) continue;
      const id = rej.mutation.doc_id;
      const rec = records.get(id) || (await docs.get(id));
      if (!rec) continue;
      rec.rejections = [...(rec.rejections || []), { ...rej, at: Date.now() }];
      records.set(id, rec);
    }
    for (const id of done.map((i) => byId.get(i)?.doc_id)) {
      if (id && !records.has(id)) { const rec = await docs.get(id); if (rec) records.set(id, rec); }
    }
    for (const [id, rec] of records) {
      const doc = overlay(rec, remaining.filter((m) => m.doc_id === id).sort((a, b) => a.id - b.id));
      doc.updated = Date.now();
      if (doc.deleted && !doc.pending) await docs.delete(id);
      else await docs.put(doc);
      changed.add(id);
    }
    await tx.objectStore("kv").put(response.checkpoint, checkpointKey);
  });
  return done.length > 0 || (response.changes || []).length > 0;
}

export function start() {
  refreshCount();
  flush();
  addEventListener("online", () => { state.reachable = true; flush(); });
  addEventListener("offline", () => { state.reachable = false; emit(); });
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible") flush(); });
  setInterval(() => { if (Date.now() >= nextAt && document.visibilityState !== "hidden") flush(); }, 1000);
}

/** Logged in again after a 401, or a link opened afresh: resume. */
export function resume() {
  state.authNeeded = false;
  state.linkClosed = null;
  failures = 0;
  nextAt = 0;
  flush();
}

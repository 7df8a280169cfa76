// IndexedDB: the device's copy of everything. Versioned upgrade steps; no network call inside a
// transaction (each function opens, finishes and closes its own).
import { openDB } from "../vendor/idb.js";
import { newId } from "./personnummer.js";

const NAME = "bedside";
const UPGRADES = [
  // v1
  (db) => {
    db.createObjectStore("kv");
    const docs = db.createObjectStore("docs", { keyPath: "doc_id" });
    docs.createIndex("updated", "updated");
    const outbox = db.createObjectStore("outbox", { keyPath: "id" });
    outbox.createIndex("doc_id", "doc_id");
  },
];

let dbPromise;
export function db() {
  dbPromise ||= openDB(NAME, UPGRADES.length, {
    upgrade(d, oldVersion) {
      for (let v = oldVersion; v < UPGRADES.length; v++) UPGRADES[v](d);
    },
    blocking() { /* a newer tab wants to upgrade: let it */ },
  });
  return dbPromise;
}

export const kvGet = async (key) => (await db()).get("kv", key);
export const kvSet = async (key, value) => (await db()).put("kv", value, key);
export const kvDel = async (key) => (await db()).delete("kv", key);

export const getDoc = async (id) => (await db()).get("docs", id);
export const putDoc = async (doc) => (await db()).put("docs", doc);
export const allDocs = async () => (await db()).getAll("docs");
export const outboxAll = async () => (await db()).getAll("outbox");
export const outboxCount = async () => (await db()).count("outbox");

/** This device's id for the sync protocol, made once. */
export async function clientId() {
  const d = await db();
  let id = await d.get("kv", "client_id");
  if (!id) {
    id = newId();
    await d.put("kv", id, "client_id");
  }
  return id;
}

/**
 * Run `change(doc, tools)` and queue a mutation in ONE transaction, so the stored document and the
 * outbox never disagree. `tools.queue(m)` adds a mutation with the next id (ids are never reused);
 * `tools.merge(fields, baseVersion, inflight)` folds an edit into this doc's last unsent edit.
 */
export async function changeDoc(docId, change, inflight = new Set()) {
  const d = await db();
  const tx = d.transaction(["docs", "outbox", "kv"], "readwrite");
  const docs = tx.objectStore("docs"), outbox = tx.objectStore("outbox"), kv = tx.objectStore("kv");
  const doc = await docs.get(docId);
  const pending = await outbox.index("doc_id").getAll(docId);
  pending.sort((a, b) => a.id - b.id);
  const queue = async (m) => {
    const next = (await kv.get("next_mutation_id")) || 1;
    await kv.put(next + 1, "next_mutation_id");
    const mutation = { ...m, id: next, doc_id: docId, at: Date.now() };
    await outbox.put(mutation);
    pending.push(mutation);
    return mutation;
  };
  const tools = {
    pending,
    queue,
    put: (m) => outbox.put(m),
    async merge(fields, baseVersion) {
      const last = pending[pending.length - 1];
      if (last && !inflight.has(last.id) && last.kind === "edit" && last.base_version === baseVersion) {
        Object.assign(last.fields, fields);
        last.at = Date.now();
        await outbox.put(last);
        return last;
      }
      return queue({ kind: "edit", base_version: baseVersion, fields: { ...fields } });
    },
  };
  const result = await change(doc, tools);
  if (result) {
    result.updated = Date.now();
    await docs.put(result);
  }
  await tx.done;
  return result;
}

/** Remove acknowledged mutations and store the documents the server sent, in one transaction. */
export async function applySyncResult(doneIds, rebuild) {
  const d = await db();
  const tx = d.transaction(["docs", "outbox", "kv"], "readwrite");
  for (const id of doneIds) await tx.objectStore("outbox").delete(id);
  await rebuild(tx);
  await tx.done;
}

export async function clearAll() {
  const d = await db();
  const tx = d.transaction(["docs", "outbox", "kv"], "readwrite");
  await Promise.all([tx.objectStore("docs").clear(), tx.objectStore("outbox").clear()]);
  for (const k of ["session", "checkpoint", "colleagues", "trainee_list", "placements", "trainees", "requests", "link", "list_filter"]) await tx.objectStore("kv").delete(k);
  await tx.done;
}

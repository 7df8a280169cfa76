// The device's view of one assessment: the server's last state with this device's unsent
// mutations laid over it. Every change is stored together with its outbox mutation.
import { changeDoc, getDoc } from "./storage.js";
import { get, set } from "./pointer.js";
import { newId } from "./personnummer.js";

const clone = (v) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));
const STEP_TARGET = { submit: "submitted", return: "draft", sign: "signed", acknowledge: "acknowledged", countersign: "countersigned" };
export const LOCKED = new Set(["signed", "acknowledged", "countersigned"]);

const pick = (obj, keys) => Object.fromEntries(keys.filter((k) => obj?.[k] !== undefined).map((k) => [k, obj[k]]));

/** The server's state (`server`) with `pending` mutations of this device applied on top. */
export function overlay(record, pending) {
  const s = record.server;
  const doc = {
    ...record,
    data: clone(s ? s.data : record.data) || {},
    status: s ? s.status : "draft",
    conflicts: clone(s ? s.conflicts : {}) || {},
    deleted: s ? s.deleted : false,
    version: s ? s.version : 0,
    reflection: s ? s.reflection : null,
    placement_id: s ? s.placement_id ?? record.placement_id : record.placement_id,
    observed_on: s ? s.observed_on ?? record.observed_on : record.observed_on,
    delmal: (s ? s.delmal : record.delmal) || [],
    private: s ? !!s.private : false,
    pending: pending.length,
  };
  for (const m of pending) {
    if (m.kind === "create" && !s) doc.data = clone(m.data) || {};
    if (m.kind === "edit" || m.kind === "resolve") {
      for (const [p, v] of Object.entries(m.fields)) {
        set(doc.data, p, clone(v));
        if (m.kind === "resolve") delete doc.conflicts[p];
      }
    }
    if (STEP_TARGET[m.kind]) doc.status = STEP_TARGET[m.kind];
    if (m.kind === "acknowledge") doc.reflection = m.reflection ?? null;
    if (m.kind === "create" && !s) Object.assign(doc, pick(m.meta, ["placement_id", "observed_on", "delmal", "private"]));
    if (m.kind === "set_meta") Object.assign(doc, pick(m.meta, ["placement_id", "observed_on", "delmal", "private"]));
    if (m.kind === "delete") doc.deleted = true;
  }
  return doc;
}

/** Fields of a DocumentChange the device keeps as the server's truth. */
export function fromChange(change, old) {
  return {
    ...(old || {}),
    doc_id: change.doc_id,
    form_id: change.form_id,
    form_version: change.form_version,
    trainee_id: change.trainee_id ?? change.meta?.trainee_id ?? old?.trainee_id,
    trainee_name: change.trainee_name ?? old?.trainee_name,
    assessor_id: change.assessor_id ?? change.meta?.assessor_id ?? old?.assessor_id,
    assessor_name: change.assessor_name ?? change.meta?.assessor_name ?? old?.assessor_name,
    placement_id: change.placement_id ?? change.meta?.placement_id ?? old?.placement_id,
    observed_on: change.observed_on ?? change.meta?.observed_on ?? old?.observed_on,
    permissions: change.permissions ?? null,
    seq: change.seq,
    server: change,
    rejections: old?.rejections || [],
  };
}

export function newDocRecord({ form, meta, traineeName, assessorName }) {
  return {
    doc_id: newId(),
    form_id: form.id,
    form_version: form.version,
    trainee_id: meta.trainee_id,
    trainee_name: traineeName,
    assessor_id: meta.assessor_id ?? null,
    assessor_name: assessorName,
    placement_id: meta.placement_id ?? null,
    observed_on: meta.observed_on,
    permissions: null,
    server: null,
    data: {},
    rejections: [],
    created_here: true,
  };
}

export async function createDoc(record, meta, data = {}) {
  return changeDoc(record.doc_id, async (_old, tools) => {
    await tools.queue({ kind: "create", form_id: record.form_id, form_version: record.form_version, data, meta });
    return overlay(record, tools.pending);
  });
}

/** Store one field's new value at once (every keystroke) and queue it for the server. */
export async function editField(docId, pointer, value, inflight) {
  return changeDoc(docId, async (doc, tools) => {
    if (!doc) return null;
    const last = tools.pending[tools.pending.length - 1];
    if (last && last.kind === "create" && !inflight.has(last.id)) {
      // A create that has not left the device yet takes later edits into its data.
      set(last.data, pointer, clone(value));
      last.at = Date.now();
      await tools.put(last);
    } else {
      await tools.merge({ [pointer]: value }, Math.max(doc.version, 1));
    }
    return overlay(doc, tools.pending);
  }, inflight);
}

/** Change the header (the day of the activity, the placement, the delmål ticked): one mutation. */
export async function setMeta(docId, meta) {
  return changeDoc(docId, async (doc, tools) => {
    if (!doc) return null;
    await tools.queue({ kind: "set_meta", meta });
    return overlay(doc, tools.pending);
  });
}

export async function resolveField(docId, pointer, value) {
  return changeDoc(docId, async (doc, tools) => {
    if (!doc) return null;
    await tools.queue({ kind: "resolve", fields: { [pointer]: value } });
    return overlay(doc, tools.pending);
  });
}

/** A status step (submit, sign, acknowledge, countersign, return, delete). */
export async function step(docId, kind, extra = {}) {
  return changeDoc(docId, async (doc, tools) => {
    if (!doc) return null;
    await tools.queue({ kind, ...extra });
    return overlay(doc, tools.pending);
  });
}

/** Keep the reflection being typed on the device (it travels with the acknowledge step). */
export async function keepDraftText(docId, key, value) {
  return changeDoc(docId, async (doc) => (doc ? { ...doc, drafts: { ...(doc.drafts || {}), [key]: value } } : null));
}

export async function dismissRejection(docId, index) {
  return changeDoc(docId, async (doc) => {
    if (!doc) return null;
    doc.rejections = doc.rejections.filter((_, i) => i !== index);
    return doc;
  });
}

export { getDoc, get as valueAt };

/** The participant roles `user` holds on `doc` that the form's workflow speaks of when editing:
 * trainee and assessor (a request link's holder is the assessor of its one assessment). */
export function rolesOn(doc, user) {
  if (user.link_doc) return new Set(doc.doc_id === user.link_doc ? ["assessor"] : []);
  const roles = new Set();
  if (doc.trainee_id === user.user_id) roles.add("trainee");
  if (doc.assessor_id != null && doc.assessor_id === user.user_id) roles.add("assessor");
  return roles;
}

/** Who fills in a ui section: its `filled_by`, else every editor of the form (as the server decides). */
export const sectionOwners = (section, form) => section.filled_by || form?.workflow?.editors || [];

/** The steps open to `user` on `doc`: the server's list when nothing is pending, else the same rule locally. */
export function actions(doc, form, user) {
  if (!doc || doc.deleted) return [];
  // A request link answers its one assessment as the assessor and never deletes the trainee's draft.
  if (user.link_doc) return doc.doc_id === user.link_doc ? localActions(doc, form, rolesOn(doc, user)).filter((a) => a !== "delete") : [];
  if (doc.permissions && !doc.pending) return doc.permissions;
  return localActions(doc, form, rolesOn(doc, user));
}

function localActions(doc, form, roles) {
  const w = form?.workflow || {};
  const may = (kind) => {
    if (["edit", "resolve", "set_meta", "submit", "delete"].includes(kind)) return (w.editors || []).some((r) => roles.has(r));
    if (kind === "sign" || kind === "return") return roles.has(w.sign);
    if (kind === "acknowledge") return !!w.acknowledge && roles.has(w.acknowledge);
    if (kind === "countersign") return !!w.countersign && roles.has(w.countersign);
    return false;
  };
  const conflicts = Object.keys(doc.conflicts || {}).length > 0;
  let steps = [];
  if (doc.status === "draft") steps = ["edit", "set_meta", "delete", conflicts ? "resolve" : "submit"];
  else if (doc.status === "submitted") steps = ["return", ...(conflicts ? [] : ["sign"])];
  else if (doc.status === "signed") steps = w.acknowledge ? ["acknowledge"] : w.countersign ? ["countersign"] : [];
  else if (doc.status === "acknowledged" && w.countersign) steps = ["countersign"];
  return steps.filter(may);
}

/** The other party is the trainee's supervisor, not an assessor: a form she signs herself (Coachloopen) or a
 * supervision meeting (Handledningssamtal, which the supervisor confirms). */
export const bySupervisor = (form) => form.workflow?.sign === "trainee" || ["handledning", "handlingsplan", "iup"].includes(form.workflow?.purpose);

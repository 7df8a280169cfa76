// One assessment: fill it in (every keystroke kept on the device), resolve conflicts, submit,
// sign, acknowledge with a reflection; once signed, a readable summary (views/summary.js).
import { t, tr, reasonText } from "../i18n.js";
import { afterPaint, h } from "../render/dom.js";
import { renderForm } from "../render/form.js";
import { identityMessage } from "../render/text.js";
import { containsIdentityNumber } from "../personnummer.js";
import { allDocs, getDoc } from "../storage.js";
import { actions, bySupervisor, dismissRejection, editField, keepDraftText, LOCKED, resolveField, rolesOn, sectionOwners, setMeta, step } from "../docs.js";
import { flush, inflight, nudge, state as syncState } from "../outbox.js";
import * as api from "../api.js";

export async function show(main, app, docId) {
  let doc = app.takeDoc(docId) || (await getDoc(docId));
  if (!doc) {
    main.append(h("a.back", { href: "#/" }, "← ", t("back")), h("h1", {}, t("not_found")));
    flush();
    return { onSync: (changed) => { if (changed.includes(docId)) app.route(); } };
  }
  // a link holder's first visit loads only this form; the rest of the catalog once it is interactive
  const form = app.form(doc.form_id, doc.form_version) || (await app.ensureForm(doc.form_id, doc.form_version));
  if (!form) {
    main.append(h("a.back", { href: "#/" }, "← ", t("back")), h("h1", {}, doc.form_id), h("p.warn", {}, t("catalog_missing")));
    return { onCatalog: () => app.route() };
  }
  const user = app.user;
  // Signed: the readable summary instead of the form (its own module; offline and not yet kept: the form).
  let summary = null;
  const loadSummary = async () => {
    if (summary || !LOCKED.has(doc.status)) return;
    app.keepLater?.();
    summary = await import("./summary.js").catch(() => null);
  };
  await loadSummary();
  // A link holder hears when another device tried to claim the same request.
  const link = user.link_doc ? await (await import("../link.js")).getLink() : null;
  let claimInfo = null;
  // An action plan's next steps (its follow-up; a secondary plan): loaded for those forms only
  let plans = null;
  if (["handlingsplan", "iup"].includes(form.workflow?.purpose)) import("./plans.js").then((m) => { plans = m; drawChrome(); }, () => {});
  // How it was signed, and answers from a second device: only loaded for documents that have them.
  let signatureNotes = null;
  const loadEvidence = () => {
    if (signatureNotes || !(doc.server?.signature || doc.server?.other_answers?.length)) return;
    app.keepLater?.();
    import("./signature.js").then((m) => { signatureNotes = m; drawChrome(); }, () => {}); // offline, not yet kept
  };
  const who = (side) => side.device === app.clientId ? t("this_device")
    : side.actor === `user:${user.user_id}` ? t("you_elsewhere")
    : side.actor === `user:${doc.trainee_id}` ? doc.trainee_name
    : side.actor === `user:${doc.assessor_id}` ? doc.assessor_name : t("colleague");

  const hasDelmal = form.ui.sections.some((s) => s.fields.some((f) => f.widget === "delmal"));
  // Slutbedömning's delmål rows: a module of their own, kept for offline use once loaded.
  if (hasDelmal) app.keepLater?.();
  const delmal = hasDelmal ? await import("../render/delmal.js").catch(() => null) : null;
  if (hasDelmal && !delmal) {
    main.append(h("a.back", { href: "#/" }, "← ", t("back")), h("h1", {}, tr(form.title)), h("p.warn", {}, t("catalog_missing")));
    return { onCatalog: () => app.route() };
  }
  // The evidence a Slutbedömning may cite: that placement's signed assessments, newest first, each
  // with its day, form, one-line summary and assessor; the delmål they showed come first in the form.
  const evidence = !hasDelmal ? [] : (await allDocs())
    .filter((d) => d.trainee_id === doc.trainee_id && d.doc_id !== doc.doc_id && LOCKED.has(d.status) && !d.deleted
      && (doc.placement_id == null || d.placement_id === doc.placement_id))
    .sort((a, b) => (b.observed_on || "").localeCompare(a.observed_on || ""));
  const evidenceOptions = evidence.map((d) => {
    const f = app.form(d.form_id, d.form_version);
    const summary = f?.summary_field ? d.data?.[f.summary_field.slice(1)] : d.data?.focus || d.data?.procedure;
    return { id: d.doc_id, label: [d.observed_on, tr(f?.title) || d.form_id, summary, d.assessor_name].filter(Boolean).join(" · ") };
  });
  const relevantGoals = new Set(evidence.flatMap((d) => d.delmal || []));

  const head = h("div.doc-head");
  // The header (day, placement, delmål): its own module, loaded once the form is on screen.
  const headerSlot = h("div");
  let header = null;
  async function drawHeader() {
    if (!header) return;
    const can = actions(doc, form, user);
    const edit = !closed() && can.includes("set_meta");
    headerSlot.replaceChildren(await header.render(doc, form, app, {
      can: { edit, move: edit && doc.trainee_id === user.user_id },
      change: async (meta) => { doc = await setMeta(docId, meta); nudge(); drawChrome(); drawHeader(); },
    }));
  }
  const notices = h("div.notices");
  const bar = h("div.actions");
  const closed = () => doc.displaced || (user.link_doc && syncState.linkClosed && !LOCKED.has(doc.status));
  const canEdit = () => !closed() && actions(doc, form, user).includes("edit");
  // Who fills in what (a section's filled_by): an editor's other sections stay read-only, with a note.
  const roles = rolesOn(doc, user);
  const editor = (form.workflow?.editors || []).some((r) => roles.has(r));
  const section = (s) => {
    const owners = sectionOwners(s, form);
    const fill = owners.some((r) => roles.has(r));
    // on a form the trainee signs herself, or a handledningssamtal, the other editor is her supervisor
    const ownerName = (r) => t(r === "assessor" && bySupervisor(form) ? "filled_by_supervisor" : `filled_by_${r}`);
    const note = editor && !fill ? t("filled_by", owners.map(ownerName).join(t("filled_by_or"))) : null;
    return { fill, note };
  };
  // What the form's first interactive frame does not need comes after it (a link holder's first visit
  // downloads it then): the rest of the catalog, the feedback prompts and hints, the header, the kept screen.
  let interactive;
  const afterInteractive = new Promise((done) => { interactive = done; });
  // Prompts and gentle hints on the feedback fields (the form version's feedback_rules): own module.
  let feedback = null, asking = null;
  const feedbackReady = form.feedback_rules && afterInteractive.then(() => import("../feedback.js")) // kept once fetched
    .then((m) => { feedback ||= m.attach(form.feedback_rules, rendered, docId); }, () => {});
  const rendered = renderForm(form, doc, {
    editable: canEdit(), who, evidenceOptions, section, delmal, relevantGoals,
    // Every section is there: what tests and scripts wait for.
    onComplete: () => {
      formEl.dataset.ready = "1"; window.__bedsideComplete = performance.now();
      afterPaint(interactive);
    },
    onInput: async (pointer, value) => {
      doc = await editField(docId, pointer, value, inflight);
      nudge();
      drawChrome();
    },
    onResolve: async (pointer, value) => {
      doc = await resolveField(docId, pointer, value);
      nudge();
      rendered.update(doc, { editable: canEdit() });
      drawChrome();
    },
  });
  const formEl = h("form.assessment", { id: "assessment-form", "data-doc": docId, onsubmit: (e) => e.preventDefault(), novalidate: true }, rendered.el);
  const body = h("div", {}, formEl);
  main.append(h("a.back", { href: "#/" }, "← ", t("back")), h("h1", { elementtiming: "bedside-form" }, tr(form.title)),
    ...(form.ui.description ? [h("p.help", { id: "form-about" }, tr(form.ui.description))] : []), head, headerSlot, notices, body, bar);

  async function run(kinds, extra = {}) {
    if (kinds.includes("submit") && rendered.validate()) { showError(t("fix_errors")); return; }
    if (Object.keys(doc.conflicts || {}).length && (kinds.includes("submit") || kinds.includes("sign"))) { showError(t("conflict_open")); return; }
    if (kinds.includes("sign")) await feedbackReady; // signing may ask first (offline, never kept: it does not)
    if (kinds.includes("sign") && feedback && !(await feedback.beforeSign((card) => { asking = card; drawChrome(); }))) return;
    for (const kind of kinds) doc = await step(docId, kind, kind === "acknowledge" || kind === "return" ? extra : {});
    nudge();
    flush();
    rendered.update(doc, { editable: canEdit() });
    drawChrome();
  }

  let barError = null;
  const showError = (msg) => { barError = msg; drawChrome(); };

  // A link's assessor, once signed: thanks, and what happens next (answer.js, loaded then).
  let thanks = null;
  const thank = () => user.link_doc && LOCKED.has(doc.status) && (thanks ||= import("./answer.js")
    .then((m) => m.thanksCard(app, docId)).then((el) => { main.querySelector("h1").after(el); scrollTo(0, 0); el.firstChild.focus({ preventScroll: true }); }, () => {}));

  let drawn = 0;
  function drawChrome() {
    thank();
    const status = doc.status;
    const sum = summary && LOCKED.has(status);
    if (!sum) loadSummary().then(() => summary && LOCKED.has(doc.status) && drawChrome());
    const n0 = ++drawn;
    if (sum) summary.render(doc, form, app, formEl).then((els) => n0 === drawn && body.replaceChildren(...els));
    else if (body.firstChild !== formEl) body.replaceChildren(formEl);
    headerSlot.hidden = !!sum;
    head.replaceChildren(h("p.meta", {}, sum ? null : [
      h("span", {}, `${t("trainee")}: ${doc.trainee_name || "–"}`), h("br"),
      // a form the trainee signs herself (Coachloopen) names her supervisor, not an assessor
      form.workflow?.sign === "trainee" ? (doc.assessor_name ? [h("span", {}, `${t("supervisor")}: ${doc.assessor_name}`), h("br")] : null)
        : [h("span", {}, `${t(bySupervisor(form) ? "supervisor" : "assessor")}: ${doc.assessor_name || "–"}`), h("br")],
      doc.observed_on ? [h("span", { id: "doc-day" }, doc.observed_on), h("br")] : null],
      h("span.status", { id: "doc-status", "data-status": status }, t(`status_${status}`)),
      doc.private ? h("span.badge", { id: "doc-private", title: t("private_notes_help") }, t("private_badge")) : null,
      doc.pending ? h("span.badge", { id: "doc-pending" }, t("not_synced")) : null));
    const n = [];
    if (doc.displaced) n.push(h("p.warn", { id: "displaced", role: "alert" }, t("rq_displaced")));
    else if (closed()) n.push(h("p.warn", { id: "link-closed", role: "alert" }, reasonText(syncState.linkClosed)));
    if (claimInfo?.claim_refusals) n.push(h("p.warn", { id: "claim-attempts", role: "alert" },
      t("rq_claim_attempts", (claimInfo.last_claim_refused_at || "").slice(11, 16), doc.trainee_name)));
    if (LOCKED.has(status)) n.push(h("p.info", { id: "read-only" }, t("read_only")));
    if (doc.server?.partial) n.push(h("p.info", { id: "partial" }, t("partial_view")));
    // the summary says how it was signed; a second device's answers stay here
    if (signatureNotes && (doc.server?.signature || doc.server?.other_answers?.length)) n.push(signatureNotes.show(sum ? { server: { other_answers: doc.server.other_answers } } : doc, label));
    if (doc.server?.returned_reason && status === "draft") n.push(h("p.warn", {}, `${t("returned")}: ${doc.server.returned_reason}`));
    if (Object.keys(doc.conflicts || {}).length) n.push(h("p.warn", { id: "conflict-notice", role: "alert" }, t("conflict_help")));
    (doc.rejections || []).forEach((r, i) => n.push(rejection(r, i)));
    if (doc.reflection && LOCKED.has(status) && !sum) n.push(h("div.card", {}, h("h2", {}, t("reflection_saved")), h("p.reflection", { id: "reflection-text" }, doc.reflection)));
    notices.replaceChildren(...n);
    bar.replaceChildren(...buttons());
    if (asking) bar.prepend(asking);
    if (barError) bar.prepend(h("p.error", { role: "alert" }, barError));
    barError = null;
  }

  function rejection(r, i) {
    const m = r.mutation || {};
    const kept = Object.entries(m.fields || m.data || {}).map(([p, v]) => h("li", {}, `${label(p)}: ${typeof v === "object" ? JSON.stringify(v) : v}`));
    if (m.reflection) kept.push(h("li", {}, `${t("reflection")}: ${m.reflection}`));
    // The server names fields as JSON Pointers ("/focus: ..."): show the refusal at each of them.
    const named = [...(r.message || "").matchAll(/(\/[A-Za-z0-9_~/]+)/g)].map(([, p]) => (rendered.showServerError(p, reasonText(r.reason)), label(p)));
    return h("div.rejection", { role: "alert" },
      h("p", {}, h("strong", {}, t("rejected")), ": ", reasonText(r.reason)),
      named.length ? h("p.muted", {}, `${t("field")}: ${named.join(", ")}`) : null,
      kept.length ? h("div", {}, h("p", {}, t("kept")), h("ul", {}, kept)) : null,
      h("div.row", {},
        m.fields && canEdit() && r.reason !== "not_your_field" ? h("button", { type: "button", onclick: async () => {
          for (const [p, v] of Object.entries(m.fields)) {
            if (typeof v === "string" && containsIdentityNumber(v)) continue;
            doc = await editField(docId, p, v, inflight);
          }
          doc = await dismissRejection(docId, i);
          rendered.update(doc, { editable: canEdit() });
          nudge(); drawChrome();
        } }, t("retry")) : null,
        h("button", { type: "button", onclick: async () => { doc = await dismissRejection(docId, i); drawChrome(); } }, t("discard"))));
  }

  const label = (pointer) => {
    const handle = rendered.handles.get(pointer);
    return handle ? tr(handle.field.label) : pointer;
  };

  function buttons() {
    if (closed()) return [];
    const can = new Set(actions(doc, form, user));
    const out = [];
    const sign = form.workflow?.sign;
    const signer = sign && ((sign === "assessor" && (doc.assessor_id === user.user_id || doc.doc_id === user.link_doc))
      || (sign === "trainee" && doc.trainee_id === user.user_id) || can.has("sign"));
    // The other side's required fields still empty (e.g. the assessor's ratings): they fill them in first.
    const empty = (p) => doc.data?.[p.slice(1)] == null || doc.data[p.slice(1)] === "";
    const waiting = (form.ui.sections || []).filter((sec) => !sectionOwners(sec, form).some((r) => roles.has(r)))
      .filter((sec) => sec.fields.some((f) => (form.schema.required || []).includes(f.field.slice(1)) && empty(f.field)));
    if (can.has("submit") && waiting.length) {
      const trainee = waiting.some((sec) => sectionOwners(sec, form).includes("trainee"));
      out.push(h("p.info", { id: "their-part" }, t(trainee ? "their_part_trainee" : "their_part")));
    } else if (can.has("submit")) {
      out.push(h("button.primary", { type: "button", id: "submit", onclick: () => run(signer ? ["submit", "sign"] : ["submit"]) }, signer ? t("submit_sign") : t("submit")));
    }
    if (can.has("sign")) out.push(h("button.primary", { type: "button", id: "sign", onclick: () => run(["sign"]) }, t("sign")));
    if (can.has("acknowledge")) {
      const area = h("textarea", { id: "reflection", rows: 4, value: doc.drafts?.reflection || "" });
      const err = h("p.error", { role: "alert", hidden: true });
      area.addEventListener("input", async () => {
        const bad = containsIdentityNumber(area.value);
        err.hidden = !bad; err.textContent = bad ? identityMessage() : "";
        area.setAttribute("aria-invalid", bad ? "true" : "false");
        if (!bad) doc = await keepDraftText(docId, "reflection", area.value);
      });
      out.push(h("div.card", {}, h("label", { htmlFor: "reflection" }, t("reflection")), area, err,
        h("button.primary", { type: "button", id: "acknowledge", onclick: () => {
          if (containsIdentityNumber(area.value)) { area.focus(); return; }
          run(["acknowledge"], { reflection: area.value.trim() || null });
        } }, t("acknowledge"))));
    }
    if (can.has("countersign")) out.push(h("button.primary", { type: "button", id: "countersign", onclick: () => run(["countersign"]) }, t("countersign")));
    if (can.has("return")) {
      const reason = h("input", { id: "return-reason", type: "text" });
      out.push(h("details.card", {}, h("summary", {}, t("return")), h("label", { htmlFor: "return-reason" }, t("return_reason")), reason,
        h("button", { type: "button", id: "return", onclick: () => {
          if (!reason.value.trim() || containsIdentityNumber(reason.value)) { reason.focus(); return; }
          run(["return"], { reason: reason.value.trim() });
        } }, t("return"))));
    }
    if (plans) out.push(...plans.nextStepButtons(app, doc));
    if (can.has("delete")) {
      out.push(h("button.danger", { type: "button", id: "delete", onclick: async () => {
        if (!confirm(t("confirm_delete"))) return;
        await run(["delete"]);
        app.navigate("#/");
      } }, t("delete")));
    }
    return out;
  }

  drawChrome();
  loadEvidence();
  window.__bedsideReady = performance.now(); // the first screen is there, filled in and live
  afterInteractive.then(() => app.catalog?.partial && app.loadCatalog());
  const headerShown = afterInteractive.then(() => import("./header.js")).then((m) => { header = m; return drawHeader(); }, () => {});
  if (link?.secret && !link.closed) {
    afterInteractive.then(() => api.link("", undefined, link.secret)).then((i) => { claimInfo = i; drawChrome(); }, () => {});
  }
  // the next offline start paints this screen at once (js/paint.js), header included; kept again when it is left
  let snapshot = null, left = false;
  const keepScreen = () => app.user && !left && snapshot?.keep(main, docId); // never after logout, nor another view
  afterInteractive.then(() => Promise.all([import("../snapshot.js"), headerShown]))
    .then(([m]) => { snapshot = m; keepScreen(); }, () => {});
  addEventListener("pagehide", keepScreen);

  return {
    dispose() { keepScreen(); left = true; removeEventListener("pagehide", keepScreen); },
    async onSync(changed) {
      if (!changed.includes(docId)) return;
      const next = await getDoc(docId);
      if (!next) { app.navigate("#/"); return; }
      doc = next;
      rendered.update(doc, { editable: canEdit() });
      feedback?.refresh();
      drawChrome();
      drawHeader();
      loadEvidence();
    },
  };
}


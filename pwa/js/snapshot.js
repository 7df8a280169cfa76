// The first screen of the last assessments opened, kept as HTML in localStorage (read synchronously
// by js/paint.js before any module loads), and what someone typed into it before the app took over.
// Logout removes them (app.js).
const PREFIX = "bedside-first:";
const KEEP = 5;
const FIELD_INPUTS = "[data-pointer] input, [data-pointer] textarea";

/** Keep ``main``'s first screen (the header and the form's first section, values included) for ``docId``. */
export function keep(main, docId) {
  try {
    const copy = main.cloneNode(true);
    // values first, while the copy's inputs still pair one to one with the live ones
    const from = main.querySelectorAll("input, textarea, select"), to = copy.querySelectorAll("input, textarea, select");
    to.forEach((el, i) => {
      const live = from[i];
      // a flagged personnummer, and anything typed outside the form's fields (a reflection), is never kept
      if (live.dataset.identity || !live.closest("[data-pointer]")) { el.removeAttribute("value"); el.textContent = ""; return; }
      if (el.type === "radio" || el.type === "checkbox") el.toggleAttribute("checked", live.checked);
      else if (el.tagName === "TEXTAREA") el.textContent = live.value;
      else if (el.tagName === "SELECT") [...el.options].forEach((o, k) => o.toggleAttribute("selected", k === live.selectedIndex));
      else el.setAttribute("value", live.value);
    });
    copy.querySelectorAll(".form-section ~ .form-section, .toast, .rejection").forEach((el) => el.remove());
    copy.querySelectorAll(".actions, button").forEach((el) => el.setAttribute("inert", ""));
    const order = (localStorage.getItem(PREFIX) || "").split(" ").filter((id) => id && id !== docId);
    order.unshift(docId);
    for (const old of order.splice(KEEP)) localStorage.removeItem(PREFIX + old);
    localStorage.setItem(PREFIX + docId, copy.innerHTML);
    localStorage.setItem(PREFIX, order.join(" "));
  } catch { /* storage full or refused: the start is slower, nothing else */ }
}

/** What was typed or chosen in a painted copy before the app took over: [pointer, index, value], the
 * index being the input's place among its field's inputs (a choice's radios carry no value of their own). */
export function typed(main) {
  if (!main.dataset.snapshot) return [];
  delete main.dataset.snapshot;
  const out = [];
  for (const el of main.querySelectorAll(FIELD_INPUTS)) {
    const field = el.closest("[data-pointer]");
    const index = [...field.querySelectorAll("input, textarea")].indexOf(el);
    if (el.type === "radio") { if (el.checked && !el.defaultChecked) out.push([field.dataset.pointer, index, true]); }
    else if (el.type === "checkbox") { if (el.checked !== el.defaultChecked) out.push([field.dataset.pointer, index, el.checked]); }
    else if (el.value !== el.defaultValue) out.push([field.dataset.pointer, index, el.value]);
  }
  return out;
}

/** Apply ``edits`` to the live form, through its own inputs (so they are stored and synced as typed). */
export function replay(main, edits) {
  for (const [pointer, index, value] of edits) {
    const field = main.querySelector(`[data-pointer="${CSS.escape(pointer)}"]`);
    const input = field && field.querySelectorAll("input, textarea")[index];
    if (!input) continue;
    if (input.type === "radio" || input.type === "checkbox") {
      if (input.checked !== value) input.click();
    } else if (input.value !== value) {
      input.value = value;
      input.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }
}

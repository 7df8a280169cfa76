// The first screen of the last assessments opened, kept as HTML in localStorage (read synchronously
// by js/paint.js before any module loads), and what someone typed into it before the app took over.
// Logout removes them (app.js).
const PREFIX = "bedside-first:";
const KEEP = 5;

/** Keep ``main``'s first screen (the header and the form's first section, values included) for ``docId``. */
export function keep(main, docId) {
  try {
    const copy = main.cloneNode(true);
    copy.querySelectorAll(".form-section ~ .form-section, .toast").forEach((el) => el.remove());
    const from = main.querySelectorAll("input, textarea"), to = copy.querySelectorAll("input, textarea");
    to.forEach((el, i) => {
      const live = from[i];
      if (!live) return;
      if (live.dataset.identity) { el.removeAttribute("value"); el.textContent = ""; return; } // never kept
      if (el.type === "radio" || el.type === "checkbox") el.toggleAttribute("checked", live.checked);
      else if (el.tagName === "TEXTAREA") el.textContent = live.value;
      else el.setAttribute("value", live.value);
    });
    copy.querySelectorAll(".actions, button").forEach((el) => el.setAttribute("inert", ""));
    const order = (localStorage.getItem(PREFIX) || "").split(" ").filter((id) => id && id !== docId);
    order.unshift(docId);
    for (const old of order.splice(KEEP)) localStorage.removeItem(PREFIX + old);
    localStorage.setItem(PREFIX + docId, copy.innerHTML);
    localStorage.setItem(PREFIX, order.join(" "));
  } catch { /* storage full or refused: the start is slower, nothing else */ }
}

/** What was typed or chosen in a painted copy before the app took over: [pointer, input, value]. */
export function typed(main) {
  if (!main.dataset.snapshot) return [];
  delete main.dataset.snapshot;
  const out = [];
  for (const el of main.querySelectorAll("[data-pointer] input, [data-pointer] textarea")) {
    const pointer = el.closest("[data-pointer]").dataset.pointer;
    const changed = el.type === "radio" || el.type === "checkbox" ? el.checked !== el.defaultChecked : el.value !== el.defaultValue;
    if (changed) out.push([pointer, el.type, el.value]);
  }
  return out;
}

/** Apply ``edits`` to the live form, through its own inputs (so they are stored and synced as typed). */
export function replay(main, edits) {
  for (const [pointer, type, value] of edits) {
    const field = main.querySelector(`[data-pointer="${CSS.escape(pointer)}"]`);
    if (!field) continue;
    if (type === "radio" || type === "checkbox") {
      const input = [...field.querySelectorAll("input")].find((i) => i.value === value);
      if (input && !input.checked) input.click();
    } else {
      const input = field.querySelector("input, textarea");
      if (input && input.value !== value) { input.value = value; input.dispatchEvent(new Event("input", { bubbles: true })); }
    }
  }
}

// Tiny DOM helper: h("p.note", {id: "x"}, "text", child).
export function h(tag, attrs, ...children) {
  const [name, ...classes] = tag.split(".");
  const el = document.createElement(name);
  if (classes.length) el.className = classes.join(" ");
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k in el && !k.includes("-") && k !== "list" && k !== "form") el[k] = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat(Infinity)) if (c != null && c !== false) el.append(c.nodeType ? c : String(c));
  return el;
}

let n = 0;
export const uid = (prefix = "f") => `${prefix}-${++n}`;

/** Run `fn` once, in a task after the next frame is painted (a hidden page paints none: a timer then). */
export function afterPaint(fn) {
  let done = false;
  const run = () => { if (!done) { done = true; fn(); } };
  if (!document.hidden) requestAnimationFrame(() => setTimeout(run, 0));
  setTimeout(run, document.hidden ? 0 : 1000);
}

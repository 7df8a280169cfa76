// JSON Pointer (RFC 6901) read and write on plain data.
export const parse = (p) => (p === "" ? [] : p.slice(1).split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~")));
export const escape = (k) => String(k).replace(/~/g, "~0").replace(/\//g, "~1");

export function get(data, pointer) {
  let v = data;
  for (const k of parse(pointer)) {
    if (v == null || typeof v !== "object") return undefined;
    v = v[k];
  }
  return v;
}

export function set(data, pointer, value) {
  const keys = parse(pointer);
  let v = data;
  keys.slice(0, -1).forEach((k) => {
    if (v[k] == null || typeof v[k] !== "object") v[k] = {};
    v = v[k];
  });
  v[keys[keys.length - 1]] = value;
  return data;
}

// The JSON API. Errors become ApiError with the HTTP status and the server's `reason`;
// a failed connection becomes ApiError with status 0 (offline, or the server is down).
let csrf = "", bearer = "";
export const setCsrf = (token) => { csrf = token || ""; };
// The secret of the device that claimed a request link: it answers the assessment (sync).
export const setBearer = (token) => { bearer = token || ""; };

export class ApiError extends Error {
  constructor(status, reason, detail) {
    super(detail || reason || `HTTP ${status}`);
    this.status = status;
    this.reason = reason;
  }
  get offline() { return this.status === 0; }
}

export async function request(method, path, body, token) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && csrf) headers["X-CSRF-Token"] = csrf;
  const auth = token || (/^\/api\/(sync|link)/.test(path) ? bearer : "");
  if (auth) headers.Authorization = `Bearer ${auth}`;
  let response;
  try {
    response = await fetch(path, {
      method, headers, credentials: "same-origin", body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new ApiError(0, "network", String(err));
  }
  // The service worker answers 503 with this header when neither network nor cache had it.
  if (response.headers.get("X-Bedside-Offline")) throw new ApiError(0, "network", "offline");
  let json = null;
  try { json = await response.json(); } catch { /* empty body */ }
  if (!response.ok) throw new ApiError(response.status, json?.reason || (response.status >= 500 ? "server" : "invalid"), json?.detail);
  return json;
}

export const login = (email, password) => request("POST", "/api/auth/login", { email, password });
export const session = () => request("GET", "/api/auth/session");
export const logout = () => request("POST", "/api/auth/logout", {});
// the forms her roles start (the form of any other document she holds is fetched with it)
export const catalog = (roles) => request("GET", roles?.length ? `/api/catalog?for=${encodeURIComponent([...roles].sort().join(","))}` : "/api/catalog");
export const placements = () => request("GET", "/api/placements");
export const colleagues = (q = "", role = "assessor") =>
  request("GET", `/api/colleagues?q=${encodeURIComponent(q)}&role=${role}`);
export const trainees = () => request("GET", "/api/trainees");
export const home = () => request("GET", "/api/home");
export const traineePage = (id) => request("GET", `/api/trainees/${id}`);
export const overview = (unitId) => request("GET", `/api/overview${unitId ? `?unit_id=${unitId}` : ""}`);
export const sync = (body) => request("POST", "/api/sync", body);
export const requests = (path = "", body) => request(body ? "POST" : "GET", `/api/requests${path}`, body);
/** A request link's endpoints with an explicit token: the shown link's (open, claim) or the device's. */
export const link = (path = "", body, token) => request(body ? "POST" : "GET", `/api/link${path}`, body, token);
export const receipt = (path = "", body, token) => request(body ? "POST" : "GET", `/api/receipt${path}`, body, token);

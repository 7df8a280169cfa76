// Log in with e-mail and password (needs network once; afterwards the app works offline).
import * as api from "../api.js";
import { addStrings, t } from "../i18n.js";
import { h } from "../render/dom.js";
import { kvGet } from "../storage.js";
import { resume } from "../outbox.js";

addStrings({
  sv: { login_forgot: "Glömt lösenord?", login_password_set: "Lösenordet är sparat. Logga in med det." },
  en: { login_forgot: "Forgot your password?", login_password_set: "The password is saved. Log in with it." },
});

export async function show(main, app) {
  const error = h("p.error", { id: "login-error", role: "alert", hidden: true });
  // just set from a link (views/password.js): her address filled in, and a word that it worked
  const justSet = sessionStorage.getItem("bedside-password-set");
  sessionStorage.removeItem("bedside-password-set");
  const email = h("input", { id: "email", type: "email", name: "email", autocomplete: "username", required: true,
    value: app.user?.email || justSet || "" });
  const password = h("input", { id: "password", type: "password", name: "password", autocomplete: "current-password", required: true });
  const submit = h("button.primary", { type: "submit" }, t("login"));
  const form = h("form.card", { onsubmit: async (e) => {
    e.preventDefault();
    error.hidden = true;
    submit.disabled = true;
    try {
      const info = await api.login(email.value.trim(), password.value);
      const previous = await kvGet("session");
      await app.setSession(info);
      resume();
      app.navigate("#/");
    } catch (err) {
      error.textContent = err.offline ? t("login_offline") : err.status === 429 ? t("login_limited") : t("login_failed");
      error.hidden = false;
    } finally { submit.disabled = false; }
  } },
    h("label", { htmlFor: "email" }, t("email")), email,
    h("label", { htmlFor: "password" }, t("password")), password,
    error, submit);
  main.append(h("h1", {}, t("login_title")),
    justSet ? h("p.info", { role: "status", id: "password-saved" }, t("login_password_set")) : null, form,
    h("p", {}, h("a", { href: "#/losenord", id: "forgot-password" }, t("login_forgot"))));
}

// "Glömt lösenord" (#/losenord): ask for a link by e-mail; and the page that link opens
// (#/losenord/<token>): choose a password, once. The answer to a request never says whether the address
// has an account. Needs the network (nothing here is kept on the device).
import * as api from "../api.js";
import { addStrings, t, reasonText } from "../i18n.js";
import { h } from "../render/dom.js";
import { containsIdentityNumber } from "../personnummer.js";

addStrings({
  sv: {
    pw_forgot_title: "Glömt lösenord", pw_forgot_help: "Skriv din e-postadress, så skickar vi en länk där du väljer ett nytt lösenord.",
    pw_send: "Skicka länk", pw_sent: "Om adressen hör till ett konto är en länk på väg. Den gäller i två timmar och kan användas en gång.",
    pw_back: "Till inloggningen", pw_choose_title: "Välj lösenord", pw_for: (email) => `För kontot ${email}.`,
    pw_welcome: (name) => `Välkommen till Bedside, ${name}!`, pw_new: "Nytt lösenord", pw_repeat: "Samma lösenord igen",
    pw_rules: "Minst 10 tecken. En fras av några ord går bra.", pw_mismatch: "Lösenorden är inte lika.",
    pw_save: "Spara lösenord", pw_saved: "Lösenordet är sparat. Logga in med det.", pw_offline: "Ingen kontakt med servern – försök igen när du har nät.",
    pw_checking: "Kontrollerar länken…", pw_limited: "För många försök. Vänta en stund och försök igen.",
    pw_identity: "Skriv inte ett personnummer här.",
  },
  en: {
    pw_forgot_title: "Forgot password", pw_forgot_help: "Enter your e-mail address and we send a link where you choose a new password.",
    pw_send: "Send link", pw_sent: "If the address belongs to an account, a link is on its way. It works once, for two hours.",
    pw_back: "Back to log in", pw_choose_title: "Choose a password", pw_for: (email) => `For the account ${email}.`,
    pw_welcome: (name) => `Welcome to Bedside, ${name}!`, pw_new: "New password", pw_repeat: "The same password again",
    pw_rules: "At least 10 characters. A phrase of a few words is fine.", pw_mismatch: "The passwords differ.",
    pw_save: "Save password", pw_saved: "The password is saved. Log in with it.", pw_offline: "No contact with the server – try again when you have a network.",
    pw_checking: "Checking the link…", pw_limited: "Too many attempts. Wait a while and try again.",
    pw_identity: "Do not write a personnummer here.",
  },
});

const problem = (err) => (err.offline ? t("pw_offline") : err.status === 429 ? t("pw_limited") : reasonText(err.reason));

export async function show(main, app, token) {
  if (token) return choose(main, app, token);
  const email = h("input", { id: "reset-email", type: "email", autocomplete: "username", required: true, value: app.user?.email || "" });
  const note = h("p", { id: "reset-answer", role: "status" });
  const send = h("button.primary", { type: "submit" }, t("pw_send"));
  const form = h("form.card", { onsubmit: async (e) => {
    e.preventDefault();
    send.disabled = true;
    note.className = "";
    try {
      await api.request("POST", "/api/auth/password-reset", { email: email.value.trim() });
      note.textContent = t("pw_sent");
      note.dataset.sent = "1";
    } catch (err) {
      note.textContent = problem(err);
      note.className = "error";
    } finally { send.disabled = false; }
  } }, h("p.small", {}, t("pw_forgot_help")), h("label", { htmlFor: "reset-email" }, t("email")), email, send, note);
  main.append(h("h1", {}, t("pw_forgot_title")), form, h("p", {}, h("a", { href: "#/login" }, t("pw_back"))));
}

async function choose(main, app, token) {
  const body = h("div", { id: "set-password", "aria-busy": "true" }, h("p.muted", {}, t("pw_checking")));
  main.append(h("h1", {}, t("pw_choose_title")), body);
  let info;
  try {
    info = await api.request("POST", "/api/auth/password-link", { token });
  } catch (err) {
    body.replaceChildren(h("p.error", { role: "alert", id: "password-error" }, problem(err)),
      h("p", {}, h("a", { href: "#/losenord" }, t("pw_forgot_title")), " · ", h("a", { href: "#/login" }, t("pw_back"))));
    body.setAttribute("aria-busy", "false");
    return;
  }
  const first = h("input", { id: "new-password", type: "password", autocomplete: "new-password", required: true,
    "aria-describedby": "pw-rules" });
  const second = h("input", { id: "repeat-password", type: "password", autocomplete: "new-password", required: true });
  const error = h("p.error", { id: "password-error", role: "alert", hidden: true });
  const save = h("button.primary", { type: "submit" }, t("pw_save"));
  const say = (text) => { error.textContent = text; error.hidden = !text; };
  for (const input of [first, second]) input.addEventListener("input", () => say("")); // corrected: the old word goes
  const form = h("form.card", { onsubmit: async (e) => {
    e.preventDefault();
    if (containsIdentityNumber(first.value)) return say(t("pw_identity"));
    if (first.value.length < 10) return say(reasonText("password_too_short")); // the server says the same
    if (first.value !== second.value) return say(t("pw_mismatch"));
    say("");
    save.disabled = true;
    try {
      const done = await api.request("POST", "/api/auth/password", { token, password: first.value });
      // the link is spent: the login page, with the address filled in and a word that it worked
      sessionStorage.setItem("bedside-password-set", done.email);
      app.navigate("#/login");
    } catch (err) {
      say(problem(err));
    } finally { save.disabled = false; }
  } },
    // the account's address, for the browser's password manager
    h("input", { type: "email", autocomplete: "username", value: info.email, hidden: true, readOnly: true }),
    h("p", {}, info.purpose === "invite" ? t("pw_welcome", info.name) : null, " ", t("pw_for", info.email)),
    h("label", { htmlFor: "new-password" }, t("pw_new")), first, h("p.small.muted", { id: "pw-rules" }, t("pw_rules")),
    h("label", { htmlFor: "repeat-password" }, t("pw_repeat")), second, error, save);
  body.replaceChildren(form);
  body.setAttribute("aria-busy", "false");
}

// The signature receipt's link (#/inte-jag/<token>): what was signed in this person's name, and one
// tap if it was not them. Opening the link changes nothing (mail scanners open links too); the tap does.
import * as api from "../api.js";
import { addStrings, t, reasonText } from "../i18n.js";
import { h } from "../render/dom.js";

addStrings({
  sv: {
    reasons: {
      receipt_unknown: "Okänd kvittolänk. Kom hela länken med?",
    },
    rc_title: "Kvitto på signatur", rc_signed: (f, who, at) => `En ${f} för ${who} signerades i ditt namn ${at} (UTC).`,
    rc_question: "Var det du?", rc_not_me: "Det var inte jag", rc_was_me: "Var det du behöver du inte göra något.",
    rc_disputed: "Tack. Bedömningen är markerad som ifrågasatt och BT-läkarens handledare har fått veta det.",
  },
  en: {
    reasons: {
      receipt_unknown: "Unknown receipt link. Was the whole link copied?",
    },
    rc_title: "Signature receipt", rc_signed: (f, who, at) => `A ${f} for ${who} was signed in your name ${at} (UTC).`,
    rc_question: "Was it you?", rc_not_me: "It was not me", rc_was_me: "If it was you, there is nothing to do.",
    rc_disputed: "Thank you. The assessment is marked as disputed and the trainee's supervisors have been told.",
  },
});

export async function show(main, app, token) {
  let info;
  try { info = await api.receipt("", undefined, token); } catch (err) {
    return main.append(h("h1", {}, t("rc_title")), h("p.warn", { role: "alert", id: "receipt-error" },
      err.offline ? t("rq_network") : reasonText(err.reason)));
  }
  const body = h("div");
  const draw = () => body.replaceChildren(...[
    h("p", {}, t("rc_signed", info.form_title, info.trainee_name, (info.signed_at || "").slice(0, 16).replace("T", " "))),
    info.disputed_at
      ? h("p.info", { id: "receipt-disputed", role: "status" }, t("rc_disputed"))
      : [h("p", {}, t("rc_question")),
        h("button.danger", { type: "button", id: "not-me", onclick: async (e) => {
          e.target.disabled = true;
          try { info = await api.receipt("/dispute", {}, token); draw(); } catch (err) {
            e.target.disabled = false;
            app.toast(err.offline ? t("rq_network") : reasonText(err.reason));
          }
        } }, t("rc_not_me")),
        h("p.muted", {}, t("rc_was_me"))]].flat());
  draw();
  main.append(h("h1", {}, t("rc_title")), body);
}

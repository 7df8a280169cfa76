"""The e-mails of the request flow, in Swedish (the assessors' language), with an English line."""

from __future__ import annotations

from dataclasses import dataclass

from ..mail.outbox import LINK


@dataclass(frozen=True)
class Mail:
    subject: str
    body: str


def request_mail(*, trainee: str, assessor: str, form_title: str, message: str | None, expires: str) -> Mail:
    note = f"\nMeddelande från {trainee}:\n{message}\n" if message else ""
    return Mail(
        subject=f"{trainee} ber om en bedömning ({form_title})",
        body=(f"Hej {assessor}!\n\n{trainee} ber dig fylla i en {form_title}. Du behöver inget konto: öppna "
              f"länken i mobilen, fyll i och signera. Formuläret fungerar även utan nät när det väl är öppnat.\n"
              f"{note}\n{LINK}\n\nLänken gäller till {expires[:10]}.\n\n"
              f"(English: {trainee} asks you to complete a {form_title}. Open the link; no account needed.)\n"),
    )


def reminder_mail(*, trainee: str, assessor: str, form_title: str, expires: str, anonymous: bool = False) -> Mail:
    """``anonymous``: a 360 rater's, which never says the trainee learns what the rater did."""
    decline = ("Om du inte kan svara kan du avböja via länken; ditt svar, eller att du avböjt, visas aldrig "
               f"för {trainee}." if anonymous else
               f"Om du inte kan göra bedömningen kan du avböja via länken, så vet {trainee} det.")
    return Mail(
        subject=f"Påminnelse: {trainee} väntar på din bedömning ({form_title})",
        body=(f"Hej {assessor}!\n\n{trainee} väntar fortfarande på din {form_title}. Det tar några minuter:\n\n"
              f"{LINK}\n\nLänken gäller till {expires[:10]}. {decline}\n\n"
              "(English: a reminder of the assessment request above.)\n"),
    )


def outcome_mail(*, trainee: str, assessor: str, form_title: str, declined: bool, reason: str | None) -> Mail:
    if declined:
        why = f" Skäl: {reason}" if reason else ""
        return Mail(subject=f"{assessor} avböjde din förfrågan ({form_title})",
                    body=f"Hej {trainee}!\n\n{assessor} kan inte göra din {form_title}.{why}\n\n"
                         "Be gärna någon annan kollega i Bedside.\n")
    return Mail(subject=f"{assessor} har signerat din {form_title}",
                body=f"Hej {trainee}!\n\n{assessor} har fyllt i och signerat din {form_title}. Öppna Bedside "
                     "för att läsa återkopplingen och kvittera med din reflektion.\n")


def receipt_mail(*, assessor: str, trainee: str, form_title: str, signed_at: str) -> Mail:
    """To the assessor who signed through a link: a receipt, and one tap if it was not them."""
    when = f"{signed_at[:10]} kl. {signed_at[11:16]} (UTC)"
    return Mail(
        subject=f"Kvitto: du signerade en {form_title} för {trainee}",
        body=(f"Hej {assessor}!\n\nDu signerade en {form_title} för {trainee} {when}.\n\n"
              f"Var det inte du? Öppna länken och tryck på ”Det var inte jag”, så markeras bedömningen som "
              f"ifrågasatt för {trainee}s handledare:\n\n{LINK}\n\n"
              f"(English: you signed a {form_title} for {trainee}. Not you? Open the link and tap "
              f"“It was not me”; the trainee's supervisors will see the assessment as disputed.)\n"),
    )


def disputed_mail(*, supervisor: str, trainee: str, form_title: str, assessor: str, email: str | None) -> Mail:
    """To the trainee's supervisors when the person named as the signer says it was not them."""
    who = f"{assessor} ({email})" if email else assessor
    return Mail(
        subject=f"Ifrågasatt signatur: {form_title} för {trainee}",
        body=(f"Hej {supervisor}!\n\nEn {form_title} för {trainee} signerades i namnet {who} via en länk. "
              f"Mottagaren av signaturkvittot har svarat att det inte var hen. Bedömningen är markerad som "
              f"ifrågasatt i Bedside; prata med {trainee} innan den räknas.\n\n"
              f"(English: the person named as the signer of this assessment says it was not them; it is "
              f"marked as disputed.)\n"),
    )


def mail_thread(request_id: str) -> str:
    """Every mail about one request belongs to one thread (a reminder answers the first message)."""
    return f"request:{request_id}"

"""The e-mails of a round, in Swedish with an English line. None names a rater to the trainee."""

from __future__ import annotations

from ..mail.outbox import LINK
from ..requests.messages import Mail


def rater_mail(*, trainee: str, rater: str, deadline: str) -> Mail:
    return Mail(
        subject=f"{trainee} ber om din återkoppling (360-bedömning)",
        body=(f"Hej {rater}!\n\n{trainee} är i sin bastjänstgöring och ber om din återkoppling i en "
              f"360-bedömning. Det tar ungefär fem minuter och du behöver inget konto. Ditt svar är anonymt "
              f"mot {trainee}: hen ser bara en sammanställning av minst tre svar, aldrig vem som skrev vad. "
              f"Huvudhandledaren ser vem som svarat men berättar det inte.\n\n{LINK}\n\n"
              f"Svara senast {deadline[:10]}. Kan du inte svara kan du avböja via länken.\n\n"
              f"(English: {trainee} asks for your feedback in a 360 round; about five minutes, no account, "
              f"anonymous towards the trainee.)\n"),
    )


def released_mail(*, trainee: str) -> Mail:
    return Mail(
        subject="Din 360-sammanställning är klar",
        body=(f"Hej {trainee}!\n\nDin huvudhandledare har släppt sammanställningen av din 360-runda. Öppna "
              "Bedside för att läsa den och boka ett samtal om utvecklingspunkterna.\n\n"
              "(English: your 360 report has been released; open Bedside to read it.)\n"),
    )

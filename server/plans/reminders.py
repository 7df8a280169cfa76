"""A reminder by e-mail before each follow-up day of a signed action plan, to the HHL who signed it and to
the trainee, exactly once per plan, day and person (``plan_reminders``). The mail says only that a
follow-up is due and links to the app: what the plan says stays behind the login."""

from __future__ import annotations

import datetime as dt

from ..clock import STOCKHOLM, iso
from ..db import Database, Tx
from ..mail.outbox import queue_mail
from ..settings import Settings
from .repository import claim_reminder, signed_plans_with_people
from .schedule import follow_up_days

#: days before a follow-up day its reminder goes out; a day passed more than LATE_DAYS ago is not reminded
DAYS_BEFORE = 3
LATE_DAYS = 7


def reminder_body(*, to_name: str, trainee: str, due_on: str, url: str, for_trainee: bool) -> str:
    whose = "din handlingsplan" if for_trainee else f"handlingsplanen för {trainee}"
    return (f"Hej {to_name}!\n\nUppföljningen av {whose} är planerad till {due_on}. Boka tiden och dokumentera "
            f"uppföljningen i Bedside:\n\n{url}\n\n(English: the follow-up of an action plan is due on {due_on}.)\n")


async def run_plan_reminders(db: Database, plan_forms: tuple[str, ...], settings: Settings, now: dt.datetime) -> int:
    """Queue the follow-up reminders due at ``now``; returns how many mails were queued."""
    today = now.astimezone(STOCKHOLM).date()
    due = []
    for plan in await signed_plans_with_people(db, plan_forms):
        for day in follow_up_days(plan["data"]):
            lead = (dt.date.fromisoformat(day) - today).days
            if -LATE_DAYS <= lead <= DAYS_BEFORE:
                due.append((plan, day))
    if not due:
        return 0

    async def run(tx: Tx) -> int:
        queued = 0
        for plan, day in due:
            url = f"{settings.base_url}/#/a/{plan['id']}"
            people = ((plan["trainee_id"], plan["trainee_name"], plan["trainee_email"], True),
                      (plan["assessor_id"], plan["hhl_name"], plan["hhl_email"], False))
            for user_id, name, email, for_trainee in people:
                if not await claim_reminder(tx, plan["id"], day, user_id, iso(now)):
                    continue
                await queue_mail(tx, to=email, subject=f"Påminnelse: uppföljning av handlingsplan {day}",
                                 body=reminder_body(to_name=name, trainee=plan["trainee_name"], due_on=day, url=url,
                                                    for_trainee=for_trainee),
                                 kind="plan_reminder", now=now, thread=f"plan:{plan['id']}")
                queued += 1
        return queued

    return await db.transaction(run)

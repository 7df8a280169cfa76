"""The server's clock: the one place that reads the time, so a test can move it (``clock.now``).

Dates people mean ("today", "30 days without an assessment") are Swedish calendar days."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from .db.database import TIME_FORMAT, iso_utc

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    """Today in Sweden (read through ``now``, so moving the clock moves the day)."""
    return now().astimezone(STOCKHOLM).date()


def iso(moment: dt.datetime) -> str:
    """A moment as the database stores it (ISO-8601 UTC text)."""
    return iso_utc(moment)


def parse(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, TIME_FORMAT).replace(tzinfo=dt.UTC)

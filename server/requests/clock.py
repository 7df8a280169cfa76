"""Times as the database stores them (ISO-8601 UTC text, see ``server.db.utc_now``), from an
injectable ``now`` so tests can move the clock."""

from __future__ import annotations

import datetime as dt

from ..db.database import TIME_FORMAT as FORMAT
from ..db.database import iso_utc


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def iso(moment: dt.datetime) -> str:
    return iso_utc(moment)


def parse(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, FORMAT).replace(tzinfo=dt.UTC)

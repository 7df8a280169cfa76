"""Times as the database stores them (ISO-8601 UTC text, see ``server.db.utc_now``), read from the
server's clock (``server.clock``), so a test that moves it moves requests too."""

from __future__ import annotations

import datetime as dt

from .. import clock as server_clock
from ..db.database import TIME_FORMAT as FORMAT
from ..db.database import iso_utc


def now() -> dt.datetime:
    return server_clock.now()


def iso(moment: dt.datetime) -> str:
    return iso_utc(moment)


def parse(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, FORMAT).replace(tzinfo=dt.UTC)

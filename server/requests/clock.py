"""Times as the database stores them (ISO-8601 UTC text, see ``server.db.utc_now``), read from the
server's clock (``server.clock``), so a test that moves it moves requests too."""

from __future__ import annotations

import datetime as dt

from .. import clock as server_clock
from ..clock import iso, parse

__all__ = ["iso", "now", "parse"]


def now() -> dt.datetime:
    """Read at each call, so a test that moves ``server.clock.now`` moves requests too."""
    return server_clock.now()

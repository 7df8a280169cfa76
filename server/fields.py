"""Value rules shared by API bodies, query parameters and sync metadata: ids that fit the database's
integer columns, bounded names and texts, e-mail addresses. A value outside them is a 400 naming the
field, never a database error."""

from __future__ import annotations

import re
from typing import Annotated, Final

from msgspec import Meta

#: PostgreSQL INTEGER (users, placements, units, programmes are SERIAL)
DB_INT_MAX: Final = 2**31 - 1
EMAIL_PATTERN: Final = r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$"
_EMAIL = re.compile(EMAIL_PATTERN)

RowId = Annotated[int, Meta(ge=1, le=DB_INT_MAX)]
#: a name on one line: no control characters (a line break in a name would break a mail's header or a
#: CSV row), and not only white space
NAME_PATTERN: Final = r"^[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f][^\x00-\x1f\x7f]*$"
PersonName = Annotated[str, Meta(min_length=1, max_length=200, pattern=NAME_PATTERN)]
ShortText = Annotated[str, Meta(max_length=200)]
Email = Annotated[str, Meta(max_length=320, pattern=EMAIL_PATTERN)]
UUID_PATTERN: Final = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
Uuid = Annotated[str, Meta(pattern=UUID_PATTERN)]
#: what a pattern asks for, in words (for the 400 a person reads)
PATTERN_WORDS: Final = {NAME_PATTERN: "a name on one line (no line breaks or control characters)",
                        EMAIL_PATTERN: "an e-mail address", UUID_PATTERN: "an id made on the device (a UUID)"}


def is_email(text: str) -> bool:
    return len(text) <= 320 and _EMAIL.match(text) is not None

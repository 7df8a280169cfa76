"""The identity-number guard at the door: before any handler, dependency or authorization runs,
every string a client sends in a JSON body, a path or a query (object keys included) is checked, and
a request carrying a personnummer is refused naming the field, never echoing the value.

``/api/sync`` is one exception: it answers each mutation on its own (a refused mutation does not
stop the others), so it runs the same check per mutation (``server.assessments.validation``); the CSV
import (``/api/admin/import``) is the other: it refuses each row that holds one.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_plus

import msgspec
from litestar import Request

from sync.limits import nesting_depth

from ..errors import IdentityNumberFound, InvalidInput
from .guard import first_identity_pointer
from .personnummer import contains_identity_number, identity_error_message

#: never stored or echoed (only a hash is kept), so a password may be any text: the top-level
#: password of the bodies that carry one, and nothing else
NOT_GUARDED_KEYS = frozenset({"password", "new_password"})
PASSWORD_PATHS = frozenset({"/api/auth/login", "/api/admin/users", "/api/auth/password"})
#: checked per mutation by the handler (the echo route, the benchmark's ceiling, checks what it echoes),
#: and per row by the CSV import (a personnummer refuses its row, never the whole file)
PER_MUTATION_PATHS = frozenset({"/api/sync", "/api/sync/echo", "/api/admin/import"})
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_BODY_DEPTH = 32


async def refuse_identity_numbers(request: Request[Any, Any, Any]) -> None:
    """Litestar ``before_request`` hook: raise ``IdentityNumberFound`` (400) for a personnummer
    anywhere in what the client sent; a body nested deeper than MAX_BODY_DEPTH is a 400 too."""
    for name, value in request.path_params.items():
        if isinstance(value, str) and contains_identity_number(value):
            raise IdentityNumberFound(identity_error_message(f"path parameter {name}"))
    for name, value in request.query_params.multi_items():
        if contains_identity_number(name) or contains_identity_number(str(value)):
            raise IdentityNumberFound(identity_error_message(f"query parameter {name}"))
    if request.method not in WRITE_METHODS or request.url.path in PER_MUTATION_PATHS:
        return
    body = await request.body()  # kept on the request: the handler reads the same bytes
    if not body:
        return
    # Whatever the Content-Type says: a handler may read the body as JSON all the same.
    try:
        decoded = msgspec.json.decode(body)
    except msgspec.DecodeError:
        text = body.decode("utf-8", "replace")
        if contains_identity_number(text) or contains_identity_number(unquote_plus(text)):
            raise IdentityNumberFound(identity_error_message("(the body)")) from None
        return  # the handler answers a malformed body with its own 400
    except RecursionError:
        raise InvalidInput(f"The JSON body nests more than {MAX_BODY_DEPTH} levels of objects and arrays.",
                           reason="too_deep") from None
    skipped = NOT_GUARDED_KEYS if request.url.path in PASSWORD_PATHS else frozenset()
    pointer = first_identity_pointer(decoded, skip_top_keys=skipped)
    if pointer is not None:
        raise IdentityNumberFound(identity_error_message(pointer or "(the body)"))
    if _deeper_than(decoded, MAX_BODY_DEPTH):
        raise InvalidInput(f"The JSON body nests more than {MAX_BODY_DEPTH} levels of objects and arrays.",
                           reason="too_deep")


def _deeper_than(value: Any, limit: int) -> bool:
    return nesting_depth(value, stop_after=limit) > limit

"""One shape rule for every document, whichever path its data arrives by.

A document's data is a JSON object that nests at most ``MAX_DEPTH`` levels of objects and arrays
(the data object itself is level 1; a Slutbedömning's ``/delmal/BT3/evidence`` list is level 4), and
its canonical JSON encoding is at most ``MAX_DOCUMENT_BYTES``. Deeper or larger data is refused as
``invalid`` with a message that says the limit, never stored and never a server error.
"""

from __future__ import annotations

from typing import Any, Final

__all__ = ["MAX_DEPTH", "MAX_DOCUMENT_BYTES", "MAX_SAFE_INT", "nesting_depth"]

MAX_DEPTH: Final = 8
MAX_DOCUMENT_BYTES: Final = 64 * 1024
#: The largest integer a browser's JSON keeps exactly (2**53 - 1): mutation ids, checkpoints, times.
MAX_SAFE_INT: Final = 2**53 - 1


def nesting_depth(value: Any, *, stop_after: int = MAX_DEPTH) -> int:
    """Levels of objects and arrays in ``value`` (a scalar is 0, ``{}`` is 1, ``[[1]]`` is 2).

    Iterative, so a crafted value thousands of levels deep cannot exhaust the stack; counting stops
    once ``stop_after`` is exceeded (the caller only needs to know that it is too deep)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, level)
        if deepest > stop_after:
            return deepest
        stack.extend((child, level + 1) for child in children)
    return deepest

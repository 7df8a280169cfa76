"""The guard every client-sent value passes before anything is stored or echoed: find the first
place in a JSON value (object keys included) that holds a personnummer or samordningsnummer.

Iterative, so a crafted value thousands of levels deep cannot exhaust the stack.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from .personnummer import contains_identity_number

__all__ = ["first_identity_pointer"]


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def first_identity_pointer(value: Any, prefix: str = "", *, skip_top_keys: Collection[str] = ()) -> str | None:
    """The JSON Pointer (under ``prefix``) of the first string (or number) that holds an identity number; for an
    object key that holds one, the object's pointer followed by " (a field name)", so the number is
    never echoed; ``prefix`` itself for a string at the top; None when there is none. The values of
    the top-level keys in ``skip_top_keys`` (a login's password, never stored or echoed) are not
    looked at; anywhere deeper the same key is guarded like any other."""
    stack: list[tuple[str, Any]] = [(prefix, value)]
    while stack:
        pointer, node = stack.pop()
        if isinstance(node, str):
            if contains_identity_number(node):
                return pointer
        elif isinstance(node, int | float) and not isinstance(node, bool):
            if contains_identity_number(repr(node)):  # 1212121212 sent as a JSON number
                return pointer
        elif isinstance(node, dict):
            children = []
            for key, child in node.items():
                key_text = str(key)
                child_pointer = f"{pointer}/{_escape(key_text)}"
                if contains_identity_number(key_text):
                    return f"{pointer} (a field name)".lstrip()
                if not (pointer == prefix and key_text in skip_top_keys):
                    children.append((child_pointer, child))
            stack.extend(reversed(children))
        elif isinstance(node, list | tuple):
            stack.extend(reversed([(f"{pointer}/{i}", child) for i, child in enumerate(node)]))
    return None

"""JSON Pointers (RFC 6901) over form data, and the "field" view of it.

A field is a leaf: nested objects are recursed, every other JSON value (scalar, null or array) is
one atomic value. ``flatten`` turns data into ``{pointer: leaf}``; ``place`` writes one leaf into a
copy and refuses to change the *shape* of the data (turn a leaf into an object or back), because
shape changes would silently drop other fields' values.
"""

from __future__ import annotations

from typing import Any

__all__ = ["PointerError", "escape", "flatten", "join", "check_place", "lookup", "parse", "place"]


class PointerError(ValueError):
    """A pointer that is malformed or does not fit the shape of the data."""


def escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def join(tokens: list[str]) -> str:
    return "".join("/" + escape(t) for t in tokens)


def parse(pointer: str) -> list[str]:
    """Split a pointer into unescaped tokens. The root pointer "" is not a field."""
    if not pointer.startswith("/"):
        raise PointerError(f"{pointer!r} is not a JSON Pointer to a field (must start with '/')")
    tokens = pointer[1:].split("/")
    for token in tokens:
        rest = token
        while "~" in rest:
            i = rest.index("~")
            if rest[i + 1 : i + 2] not in ("0", "1"):
                raise PointerError(f"{pointer!r} has a '~' that is not '~0' or '~1'")
            rest = rest[i + 2 :]
    return [t.replace("~1", "/").replace("~0", "~") for t in tokens]


def flatten(data: dict[str, Any]) -> dict[str, Any]:
    """Every leaf of ``data`` by pointer. Empty objects have no leaves."""
    out: dict[str, Any] = {}

    def walk(prefix: str, obj: dict[str, Any]) -> None:
        for key, value in obj.items():
            pointer = prefix + "/" + escape(key)
            if isinstance(value, dict):
                walk(pointer, value)
            else:
                out[pointer] = value

    walk("", data)
    return out


def lookup(data: dict[str, Any], tokens: list[str]) -> tuple[bool, Any]:
    """``(found, value)`` of the node at ``tokens``."""
    node: Any = data
    for token in tokens:
        if not isinstance(node, dict) or token not in node:
            return False, None
        node = node[token]
    return True, node


def check_place(data: dict[str, Any], tokens: list[str], value: Any) -> None:
    """Raise PointerError unless ``place`` may write ``value`` at ``tokens``: the value must not be an
    object, no parent may be an existing leaf (even null) and the target must not be an object."""
    if isinstance(value, dict):
        raise PointerError(f"{join(tokens)}: a field's value cannot be an object; send its leaves")
    node: Any = data
    for i, token in enumerate(tokens):
        if token not in node:
            return
        node = node[token]
        last = i == len(tokens) - 1
        if last and isinstance(node, dict):
            raise PointerError(f"{join(tokens)} is an object, not a field")
        if not last and not isinstance(node, dict):
            raise PointerError(f"{join(tokens)}: {join(tokens[: i + 1])} is a field, not an object")


def place(data: dict[str, Any], tokens: list[str], value: Any) -> None:
    """Write a leaf in place (into the caller's own copy), creating missing parent objects."""
    check_place(data, tokens, value)
    node = data
    for token in tokens[:-1]:
        node = node.setdefault(token, {})
    node[tokens[-1]] = value

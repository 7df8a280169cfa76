"""A compiled validity check (jsonschema-rs) in front of the ``jsonschema`` validator.

Most documents a server sees are valid; the pure-Python validator costs about 1.5 ms for a full
Mini-CEX, which on the sync hot path is more than everything else a request does. jsonschema-rs
answers "valid?" in microseconds with the same schema, vocabulary resources and format checks; only
an invalid document goes on to ``jsonschema``, whose errors we turn into field messages.
"""

from __future__ import annotations

from typing import Any

import jsonschema_rs

from .model import Vocabulary
from .vocabularies import vocabulary_schema


class FastCheck:
    """``is_valid(data)``: the same answer as the Python validator, compiled."""

    def __init__(self, schema: dict[str, Any], vocabularies: tuple[Vocabulary, ...]) -> None:
        registry = jsonschema_rs.Registry([(v.urn, vocabulary_schema(v)) for v in vocabularies])
        self._validator = jsonschema_rs.Draft202012Validator(schema, registry=registry, validate_formats=True)

    def is_valid(self, data: object) -> bool:
        return bool(self._validator.is_valid(data))

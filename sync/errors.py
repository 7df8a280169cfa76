"""The one exception the engine raises internally; ``apply_mutation`` turns it into a result."""

from __future__ import annotations

__all__ = ["Rejection"]


class Rejection(Exception):
    """A refused mutation: ``reason`` is one of ``sync.protocol.REASONS``."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message

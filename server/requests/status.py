"""The status a trainee sees for a request, derived from its timestamps and its assessment."""

from __future__ import annotations

from typing import Any

LOCKED = ("signed", "acknowledged", "countersigned")
OPEN = ("sent", "opened", "in_progress")


def request_status(row: dict[str, Any], now_iso: str) -> str:
    """sent, opened, in_progress, completed, declined, withdrawn or expired. ``row`` carries the
    request's columns plus ``doc_status`` and ``doc_version`` of its assessment."""
    if row["doc_status"] in LOCKED:
        return "completed"
    if row["withdrawn_at"]:
        return "withdrawn"
    if row["declined_at"]:
        return "declined"
    if row["expires_at"] <= now_iso:
        return "expired"
    if int(row["doc_version"]) > 1 or row["doc_status"] != "draft":
        return "in_progress"
    if row["opened_at"]:
        return "opened"
    return "sent"

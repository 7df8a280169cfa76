"""The rules for "behind", as data: each has a default and may be set per unit (``unit_settings``,
keys ``flags.<name>``). A flag names its rule and carries the numbers behind it; the PWA words it."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from ..errors import InvalidInput

SETTING_PREFIX = "flags."


@dataclass(frozen=True)
class FlagRules:
    #: signed formative assessments a placement needs by its midpoint (and after)
    min_signed_by_midpoint: int = 2
    #: days without an assessment during a placement before it is flagged
    max_days_without_assessment: int = 30
    #: days after a placement ended without a signed Slutbedömning before it is flagged
    final_missing_after_days: int = 14
    #: days a request may stay unanswered before it is flagged
    request_unanswered_days: int = 14
    #: a Slutbedömning is "due" for the clinical supervisor this many days before the placement ends
    final_due_within_days: int = 14
    #: days a current placement may go without a documented handledningssamtal (monthly, seed 004)
    max_days_between_handledning: int = 31
    #: the same in primary care, where handledning is weekly (seed 004)
    max_days_between_handledning_primarvard: int = 7
    #: days either side of a hand-over between placements within which its handledaravstämning counts
    handover_check_within_days: int = 14
    #: IUP follow-ups per term (half year) a placement's IUP needs (SPUR: at least twice a term)
    iup_follow_ups_per_term: int = 2


#: the accepted range of each rule's value
LIMITS: dict[str, tuple[int, int]] = {
    "min_signed_by_midpoint": (0, 50),
    "max_days_without_assessment": (1, 365),
    "final_missing_after_days": (0, 365),
    "request_unanswered_days": (1, 365),
    "final_due_within_days": (0, 120),
    "max_days_between_handledning": (1, 365),
    "max_days_between_handledning_primarvard": (1, 365),
    "handover_check_within_days": (0, 90),
    "iup_follow_ups_per_term": (1, 12),
}

DEFAULT_RULES = FlagRules()


def rule_names() -> list[str]:
    return [f.name for f in dataclasses.fields(FlagRules)]


def in_range(name: str, value: Any) -> bool:
    low, high = LIMITS[name]
    return not isinstance(value, bool) and isinstance(value, int) and low <= value <= high


def checked_value(name: str, value: Any) -> int:
    """``value`` for rule ``name``, or a 400 that says what is accepted."""
    if name not in LIMITS:
        raise InvalidInput(f"Unknown setting {name!r}; the rules are: {', '.join(rule_names())}.",
                           reason="unknown_setting")
    low, high = LIMITS[name]
    if not in_range(name, value):
        raise InvalidInput(f"{name} must be a whole number from {low} to {high}.", reason="invalid_setting",
                           extra=[{"field": f"/{name}", "message": f"A whole number from {low} to {high}."}])
    return value


def rules_from_settings(values: dict[str, Any]) -> FlagRules:
    """A unit's rules from its stored settings (``flags.<name>`` → value); anything else is ignored."""
    chosen = {}
    for key, value in values.items():
        name = key.removeprefix(SETTING_PREFIX)
        if key.startswith(SETTING_PREFIX) and name in LIMITS and in_range(name, value):
            chosen[name] = value
    return dataclasses.replace(DEFAULT_RULES, **chosen)

"""The rater groups, the defaults of a round and the unit settings that change them.

A unit's setting is stored under ``rounds.<name>`` (``unit_settings``); a unit without it uses the
default here. A group with fewer than ``MIN_SHOWN`` answers is never shown on its own to the trainee.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from ..errors import InvalidInput

#: the rater groups, in the order they are shown, with their Swedish names
GROUPS: dict[str, str] = {
    "specialistlakare": "Specialistläkare",
    "st_bt_at_lakare": "ST-, BT- eller AT-läkare",
    "sjukskoterska": "Sjuksköterska",
    "underskoterska": "Undersköterska",
    "ovrig_personal": "Övrig personal",
}
OTHERS = "ovriga"  # where groups too small to be shown alone are merged for the trainee
OTHERS_LABEL = "Övriga"
MIN_SHOWN = 3
SETTING_PREFIX = "rounds."
#: the trainee is advised to nominate this many (UK and Danish practice)
ADVISED_NOMINATIONS = (15, 20)


@dataclass(frozen=True)
class RoundRules:
    """What a new round of a unit's trainee gets unless its opener says otherwise."""

    trainee_may_open: bool = False
    deadline_days: int = 45
    min_total: int = 10
    min_specialistlakare: int = 2
    min_st_bt_at_lakare: int = 0
    min_sjukskoterska: int = 0
    min_underskoterska: int = 0
    min_ovrig_personal: int = 0

    def group_minimums(self) -> dict[str, int]:
        return {group: getattr(self, f"min_{group}") for group in GROUPS}


DEFAULT_ROUND_RULES = RoundRules()
LIMITS: dict[str, tuple[int, int]] = {"deadline_days": (7, 180), "min_total": (3, 50)} | {
    f"min_{g}": (0, 20) for g in GROUPS}


def rules_from_settings(values: dict[str, Any]) -> RoundRules:
    """The rules in force from a unit's stored settings (keys without the prefix); a stored value of
    the wrong kind or out of range is ignored (the default holds)."""
    chosen: dict[str, Any] = {}
    for f in dataclasses.fields(RoundRules):
        value = values.get(f.name)
        if f.name == "trainee_may_open":
            if isinstance(value, bool):
                chosen[f.name] = value
        elif isinstance(value, int) and not isinstance(value, bool):
            low, high = LIMITS[f.name]
            if low <= value <= high:
                chosen[f.name] = value
    return dataclasses.replace(DEFAULT_ROUND_RULES, **chosen)


def checked_setting(name: str, value: Any) -> Any:
    """``value`` for setting ``name`` (None: back to the default), or a 400 that says what is accepted."""
    names = [f.name for f in dataclasses.fields(RoundRules)]
    if name not in names:
        raise InvalidInput(f"Unknown setting {name!r}; the round settings are: {', '.join(names)}.",
                           reason="unknown_setting")
    if value is None:
        return None
    if name == "trainee_may_open":
        if not isinstance(value, bool):
            raise InvalidInput("trainee_may_open is true or false.", reason="invalid_setting")
        return value
    low, high = LIMITS[name]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(f"{name} must be a whole number from {low} to {high}.", reason="invalid_setting")
    return value

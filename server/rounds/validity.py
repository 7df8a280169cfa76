"""Whether a closed round's answers are enough to be shown: the total and each group's minimum."""

from __future__ import annotations

from dataclasses import dataclass

from .rules import GROUPS


@dataclass(frozen=True)
class Failure:
    """One rule that does not hold: ``min_total``, or ``min_group`` for ``group``."""

    rule: str
    needed: int
    got: int
    group: str | None = None

    @property
    def message(self) -> str:
        if self.group is None:
            return f"{self.got} of the {self.needed} answers needed in all."
        return f"{self.got} of the {self.needed} answers needed from {GROUPS[self.group].lower()}."


def failures(answered: dict[str, int], min_total: int, group_minimums: dict[str, int]) -> list[Failure]:
    """Every rule that fails, the total first; empty when the round is valid."""
    out = []
    total = sum(answered.values())
    if total < min_total:
        out.append(Failure("min_total", min_total, total))
    for group in GROUPS:
        needed = group_minimums.get(group, 0)
        if answered.get(group, 0) < needed:
            out.append(Failure("min_group", needed, answered.get(group, 0), group))
    return out

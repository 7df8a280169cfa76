"""The report of a round, as the trainee may see it: aggregates only (pure functions, no I/O).

Anonymity is built in, not filtered afterwards:
- a rater group with fewer than ``MIN_SHOWN`` answers is never shown on its own: small groups are
  merged into "Övriga", and while "Övriga" itself is too small the smallest shown group joins it, so
  every group shown has at least three answers and the groups shown add up to the whole (no group can
  be worked out by subtracting the others from the total);
- comments carry no group, no time and no id, in an order fixed per round by a secret seed (neither
  the order of answering nor of ids);
- a comment the main supervisor hid is left out.
"""

from __future__ import annotations

import hashlib
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import msgspec

from .rules import GROUPS, MIN_SHOWN, OTHERS, OTHERS_LABEL

COMMENT_FIELDS = ("strengths", "development_areas", "concern_comment")
CONCERNS = ("inga", "viss", "allvarlig")


@dataclass(frozen=True)
class Answer:
    """One signed rater answer: what the report may use of it (its id only to hide a comment)."""

    assessment_id: str
    group: str
    data: dict[str, object]


class Distribution(msgspec.Struct):
    #: how many answered each scale value ("1".."5"), and how many could not judge
    counts: dict[str, int]
    cannot_judge: int
    median: float | None


class GroupStats(msgspec.Struct):
    group: str
    label: str
    answers: int
    distribution: Distribution


class ItemStats(msgspec.Struct):
    field: str
    label: str
    overall: Distribution
    groups: list[GroupStats]
    #: the trainee's own answer in her self-assessment (None: not signed, or could not judge)
    self_value: int | None


class ShownGroup(msgspec.Struct):
    group: str
    label: str
    answers: int
    #: the rater groups it is made of (more than one: merged, since each alone was too small)
    made_of: list[str]


class Report(msgspec.Struct):
    answers: int
    groups: list[ShownGroup]
    items: list[ItemStats]
    #: overall judgement: how many answered each of inga / viss / allvarlig farhåga
    concerns: dict[str, int]
    #: field -> the comments, unattributed, in the round's fixed random order
    comments: dict[str, list[str]]
    self_assessed: bool


def shown_groups(counts: dict[str, int]) -> dict[str, list[str]]:
    """Shown group -> the rater groups merged into it; every shown group has ≥ MIN_SHOWN answers."""
    shown = {g: [g] for g in GROUPS if counts.get(g, 0) >= MIN_SHOWN}
    others = [g for g in GROUPS if 0 < counts.get(g, 0) < MIN_SHOWN]

    def size(members: list[str]) -> int:
        return sum(counts.get(g, 0) for g in members)

    while others and size(others) < MIN_SHOWN and shown:
        smallest = min(shown, key=lambda g: (size(shown[g]), list(GROUPS).index(g)))
        others += shown.pop(smallest)
    if others and size(others) >= MIN_SHOWN:
        shown[OTHERS] = others
    return shown


def distribution(values: Iterable[object]) -> Distribution:
    numbers, cannot = [], 0
    for v in values:
        if isinstance(v, int) and not isinstance(v, bool):
            numbers.append(v)
        elif v is not None:
            cannot += 1
    counts = {str(n): numbers.count(n) for n in sorted(set(numbers))}
    return Distribution(counts, cannot, float(statistics.median(numbers)) if numbers else None)


def comment_order(seed: str, answer: Answer, field: str) -> str:
    return hashlib.sha256(f"{seed}:{answer.assessment_id}:{field}".encode()).hexdigest()


def build_report(answers: Sequence[Answer], *, items: Sequence[tuple[str, str]], self_data: dict[str, object] | None,
                 seed: str, hidden: set[tuple[str, str]]) -> Report:
    """``items``: (field, label) of the rating items; ``hidden``: (assessment_id, field) left out.
    Fewer than ``MIN_SHOWN`` answers in all: nothing is shown (a valid round has more)."""
    if len(answers) < MIN_SHOWN:
        answers = []
    counts = {g: sum(1 for a in answers if a.group == g) for g in GROUPS}
    groups = shown_groups(counts)
    member_of = {g: shown for shown, members in groups.items() for g in members}

    def label(shown: str) -> str:
        return OTHERS_LABEL if shown == OTHERS else GROUPS[shown]

    item_stats = []
    for field, item_label in items:
        per_group = [GroupStats(shown, label(shown), sum(counts[g] for g in members),
                                distribution(a.data.get(field) for a in answers if member_of.get(a.group) == shown))
                     for shown, members in groups.items()]
        own = (self_data or {}).get(field)
        item_stats.append(ItemStats(field, item_label, distribution(a.data.get(field) for a in answers), per_group,
                                    own if isinstance(own, int) and not isinstance(own, bool) else None))
    comments: dict[str, list[str]] = {}
    for field in COMMENT_FIELDS:
        kept = [(comment_order(seed, a, field), str(a.data[field]).strip()) for a in answers
                if isinstance(a.data.get(field), str) and str(a.data[field]).strip()
                and (a.assessment_id, field) not in hidden]
        comments[field] = [text for _, text in sorted(kept)]
    concerns = {c: sum(1 for a in answers if a.data.get("overall_concern") == c) for c in CONCERNS}
    return Report(len(answers), [ShownGroup(s, label(s), sum(counts[g] for g in m), m) for s, m in groups.items()],
                  item_stats, concerns, comments, self_data is not None)

"""Results of running a suite: per-case scores and outputs, and the aggregate metric."""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from typing import Any, Iterable

SCORE_LIMIT = 1e6
"""Largest |score| of any metric: far beyond every real one, small enough that sums and variances never overflow."""
MAX_LOSS = 1e4
"""Largest sane passage loss (nats per token); a random model over a 1e6-token vocabulary loses about 14."""
SCORE_DIGITS = 6
"""Decimals a case score keeps, in memory as in a stored baseline: an unchanged case then pairs
exactly with its baseline (a float's last bits would count as a tiny change, inflating the
worsened and improved counts and a noise floor's changed cases)."""
UNUSABLE = f"no usable number (NaN, infinite, or beyond ±{SCORE_LIMIT:g})"
"""How messages name a score outside the default range of bad_cases."""


@dataclass(frozen=True)
class CaseResult:
    """One case's score and what the model did."""

    id: str
    score: float
    category: str = ""
    tier: str = ""
    prompt: str = ""
    """Readable prompt, cut to a sane length."""
    expected: str = ""
    output: str = ""
    """Generated reply (or the option the model preferred)."""
    details: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    """Per-check results, per-option log-probabilities, errors, finish reasons."""

    def __post_init__(self) -> None:
        if isinstance(self.score, float):  # anything else is reported by bad_cases
            object.__setattr__(self, "score", round(self.score, SCORE_DIGITS))

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "score": self.score}
        for key in ("category", "tier", "prompt", "expected", "output"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        if self.details:
            data["details"] = self.details
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "CaseResult":
        return cls(
            id=data["id"],
            score=float(data["score"]),
            category=data.get("category", ""),
            tier=data.get("tier", ""),
            prompt=data.get("prompt", ""),
            expected=data.get("expected", ""),
            output=data.get("output", ""),
            details=data.get("details", {}),
        )


@dataclass(frozen=True)
class SuiteResult:
    """A suite's per-case results and its metric (the mean case score)."""

    suite: str
    fingerprint: str
    metric: str
    direction: str
    cases: tuple[CaseResult, ...]

    @property
    def score(self) -> float:
        return sum(c.score for c in self.cases) / len(self.cases) if self.cases else float("nan")

    @property
    def by_id(self) -> dict[str, CaseResult]:
        return {c.id: c for c in self.cases}

    def by_category(self) -> dict[str, float]:
        return _means((case.category or "-", case.score) for case in self.cases)

    def by_tier(self) -> dict[str, float]:
        """Mean score per difficulty tier; empty when no case has one."""
        return _means((case.tier, case.score) for case in self.cases if case.tier)


def _means(items: Iterable[tuple[str, float]]) -> dict[str, float]:
    groups: dict[str, list[float]] = {}
    for key, score in items:
        groups.setdefault(key, []).append(score)
    return {k: sum(v) / len(v) for k, v in sorted(groups.items())}


def is_sane(value: object, low: float = -SCORE_LIMIT, high: float = SCORE_LIMIT) -> bool:
    """Whether `value` is a finite real number in [low, high] (NaN and infinities never are)."""
    # numbers.Real: engines may hand back numpy floats; a bool is no score.
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        return False
    try:
        number = float(value)
    except OverflowError:  # an int beyond float's range
        return False
    return math.isfinite(number) and low <= number <= high


def bad_cases(cases: Iterable[CaseResult], low: float = -SCORE_LIMIT, high: float = SCORE_LIMIT) -> list[CaseResult]:
    """The cases whose score is not a finite number in [low, high]."""
    return [c for c in cases if not is_sane(c.score, low, high)]


def describe(cases: list[CaseResult], shown: int = 5, prefix: str = "") -> str:
    """\"'a/1' (nan), 'a/2' (inf) and 3 more\": which cases, with the value each holds."""
    text = ", ".join(f"{prefix}{c.id!r} ({show(c.score)})" for c in cases[:shown])
    return text + (f" and {len(cases) - shown} more" if len(cases) > shown else "")


def show(value: object) -> str:
    """A number as a person reads it: nan, inf, -inf, 1e+308, 0.5 (anything else as its repr)."""
    try:
        return format(float(value), "g") if isinstance(value, numbers.Real) else repr(value)
    except OverflowError:
        return "an integer beyond float range"

"""Results of running a suite: per-case scores and outputs, and the aggregate metric."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class CaseResult:
    """One case's score and what the model did."""

    id: str
    score: float
    category: str = ""
    prompt: str = ""
    """Readable prompt, cut to a sane length."""
    expected: str = ""
    output: str = ""
    """Generated reply (or the option the model preferred)."""
    details: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    """Per-check results, per-option log-probabilities, errors, finish reasons."""

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "score": round(self.score, 6)}
        for key in ("category", "prompt", "expected", "output"):
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
        groups: dict[str, list[float]] = {}
        for case in self.cases:
            groups.setdefault(case.category or "-", []).append(case.score)
        return {k: sum(v) / len(v) for k, v in sorted(groups.items())}

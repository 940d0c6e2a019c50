"""Verdicts: a candidate's SuiteResult judged against its Baseline, paired on case ids.

The rule (docs/statistics.md): a suite REGRESSED when its metric is worse than the
baseline's by more than the tolerance and the paired test says the worsening is
significant at alpha; worse than the tolerance but not significant is INCONCLUSIVE
(fails the gate unless configured otherwise); better by more than the tolerance
with significance is IMPROVED; anything else PASSES.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from capcheck import stats
from capcheck.baseline import Baseline
from capcheck.results import CaseResult, SuiteResult


class Status(str, Enum):
    PASS = "pass"
    IMPROVED = "improved"
    REGRESSED = "regressed"
    INCONCLUSIVE = "inconclusive"
    STALE = "stale"
    MISSING = "missing"
    RECORDED = "recorded"
    ERROR = "error"


@dataclass(frozen=True)
class Policy:
    """How verdicts are decided."""

    alpha: float = 0.05
    inconclusive_fails: bool = True
    tolerance: float | None = None
    """Overrides every suite's own tolerance when set."""


@dataclass(frozen=True)
class CaseChange:
    """One case, base vs candidate."""

    base: CaseResult
    candidate: CaseResult

    @property
    def change(self) -> float:
        return self.candidate.score - self.base.score


@dataclass
class Verdict:
    suite: str
    metric: str
    direction: str
    status: Status
    tolerance: float
    n: int = 0
    base_score: float = float("nan")
    candidate_score: float = float("nan")
    comparison: stats.Comparison | None = None
    worsened: list[CaseChange] = field(default_factory=list)
    """Cases that got worse, worst first."""
    improved: list[CaseChange] = field(default_factory=list)
    categories: dict[str, tuple[float, float, int]] = field(default_factory=dict)
    """category -> (base score, candidate score, cases)."""
    missing_cases: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    message: str = ""
    """For stale / missing / error: what is wrong and the command that fixes it."""
    cases_needed: int | None = None

    @property
    def delta(self) -> float:
        """Candidate minus base, in metric units (sign as the metric, not as 'worse')."""
        return self.candidate_score - self.base_score

    @property
    def higher_is_better(self) -> bool:
        return self.direction == "higher"

    def failed(self, policy: Policy) -> bool:
        if self.status == Status.INCONCLUSIVE:
            return policy.inconclusive_fails
        return self.status in (Status.REGRESSED, Status.STALE, Status.MISSING, Status.ERROR)


def judge(candidate: SuiteResult, baseline: Baseline, tolerance: float, policy: Policy, candidate_engine: str = "") -> Verdict:
    """Compare on the case ids both results share (a quick run uses the baseline's matching cases)."""
    base_by_id = baseline.result.by_id
    pairs = [(base_by_id[c.id], c) for c in candidate.cases if c.id in base_by_id]
    missing = [c.id for c in candidate.cases if c.id not in base_by_id]
    higher = candidate.direction == "higher"
    verdict = Verdict(candidate.suite, candidate.metric, candidate.direction, Status.PASS, tolerance, n=len(pairs))
    verdict.missing_cases = missing
    if not pairs:
        verdict.status = Status.STALE
        verdict.message = "the baseline shares no case ids with the suite"
        return verdict
    base_scores = [b.score for b, _ in pairs]
    cand_scores = [c.score for _, c in pairs]
    verdict.base_score = sum(base_scores) / len(pairs)
    verdict.candidate_score = sum(cand_scores) / len(pairs)
    comparison = stats.compare(base_scores, cand_scores, higher)
    verdict.comparison = comparison
    sign = 1 if higher else -1
    changes = [CaseChange(b, c) for b, c in pairs]
    verdict.worsened = sorted((ch for ch in changes if sign * ch.change < 0), key=lambda ch: sign * ch.change)
    verdict.improved = sorted((ch for ch in changes if sign * ch.change > 0), key=lambda ch: -sign * ch.change)
    verdict.categories = _categories(pairs)
    significant = comparison.p_value < policy.alpha
    if comparison.worse > tolerance:
        verdict.status = Status.REGRESSED if significant else Status.INCONCLUSIVE
        if not significant:
            verdict.cases_needed = stats.cases_needed(comparison.worse, comparison.sd, policy.alpha)
    elif comparison.worse < -tolerance:
        # Improvement needs the mirror test: candidate better with significance.
        better = stats.compare(cand_scores, base_scores, higher)
        verdict.status = Status.IMPROVED if better.p_value < policy.alpha else Status.PASS
    base_engine = baseline.engine.get("name", "")
    if candidate_engine and base_engine and candidate_engine != base_engine:
        verdict.notes.append(f"baseline recorded with engine '{base_engine}', candidate run with '{candidate_engine}'")
    if missing:
        verdict.notes.append(f"{len(missing)} case(s) have no baseline result and were left out")
    return verdict


def _categories(pairs: list[tuple[CaseResult, CaseResult]]) -> dict[str, tuple[float, float, int]]:
    groups: dict[str, list[tuple[float, float]]] = {}
    for base, cand in pairs:
        groups.setdefault(cand.category or "-", []).append((base.score, cand.score))
    return {
        name: (sum(b for b, _ in v) / len(v), sum(c for _, c in v) / len(v), len(v))
        for name, v in sorted(groups.items())
    }

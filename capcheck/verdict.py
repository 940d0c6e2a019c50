"""Verdicts: a candidate's SuiteResult judged against its Baseline, paired on case ids.

The rule (docs/statistics.md): a suite REGRESSED when its metric is worse than the
baseline's by more than the tolerance and the paired test says the worsening is
significant at alpha; worse than the tolerance but not significant is INCONCLUSIVE
(fails the gate unless configured otherwise); better by more than the tolerance
with significance is IMPROVED; anything else PASSES. A worsening no larger than the
engine noise floor (capcheck.noise) is never a regression, and with `holm` the p-values
are Holm-adjusted across the session's suites before the rule is applied.

Each category of a suite is judged as well (CategoryTest): a category that is worse than
the tolerance with significance after Holm's correction across the suite's categories fails
the suite, even when other categories rose and the suite's mean held.

Every number that enters the rule must be finite: a NaN compares false with every
threshold and would read as "not worse". A NaN or infinite score, tolerance, alpha or
noise floor makes the verdict an ERROR that says which one and why, never a pass.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import Enum
from typing import Callable

from capcheck import stats
from capcheck.baseline import FLOAT16_HINT, Baseline
from capcheck.noise import NoiseFloor
from capcheck.results import SCORE_LIMIT, UNUSABLE, CaseResult, SuiteResult, bad_cases, describe, is_sane, show


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
    holm: bool = False
    """Holm-adjust the suites' p-values (family: every suite compared in the session)."""


@dataclass(frozen=True)
class CaseChange:
    """One case, base vs candidate."""

    base: CaseResult
    candidate: CaseResult

    @property
    def change(self) -> float:
        return self.candidate.score - self.base.score


MIN_CATEGORY_CASES = 10
"""Categories with fewer paired cases are shown but not judged on their own: a bootstrap of
a handful of cases understates its own uncertainty."""


@dataclass
class CategoryTest:
    """One category of a suite, judged on its own paired cases."""

    name: str
    comparison: stats.Comparison
    base_score: float
    candidate_score: float
    worsened: int
    """Cases of the category that got worse."""
    p_adjusted: float | None = None
    """Holm-adjusted p-value of 'worse' across the family; None outside it (too few cases, or a
    discordance that could never reach significance: Tarone's criterion, p_min > alpha)."""
    regressed: bool = False
    within_noise: bool = False

    @property
    def n(self) -> int:
        return self.comparison.n


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
    category_tests: list[CategoryTest] = field(default_factory=list)
    """Each category judged on its own (suites with two or more categories)."""
    tiers: dict[str, tuple[float, float, int]] = field(default_factory=dict)
    """difficulty tier -> (base score, candidate score, cases), for suites whose cases carry a tier."""
    missing_cases: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    message: str = ""
    """For stale / missing / error: what is wrong and the command that fixes it."""
    cases_needed: int | None = None
    p_adjusted: float | None = None
    """Holm-adjusted p-value of 'worse', when the policy asks for it."""
    p_better: float | None = None
    """One-sided p-value of 'better' (the mirror test), when the candidate is better beyond tolerance."""
    noise: NoiseFloor | None = None
    within_noise: bool = False
    """Worse than tolerance, but no more than the engine noise floor: not a regression."""
    failed_by_category: bool = False
    """REGRESSED because a category regressed on its own; the suite's own rule would not have failed it."""

    @property
    def p_value(self) -> float:
        """The p-value the rule uses: Holm-adjusted when set, else the suite's own."""
        if self.p_adjusted is not None:
            return self.p_adjusted
        return self.comparison.p_value if self.comparison is not None else float("nan")

    @property
    def delta(self) -> float:
        """Candidate minus base, in metric units (sign as the metric, not as 'worse')."""
        return self.candidate_score - self.base_score

    @property
    def higher_is_better(self) -> bool:
        return self.direction == "higher"

    @property
    def regressed_categories(self) -> list[CategoryTest]:
        return [t for t in self.category_tests if t.regressed]

    def failed(self, policy: Policy) -> bool:
        if self.status == Status.INCONCLUSIVE:
            return policy.inconclusive_fails
        return self.status in (Status.REGRESSED, Status.STALE, Status.MISSING, Status.ERROR)


def judge(candidate: SuiteResult, baseline: Baseline, tolerance: float, policy: Policy, candidate_engine: str = "",
          noise: NoiseFloor | None = None, candidate_dtype: str = "") -> Verdict:
    """Compare on the case ids both results share (a quick run uses the baseline's matching cases)."""
    base_by_id = baseline.result.by_id
    pairs = [(base_by_id[c.id], c) for c in candidate.cases if c.id in base_by_id]
    missing = [c.id for c in candidate.cases if c.id not in base_by_id]
    higher = candidate.direction == "higher"
    verdict = Verdict(candidate.suite, candidate.metric, candidate.direction, Status.PASS, tolerance, n=len(pairs))
    verdict.missing_cases = missing
    problem = _input_problem(candidate, baseline, pairs, tolerance, policy, noise)
    if problem:
        verdict.status, verdict.message = Status.ERROR, problem
        return verdict
    if not pairs:
        verdict.status = Status.STALE
        verdict.message = "the baseline shares no case ids with the suite"
        return verdict
    base_scores = [b.score for b, _ in pairs]
    cand_scores = [c.score for _, c in pairs]
    verdict.base_score = sum(base_scores) / len(pairs)
    verdict.candidate_score = sum(cand_scores) / len(pairs)
    comparison = stats.compare(base_scores, cand_scores, higher)  # finite inputs within SCORE_LIMIT: no overflow
    verdict.comparison = comparison
    sign = 1 if higher else -1
    changes = [CaseChange(b, c) for b, c in pairs]
    verdict.worsened = sorted((ch for ch in changes if sign * ch.change < 0), key=lambda ch: sign * ch.change)
    verdict.improved = sorted((ch for ch in changes if sign * ch.change > 0), key=lambda ch: -sign * ch.change)
    verdict.categories = _groups(pairs, lambda c: c.category or "-")
    verdict.tiers = _groups([(b, c) for b, c in pairs if c.tier], lambda c: c.tier)
    verdict.category_tests = _category_tests(pairs, higher)
    adjust_categories(verdict.category_tests, policy.alpha)
    if comparison.worse < -tolerance:
        # Improvement needs the mirror test: candidate better with significance.
        verdict.p_better = stats.compare(cand_scores, base_scores, higher).p_value
    if noise is not None:
        if noise.suite_fingerprint == baseline.data["suite"]["fingerprint"]:
            verdict.noise = noise
        else:
            verdict.notes.append("the noise floor was measured on another version of the suite and is ignored; "
                                 "re-measure it with `capcheck calibrate`")
    decide(verdict, policy)
    base_engine, base_dtype = baseline.engine.get("name", ""), baseline.engine.get("dtype", "")
    if candidate_engine and base_engine and candidate_engine != base_engine:
        verdict.notes.append(f"baseline recorded with engine '{base_engine}', candidate run with '{candidate_engine}'")
    if candidate_dtype and base_dtype and candidate_dtype != base_dtype and verdict.noise is None:
        verdict.notes.append(
            f"baseline recorded in {base_dtype}, candidate run in {candidate_dtype}: what the dtype alone changes "
            f"counts as a change here. Gate in {base_dtype}, record baselines in {candidate_dtype}, or measure "
            f"the dtype's noise floor once with `capcheck calibrate --dtype {candidate_dtype}` (docs/statistics.md)")
    if missing:
        verdict.notes.append(f"{len(missing)} case(s) have no baseline result and were left out")
    return verdict


COMPARED = (Status.PASS, Status.IMPROVED, Status.REGRESSED, Status.INCONCLUSIVE)


def decide(verdict: Verdict, policy: Policy) -> None:
    """Set the status of a compared verdict from its comparison, p-value and noise floor."""
    c = verdict.comparison
    assert c is not None
    verdict.status, verdict.cases_needed, verdict.within_noise = Status.PASS, None, False
    verdict.failed_by_category = False
    # Checked again here, not only in judge: apply_holm decides anew, and a NaN here would read as "not worse".
    problem = _policy_problem(verdict.tolerance, policy) or _comparison_problem(verdict)
    if problem:
        verdict.status, verdict.message = Status.ERROR, problem
        return
    if c.worse > verdict.tolerance:
        binary = c.test == "mcnemar-exact"
        if verdict.noise is not None and verdict.noise.covers(c.worse, len(verdict.worsened), verdict.n, binary):
            verdict.within_noise = True
        elif verdict.p_value < policy.alpha:
            verdict.status = Status.REGRESSED
        else:
            verdict.status = Status.INCONCLUSIVE
            verdict.cases_needed = stats.cases_needed(c.worse, c.sd, policy.alpha)
    elif c.worse < -verdict.tolerance and verdict.p_better is not None and verdict.p_better < policy.alpha:
        verdict.status = Status.IMPROVED
    _decide_categories(verdict, policy)


def _decide_categories(verdict: Verdict, policy: Policy) -> None:
    """A category worse than tolerance with significance (Holm-adjusted) fails the suite.

    Only a significant category fails it: an inconclusive category alone does not, since a
    suite has many small categories and each would otherwise be a coin toss at the margin.
    """
    for test in verdict.category_tests:
        c = test.comparison
        test.regressed = test.within_noise = False
        if test.p_adjusted is None or c.worse <= verdict.tolerance or test.p_adjusted >= policy.alpha:
            continue
        binary = c.test == "mcnemar-exact"
        if verdict.noise is not None and verdict.noise.covers(c.worse, test.worsened, c.n, binary):
            test.within_noise = True
        else:
            test.regressed = True
    if verdict.regressed_categories and verdict.status in (Status.PASS, Status.IMPROVED, Status.INCONCLUSIVE):
        verdict.status, verdict.cases_needed, verdict.within_noise = Status.REGRESSED, None, False
        verdict.failed_by_category = True


def adjust_categories(tests: list[CategoryTest], alpha: float) -> None:
    """Holm-adjust the 'worse' p-values of the category tests that can reach significance.

    The family leaves out categories with fewer than MIN_CATEGORY_CASES cases and those whose
    smallest attainable p-value exceeds alpha (Tarone's criterion for discrete tests: with 4 or
    fewer changed cases McNemar can never go below 1/16), so unchangeable categories do not
    dilute the correction. Both rules look only at how many cases changed, not in which
    direction, so the family-wise false-alarm rate stays at most alpha.
    """
    family = [t for t in tests if t.n >= MIN_CATEGORY_CASES and t.comparison.p_min <= alpha]
    for test in tests:
        test.p_adjusted = None
    for test, p in zip(family, stats.holm([t.comparison.p_value for t in family])):
        test.p_adjusted = p


def apply_holm(verdicts: list[Verdict], policy: Policy) -> None:
    """Holm-adjust the 'worse' p-values of every compared suite and decide again.

    The family is every suite that was compared with a baseline in the session; the
    mirror test behind 'improved' is not adjusted (it never fails the gate).
    """
    family = [v for v in verdicts if v.comparison is not None and v.status in COMPARED]
    adjusted = stats.holm([v.comparison.p_value for v in family])  # type: ignore[union-attr]
    # The categories' family grows to every category of every compared suite.
    adjust_categories([t for v in family for t in v.category_tests], policy.alpha)
    for verdict, p in zip(family, adjusted):
        verdict.p_adjusted = p
        decide(verdict, policy)


def _groups(pairs: list[tuple[CaseResult, CaseResult]], key: Callable[[CaseResult], str]
            ) -> dict[str, tuple[float, float, int]]:
    groups: dict[str, list[tuple[float, float]]] = {}
    for base, cand in pairs:
        groups.setdefault(key(cand), []).append((base.score, cand.score))
    return {
        name: (sum(b for b, _ in v) / len(v), sum(c for _, c in v) / len(v), len(v))
        for name, v in sorted(groups.items())
    }


def _category_tests(pairs: list[tuple[CaseResult, CaseResult]], higher: bool) -> list[CategoryTest]:
    """A paired comparison per category, for suites with two or more categories."""
    groups: dict[str, list[tuple[CaseResult, CaseResult]]] = {}
    for pair in pairs:
        groups.setdefault(pair[1].category or "-", []).append(pair)
    if len(groups) < 2:
        return []  # the suite's own verdict already judges its only category
    sign = 1 if higher else -1
    tests = []
    for name, group in sorted(groups.items()):
        before = [b.score for b, _ in group]
        after = [c.score for _, c in group]
        tests.append(CategoryTest(
            name, stats.compare(before, after, higher), sum(before) / len(before), sum(after) / len(after),
            worsened=sum(1 for b, c in zip(before, after) if sign * (c - b) < 0)))
    return tests


def _policy_problem(tolerance: float, policy: Policy) -> str | None:
    """Why the tolerance or alpha cannot decide a verdict, or None."""
    if not is_sane(tolerance, 0.0, SCORE_LIMIT):
        return (f"the tolerance is {show(tolerance)}; it must be a finite number >= 0 (in metric units). Fix "
                "--tolerance, or the suite's tolerance=")
    if not (is_sane(policy.alpha) and 0.0 < policy.alpha < 1.0):
        return f"alpha is {show(policy.alpha)}; it must be a number between 0 and 1, e.g. 0.05. Fix --capcheck-alpha"
    return None


def _input_problem(candidate: SuiteResult, baseline: Baseline, pairs: list[tuple[CaseResult, CaseResult]],
                   tolerance: float, policy: Policy, noise: NoiseFloor | None) -> str | None:
    """Why these inputs cannot be judged, or None: every number in the rule must be finite."""
    policy_problem = _policy_problem(tolerance, policy)
    if policy_problem:
        return policy_problem
    bad = bad_cases(candidate.cases)
    if bad:
        return (f"the engine scored {len(bad)} case(s) as {UNUSABLE}: {describe(bad)}, so the suite cannot be "
                f"compared with its baseline; {FLOAT16_HINT}.")
    bad = bad_cases(b for b, _ in pairs)
    if bad:
        return (f"the baseline {baseline.path} holds {len(bad)} score(s) that are {UNUSABLE}: {describe(bad)}. "
                "Re-record it on the base model with `capcheck record`.")
    problem = noise.problem() if noise is not None else None
    if problem:
        return (f"the noise floor of suite '{candidate.suite}' is unusable: {problem}. Re-measure it with "
                "`capcheck calibrate` on the base model.")
    return None


def _comparison_problem(verdict: Verdict) -> str | None:
    """A comparison whose numbers are not finite (never expected after judge's checks) must not pass."""
    c = verdict.comparison
    assert c is not None
    numbers = {"worsening": c.worse, "p-value": verdict.p_value, "spread": c.sd}
    if verdict.p_better is not None:
        numbers["p-value of 'better'"] = verdict.p_better
    bad = [f"{name} {show(value)}" for name, value in numbers.items() if not math.isfinite(value)]
    if bad:
        return f"the comparison produced numbers that are not finite ({', '.join(bad)}); this is a capcheck bug"
    return None

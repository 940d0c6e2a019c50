"""Property: a verdict passes only when every number is finite and the candidate is within tolerance.

Random per-case scores for both directions (binary, fractional, losses, and NaN / infinite /
overflowing values), random tolerances and alphas (NaN, infinite, negative included) and
random noise floors go into judge(). Whatever comes out, a passing verdict must be
justified by the raw numbers, recomputed here without capcheck's statistics.
"""
from __future__ import annotations

import math
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from capcheck import stats
from capcheck.baseline import Baseline
from capcheck.noise import DRIFT_SLACK, NoiseFloor
from capcheck.results import SCORE_DIGITS, SCORE_LIMIT, CaseResult, SuiteResult
from capcheck.verdict import COMPARED, Policy, Status, apply_holm, judge

NAN, INF = float("nan"), float("inf")
NASTY = [NAN, INF, -INF, 1e308, -1e308, 1.7976931348623157e308, 1.5e6, -1e7, 5e-324, -0.0]
ANY_FLOAT = st.floats(allow_nan=True, allow_infinity=True)
BAD = st.one_of(st.sampled_from(NASTY), ANY_FLOAT)
ELEMENTS = {
    "binary": st.sampled_from([0.0, 1.0]),
    "unit": st.floats(0, 1),
    "loss": st.floats(0, 20),
    "wild": st.one_of(BAD, st.sampled_from([0.0, 1.0])),
}
KINDS = ["binary", "binary", "unit", "unit", "loss", "wild"]
"""Binary lists (McNemar) and fractional ones (bootstrap) alike; one in six drawn from anything."""


@st.composite
def _mostly(draw: st.DrawFn, good: st.SearchStrategy[float], bad: list[float]) -> float:
    """A value from `good` nine times in ten, else a bad value (or any float at all)."""
    if draw(st.integers(0, 9)):
        return draw(good)
    return draw(st.one_of(st.sampled_from(bad), ANY_FLOAT))


TOLERANCE = _mostly(st.one_of(st.sampled_from([0.0, 0.02, 0.05, 0.3]), st.floats(0, 0.5)),
                    [NAN, INF, -INF, -0.02, 1e308, 1e7])
ALPHA = _mostly(st.one_of(st.sampled_from([0.05, 0.01, 0.5]), st.floats(0.001, 0.999)), [NAN, INF, -INF, 0.0, 1.0, -0.05, 1.5])


@st.composite
def noise_floors(draw: st.DrawFn) -> NoiseFloor | None:
    """None, a consistent floor (of this suite version or another), or one with a corrupted number."""
    if draw(st.booleans()):
        return None
    n = draw(st.integers(1, 8))
    changed = draw(st.integers(0, n))
    floor = NoiseFloor(n=n, changed=changed, worsened=draw(st.integers(0, changed)),
                       drift=draw(_mostly(st.floats(0, 0.5), [NAN, INF, -INF, 1e308, -0.1])),
                       suite_fingerprint=draw(st.sampled_from(["fp", "fp", "fp", "another-version"])))
    if draw(st.integers(0, 9)) == 0:  # counts that do not add up
        floor = NoiseFloor(draw(st.integers(0, 8)), draw(st.integers(-1, 9)), draw(st.integers(-1, 9)),
                           floor.drift, floor.suite_fingerprint)
    return floor


@st.composite
def scores(draw: st.DrawFn) -> tuple[list[float], list[float]]:
    """Paired base and candidate scores: clean lists, shifted copies, and poisoned ones."""
    n = draw(st.integers(1, 6))  # small: each example stays fast, the rule does not depend on n
    element = ELEMENTS[draw(st.sampled_from(KINDS))]
    base = draw(st.lists(element, min_size=n, max_size=n))
    if draw(st.booleans()):
        cand = draw(st.lists(element, min_size=n, max_size=n))
    else:  # near the base: verdicts at the tolerance's edge
        cand = [b + draw(st.sampled_from([0.0, 0.01, -0.01, 0.02, -0.02, 0.05, -0.05, 0.5])) for b in base]
    for _ in range(draw(st.sampled_from([0] * 7 + [1, 2]))):  # plant a nasty number somewhere
        target = draw(st.sampled_from([base, cand]))
        target[draw(st.integers(0, n - 1))] = draw(BAD)
    return base, cand


def _suite(scores: list[float], direction: str) -> SuiteResult:
    return SuiteResult("s", "fp", "metric", direction,
                       tuple(CaseResult(id=f"c/{i}", score=s) for i, s in enumerate(scores)))


def _baseline(scores: list[float], direction: str) -> Baseline:
    data = {"suite": {"name": "s", "fingerprint": "fp", "metric": "metric", "direction": direction},
            "model": {"id": "m", "fingerprint": "f"}, "engine": {"name": "hf", "version": "t", "dtype": "float32"}}
    return Baseline(_suite(scores, direction), data, Path("s.json"))


def _finite(*values: float) -> bool:
    return all(math.isfinite(v) for v in values)


def _may_pass(base: list[float], cand: list[float], higher: bool, tolerance: float, alpha: float,
              noise: NoiseFloor | None) -> bool:
    """Whether the raw numbers allow a pass: all finite, and the worsening within tolerance or the noise floor."""
    if not _finite(*base, *cand, tolerance, alpha) or (noise is not None and not _finite(noise.drift)):
        return False
    sign = 1.0 if higher else -1.0
    worse = sign * (math.fsum(base) - math.fsum(cand)) / len(base)  # mean worsening, rounded once
    slack = 1e-9 * max([1.0, *map(abs, base), *map(abs, cand)])  # judge sums in a different order
    if worse <= tolerance + slack:
        return True
    if noise is None or noise.suite_fingerprint != "fp":
        return False
    binary = all(v in (0.0, 1.0) for v in base + cand)
    worsened = sum(1 for b, c in zip(base, cand) if sign * (c - b) < 0)
    allowed = math.ceil(noise.changed * len(base) / noise.n) if noise.n else 0
    return worse <= noise.drift + DRIFT_SLACK + slack or (binary and worsened <= allowed)


def _sane(base: list[float], cand: list[float], tolerance: float, alpha: float, noise: NoiseFloor | None) -> bool:
    """Inputs judge() must compare rather than refuse."""
    scores_ok = all(math.isfinite(v) and abs(v) <= SCORE_LIMIT for v in base + cand)
    noise_ok = noise is None or (math.isfinite(noise.drift) and 0 <= noise.drift <= 1e4
                                 and 0 <= noise.worsened <= noise.changed <= noise.n)
    return scores_ok and noise_ok and math.isfinite(tolerance) and 0 <= tolerance <= SCORE_LIMIT and 0 < alpha < 1


@settings(max_examples=10_000, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(pair=scores(), higher=st.booleans(), tolerance=TOLERANCE, alpha=ALPHA, noise=noise_floors(),
       inconclusive_fails=st.booleans(), holm=st.booleans())
def test_a_verdict_passes_only_on_finite_numbers_within_tolerance(
    pair: tuple[list[float], list[float]], higher: bool, tolerance: float, alpha: float,
    noise: NoiseFloor | None, inconclusive_fails: bool, holm: bool,
) -> None:
    # Case scores keep SCORE_DIGITS decimals (results.py): the oracle judges what is kept.
    base, cand = ([round(s, SCORE_DIGITS) for s in side] for side in pair)
    direction = "higher" if higher else "lower"
    policy = Policy(alpha=alpha, inconclusive_fails=inconclusive_fails, holm=holm)
    verdict = judge(_suite(cand, direction), _baseline(base, direction), tolerance, policy, noise=noise)
    if holm:  # the session decides again on Holm-adjusted p-values: that path must hold too
        apply_holm([verdict], policy)
    event(verdict.status.value + (" (noise)" if verdict.within_noise else ""))  # --hypothesis-show-statistics
    if verdict.status in (Status.PASS, Status.IMPROVED):
        assert _may_pass(base, cand, higher, tolerance, alpha, noise), verdict
    elif not verdict.failed(policy):  # the only other non-failure: inconclusive, when told not to fail on it
        assert verdict.status == Status.INCONCLUSIVE and not inconclusive_fails
        assert _finite(*base, *cand, tolerance, alpha), verdict
    if verdict.status == Status.ERROR:
        assert verdict.message and verdict.failed(policy)
    # The guards must not refuse sane input: it is compared, and within tolerance it passes.
    if _sane(base, cand, tolerance, alpha, noise):
        assert verdict.status in COMPARED, verdict.message
        sign = 1.0 if higher else -1.0
        worse = sign * (math.fsum(base) - math.fsum(cand)) / len(base)
        if worse < tolerance - 1e-9 * max([1.0, *map(abs, base + cand)]):
            assert verdict.status in (Status.PASS, Status.IMPROVED), verdict


def test_the_statistics_refuse_non_finite_input() -> None:
    """Called directly, the stats functions raise or answer None; they never return a NaN to compare."""
    for base, cand in [([NAN], [1.0]), ([1.0], [INF]), ([1e308, 0.5], [-1e308, 0.5]), ([1e200, 1e200], [-1e200, 3.0])]:
        try:
            stats.compare(base, cand, True)
        except ValueError as exc:
            assert "finite" in str(exc) or "too large" in str(exc)
        else:
            raise AssertionError(f"compare({base}, {cand}) did not refuse")
    assert stats.cases_needed(0.1, 0.3, NAN) is None and stats.cases_needed(NAN, 0.3, 0.05) is None
    assert stats.cases_needed(INF, 0.3, 0.05) is None and stats.cases_needed(0.1, INF, 0.05) is None
    assert stats.cases_needed(0.1, 0.3, 0.05) == 56
    for bad in ([NAN, 0.01], [0.01, 1.5], [-0.1]):
        try:
            stats.holm(bad)
        except ValueError as exc:
            assert "[0, 1]" in str(exc)
        else:
            raise AssertionError(f"holm({bad}) did not refuse")

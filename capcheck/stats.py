"""Paired statistics on per-case scores: McNemar's exact test and a paired bootstrap.

Both answer one question: is the candidate worse than its base on the same cases?
Deltas are oriented so that positive means worse.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

BOOTSTRAP_RESAMPLES = 2000
Z_95 = 1.959963984540054


@dataclass(frozen=True)
class Comparison:
    """Paired comparison of candidate vs base (positive `worse` = candidate is worse)."""

    n: int
    worse: float
    """Mean per-case worsening, in metric units (base - candidate when higher is better)."""
    ci_low: float
    ci_high: float
    """95% interval of `worse`."""
    p_value: float
    """One-sided p-value of 'the candidate is worse'."""
    test: str
    sd: float
    """Standard deviation of the per-case worsening (for sample-size estimates)."""
    p_min: float = 0.0
    """The smallest p-value this test could have given on these cases' discordance: 2^-d for
    McNemar with d changed cases, 1/(resamples + 1) for the bootstrap (1 when nothing changed).
    Tarone's criterion: a test whose p_min exceeds alpha can never be significant."""


def is_binary(values: Sequence[float]) -> bool:
    return all(v in (0.0, 1.0) for v in values)


def mcnemar_one_sided(worsened: int, improved: int) -> float:
    """Exact McNemar p-value for 'more cases got worse than better' (binomial tail, p = 1/2)."""
    n = worsened + improved
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, k) for k in range(worsened, n + 1))
    return min(1.0, tail / 2**n)


def _is_finite(value: float) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # an int beyond float's range
        return False


def _finite(values: Sequence[float], what: str) -> None:
    """Refuse NaN and infinity: NaN compares false with every threshold, so it would read as 'not worse'."""
    bad = [i for i, v in enumerate(values) if not _is_finite(v)]
    if bad:
        raise ValueError(f"{what} must be finite numbers; position {bad[0]} is {values[bad[0]]!r} ({len(bad)} in all)")


def paired_bootstrap(diffs: Sequence[float], resamples: int = BOOTSTRAP_RESAMPLES, seed: int = 0) -> tuple[float, float, float]:
    """(ci_low, ci_high, one-sided p of mean > 0) from a seeded, vectorised paired bootstrap."""
    _finite(diffs, "paired differences")
    values = np.asarray(diffs, dtype=float)
    if values.size == 0:
        return 0.0, 0.0, 1.0
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, values.size, size=(resamples, values.size))
    with np.errstate(over="raise", invalid="raise"):
        try:
            means = values[picks].mean(axis=1)
        except FloatingPointError as exc:
            raise ValueError(f"paired differences too large to resample ({exc})") from exc
    low, high = np.percentile(means, [2.5, 97.5])
    p = (np.count_nonzero(means <= 0) + 1) / (resamples + 1)
    return float(low), float(high), float(min(1.0, p))


def compare(base: Sequence[float], candidate: Sequence[float], higher_is_better: bool, seed: int = 0) -> Comparison:
    """Paired comparison of two equally long score lists (same cases, same order).

    Raises ValueError on a NaN or infinite score, or on scores so large that the statistics overflow.
    """
    if len(base) != len(candidate):
        raise ValueError("paired scores must have the same length")
    _finite(base, "base scores")
    _finite(candidate, "candidate scores")
    sign = 1.0 if higher_is_better else -1.0
    diffs = [sign * (b - c) for b, c in zip(base, candidate)]
    n = len(diffs)
    with np.errstate(over="raise", invalid="raise"):
        try:
            worse = sum(diffs) / n if n else 0.0
            sd = float(np.std(diffs, ddof=1)) if n > 1 else 0.0
        except (OverflowError, FloatingPointError) as exc:
            raise ValueError(f"scores too large to compare ({exc})") from exc
    _finite(diffs + [worse, sd], "paired differences, their mean and spread")
    if is_binary(base) and is_binary(candidate):
        worsened = sum(1 for d in diffs if d > 0)
        improved = sum(1 for d in diffs if d < 0)
        p = mcnemar_one_sided(worsened, improved)
        half = Z_95 * sd / math.sqrt(n) if n > 1 else 0.0
        p_min = 0.5 ** (worsened + improved)
        return Comparison(n, worse, worse - half, worse + half, p, "mcnemar-exact", sd, p_min)
    low, high, p = paired_bootstrap(diffs, seed=seed)
    p_min = 1.0 / (BOOTSTRAP_RESAMPLES + 1) if any(diffs) else 1.0
    return Comparison(n, worse, low, high, p, "paired-bootstrap", sd, p_min)


def cases_needed(effect: float, sd: float, alpha: float) -> int | None:
    """Cases a one-sided z-test needs to call a worsening of `effect` significant at `alpha` (80% power).

    None when no finite answer exists (no worsening, no spread, or a NaN / infinite input).
    """
    if not (math.isfinite(effect) and math.isfinite(sd) and effect > 0 and sd > 0 and 0 < alpha < 1):
        return None
    z_alpha = _z(1 - alpha)
    z_power = 0.8416212335729143
    try:
        needed = ((z_alpha + z_power) * sd / effect) ** 2
    except OverflowError:  # a vanishing effect: no number of cases would do
        return None
    return math.ceil(needed) if math.isfinite(needed) else None


def _z(q: float) -> float:
    """Standard normal quantile by bisection on erf (exact enough, no scipy needed)."""
    low, high = -10.0, 10.0
    for _ in range(100):
        mid = (low + high) / 2
        if 0.5 * (1 + math.erf(mid / math.sqrt(2))) < q:
            low = mid
        else:
            high = mid
    return (low + high) / 2


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm-Bonferroni adjusted p-values, in input order (ValueError on one outside [0, 1] or NaN)."""
    bad = [p for p in p_values if not 0.0 <= p <= 1.0]  # NaN fails both comparisons
    if bad:
        raise ValueError(f"p-values must lie in [0, 1]; got {bad[0]!r}")
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [0.0] * m
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[index]))
        adjusted[index] = running
    return adjusted

"""Statistics against scipy and hand-computed values."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sp

from capcheck import stats


@pytest.mark.parametrize(("worse", "better"), [(0, 0), (3, 0), (10, 4), (25, 30), (60, 41)])
def test_mcnemar_matches_scipy_binomial_tail(worse: int, better: int) -> None:
    n = worse + better
    expected = 1.0 if n == 0 else sp.binomtest(worse, n, 0.5, alternative="greater").pvalue
    assert stats.mcnemar_one_sided(worse, better) == pytest.approx(expected, rel=1e-9)


def test_mcnemar_hand_value() -> None:
    assert stats.mcnemar_one_sided(3, 0) == pytest.approx(1 / 8)


def test_bootstrap_is_seeded_and_centred() -> None:
    rng = np.random.default_rng(1)
    diffs = rng.normal(0.3, 1.0, size=400)
    a = stats.paired_bootstrap(diffs, seed=0)
    assert a == stats.paired_bootstrap(diffs, seed=0)
    low, high, p = a
    assert low < diffs.mean() < high
    # The percentile interval agrees with the normal-theory one for a large sample.
    se = diffs.std(ddof=1) / np.sqrt(diffs.size)
    assert low == pytest.approx(diffs.mean() - 1.96 * se, abs=0.03)
    assert p < 0.01


def test_bootstrap_no_effect_is_not_significant() -> None:
    diffs = np.tile([0.5, -0.5], 100)
    assert stats.paired_bootstrap(diffs)[2] > 0.3


def test_compare_orients_worse_by_direction() -> None:
    higher = stats.compare([1, 1, 1, 0], [0, 0, 1, 0], higher_is_better=True)
    assert higher.worse == pytest.approx(0.5) and higher.test == "mcnemar-exact"
    lower = stats.compare([2.0, 2.0, 2.0], [2.5, 2.6, 2.4], higher_is_better=False)
    assert lower.worse == pytest.approx(0.5) and lower.test == "paired-bootstrap"


def test_holm_matches_hand_computation() -> None:
    assert stats.holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])


def test_cases_needed_grows_as_effect_shrinks() -> None:
    small = stats.cases_needed(0.01, 0.3, 0.05)
    large = stats.cases_needed(0.05, 0.3, 0.05)
    assert small is not None and large is not None and small > large
    assert stats.cases_needed(0.0, 0.3, 0.05) is None

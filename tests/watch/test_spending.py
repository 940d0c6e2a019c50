"""Alpha spending: the levels sum to alpha, and whole simulated runs keep false alarms at most alpha."""
from __future__ import annotations

import math

import numpy as np
import pytest

from capcheck import stats
from capcheck.watch import spending
from capcheck.watch.watcher import decide, look_steps
from capcheck.errors import CapcheckError

ALPHA = 0.05


@pytest.mark.parametrize("kind", spending.SPENDING)
@pytest.mark.parametrize("looks", [1, 4, 10])
def test_levels_sum_to_alpha_and_are_positive(kind: str, looks: int) -> None:
    levels = spending.look_levels(looks, ALPHA, kind)
    assert len(levels) == looks
    assert math.isclose(sum(levels), ALPHA, rel_tol=1e-12)
    assert all(level > 0 for level in levels)


def test_pocock_spends_early_and_obrien_fleming_late() -> None:
    pocock = spending.look_levels(5, ALPHA, "pocock")
    obf = spending.look_levels(5, ALPHA, "obrien-fleming")
    assert pocock[0] > ALPHA / 5 > obf[0]
    assert obf[-1] > pocock[-1]
    assert obf[0] < 1e-4  # O'Brien-Fleming's first look at t = 0.2 is nearly closed


def test_bad_spending_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="spending 'linear'"):
        spending.spent(0.5, ALPHA, "linear")
    with pytest.raises(ValueError, match="at least 1"):
        spending.look_levels(0, ALPHA)
    with pytest.raises(ValueError, match="alpha"):
        spending.look_levels(3, 1.5)


def test_look_steps_spread_over_the_run() -> None:
    assert look_steps(20, 4) == [5, 10, 15, 20]
    assert look_steps(10, 3) == [3, 7, 10]
    with pytest.raises(CapcheckError, match="do not fit"):
        look_steps(3, 4)


# Three binary suites like the watch set's: (cases, base rate).
SUITES = {"a": (48, 0.85), "b": (32, 0.5), "c": (24, 0.3)}


def _false_alarm_rate(levels: list[float], runs: int, seed: int) -> float:
    """Share of simulated no-change runs with a flag at any look: every look draws each case's
    outcome at its suite's base rate, independently of the baseline's draw."""
    rng = np.random.default_rng(seed)
    alarms = 0
    for _ in range(runs):
        base = {name: rng.random(n) < p for name, (n, p) in SUITES.items()}
        for level in levels:
            comparisons = {}
            for name, (n, p) in SUITES.items():
                candidate = rng.random(n) < p
                comparisons[name] = (stats.compare(base[name].astype(float).tolist(),
                                                   candidate.astype(float).tolist(), True), 0.0)
            if any(d.regressed for d in decide(comparisons, level).values()):
                alarms += 1
                break
    return alarms / runs


@pytest.mark.parametrize("kind", spending.SPENDING)
@pytest.mark.parametrize("looks", [4, 10])
def test_whole_runs_keep_false_alarms_at_most_alpha(kind: str, looks: int) -> None:
    runs = 3000
    rate = _false_alarm_rate(spending.look_levels(looks, ALPHA, kind), runs, seed=looks)
    margin = 3 * math.sqrt(ALPHA * (1 - ALPHA) / runs)  # Monte Carlo error, three standard errors
    assert rate <= ALPHA + margin, f"{rate:.4f} false alarms per run with {looks} looks ({kind})"


def test_the_simulation_sees_the_inflation_of_looking_at_full_alpha() -> None:
    """The check above can fail: testing every one of 10 looks at alpha raises far more alarms."""
    runs = 2000
    rate = _false_alarm_rate([ALPHA] * 10, runs, seed=1)
    assert rate > 2 * ALPHA

"""Alpha spending: the levels sum to alpha, and whole simulated runs keep false alarms at most alpha."""
from __future__ import annotations

import math

import numpy as np
import pytest

from capcheck import stats
from capcheck.errors import CapcheckError
from capcheck.watch import spending
from capcheck.watch.watcher import decide, look_steps

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


def _false_alarms(levels: list[float], runs: int, seed: int, holm: bool) -> tuple[float, dict[str, float]]:
    """Share of simulated no-change runs with a flag at any look (any suite, and per suite): every
    look draws each case's outcome at its suite's base rate, independently of the baseline's draw."""
    rng = np.random.default_rng(seed)
    any_alarm, alarms = 0, dict.fromkeys(SUITES, 0)
    for _ in range(runs):
        base = {name: rng.random(n) < p for name, (n, p) in SUITES.items()}
        flagged: set[str] = set()
        for level in levels:
            comparisons = {}
            for name, (n, p) in SUITES.items():
                candidate = rng.random(n) < p
                comparisons[name] = (stats.compare(base[name].astype(float).tolist(),
                                                   candidate.astype(float).tolist(), True), 0.0)
            flagged |= {name for name, d in decide(comparisons, level, holm).items() if d.regressed}
        any_alarm += bool(flagged)
        for name in flagged:
            alarms[name] += 1
    return any_alarm / runs, {name: count / runs for name, count in alarms.items()}


RUNS = 3000
MARGIN = 3 * math.sqrt(ALPHA * (1 - ALPHA) / RUNS)  # Monte Carlo error, three standard errors


@pytest.mark.parametrize("kind", spending.SPENDING)
@pytest.mark.parametrize("looks", [4, 10])
def test_each_suite_keeps_its_false_alarms_over_a_run_at_most_alpha(kind: str, looks: int) -> None:
    _, per_suite = _false_alarms(spending.look_levels(looks, ALPHA, kind), RUNS, seed=looks, holm=False)
    assert max(per_suite.values()) <= ALPHA + MARGIN, f"{per_suite} with {looks} looks ({kind})"


@pytest.mark.parametrize("looks", [4, 10])
def test_with_holm_any_false_alarm_in_a_run_stays_at_most_alpha(looks: int) -> None:
    any_alarm, _ = _false_alarms(spending.look_levels(looks, ALPHA), RUNS, seed=looks, holm=True)
    assert any_alarm <= ALPHA + MARGIN, f"{any_alarm:.4f} runs with a false alarm, {looks} looks"


def test_the_simulation_sees_the_inflation_of_looking_at_full_alpha() -> None:
    """The checks above can fail: testing every one of 10 looks at alpha raises far more alarms."""
    _, per_suite = _false_alarms([ALPHA] * 10, 2000, seed=1, holm=False)
    assert min(per_suite.values()) > 2 * ALPHA


def test_the_look_rule_needs_both_the_tolerance_and_the_level() -> None:
    def comparison(worsened: int, n: int = 40) -> stats.Comparison:
        base = [1.0] * n
        return stats.compare(base, [0.0] * worsened + [1.0] * (n - worsened), True)

    big, small = comparison(12), comparison(1)
    rule = decide({"big": (big, 0.05), "small": (small, 0.0), "tolerant": (big, 0.5)}, level=0.01)
    assert rule["big"].regressed and not rule["small"].regressed and not rule["tolerant"].regressed
    assert rule["big"].p_adjusted == big.p_value  # without Holm, each suite's own p-value
    # Holm over the suites that can reach the level: the smallest p-value is doubled here.
    six = comparison(6)
    holm = decide({"big": (big, 0.05), "six": (six, 0.05), "small": (small, 0.05)}, level=0.02, holm=True)
    assert holm["big"].p_adjusted == pytest.approx(2 * big.p_value)
    assert holm["six"].p_adjusted == six.p_value
    assert holm["small"].p_adjusted == 1.0  # one changed case can never reach 0.02: out of the family
    # Two suites at 2^-6 each pass 0.02 alone; Holm-adjusted, neither does.
    pair = {"a": (six, 0.05), "b": (comparison(6), 0.05)}
    assert all(d.regressed for d in decide(pair, level=0.02).values())
    assert not any(d.regressed for d in decide(pair, level=0.02, holm=True).values())


@pytest.mark.parametrize("level", [0.05, 0.0179, 0.0086])
@pytest.mark.parametrize("tolerance", [0.0, 0.03])
def test_the_drawn_boundary_is_exactly_where_right_wrong_suites_are_flagged(level: float, tolerance: float) -> None:
    """A look's point lies at or below its boundary exactly when the look flags it."""
    from capcheck.watch.watcher import boundary

    n = 32
    for worsened in range(n + 1):
        for improved in range(n - worsened + 1):
            base = [1.0] * worsened + [0.0] * improved + [1.0] * (n - worsened - improved)
            cand = [0.0] * worsened + [1.0] * improved + [1.0] * (n - worsened - improved)
            c = stats.compare(base, cand, True)
            flagged = decide({"s": (c, tolerance)}, level)["s"].regressed
            base_score, score = sum(base) / n, sum(cand) / n
            edge = boundary(base_score, c, tolerance, level, 1, True)
            assert flagged == (edge is not None and score <= edge + 1e-12), (worsened, improved, edge)

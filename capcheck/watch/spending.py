"""Alpha spending: how much false-alarm rate each planned look may use.

A watcher that tests at alpha at every look would raise a false alarm in most long runs. The
rate alpha is spent over the K planned looks instead: look k (at information fraction
t = k / K) may use level alpha(t_k) - alpha(t_(k-1)), where alpha(t) is a Lan-DeMets
spending function with alpha(1) = alpha. By the union bound the chance of any false alarm in
the whole run is at most the sum of the levels, which is alpha, however the looks depend on
one another. (Classic group-sequential boundaries are less conservative, but they assume the
data accumulate from look to look; here every look re-scores the same cases on a changed model.)

- "pocock": alpha * ln(1 + (e - 1) t), close to even levels; it can flag early forgetting.
- "obrien-fleming": 2 - 2 Phi(z_(1 - alpha/2) / sqrt(t)), tiny early levels and most of alpha
  kept for the end; for runs where only the final model matters.
"""
from __future__ import annotations

import math
from statistics import NormalDist

SPENDING = ("pocock", "obrien-fleming")


def spent(t: float, alpha: float, kind: str = "pocock") -> float:
    """Alpha spent by information fraction t in [0, 1]."""
    if t <= 0:
        return 0.0
    t = min(t, 1.0)
    if kind == "pocock":
        return alpha * math.log(1 + (math.e - 1) * t)
    if kind == "obrien-fleming":
        z = NormalDist().inv_cdf(1 - alpha / 2)
        return 2 * (1 - NormalDist().cdf(z / math.sqrt(t)))
    raise ValueError(f"spending {kind!r} must be one of {', '.join(SPENDING)}")


def look_levels(looks: int, alpha: float, kind: str = "pocock") -> list[float]:
    """The level each of `looks` equally spaced looks tests at; they sum to alpha."""
    if looks < 1:
        raise ValueError(f"looks must be at least 1, not {looks}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie in (0, 1), not {alpha}")
    fractions = [k / looks for k in range(looks + 1)]
    return [spent(b, alpha, kind) - spent(a, alpha, kind) for a, b in zip(fractions, fractions[1:])]

"""Scoring helpers shared by the case kinds: checks on a reply, and picking among options."""
from __future__ import annotations

import math
from typing import Any, Sequence

from capcheck.cases import CheckSpec
from capcheck.checks import run_check
from capcheck.requests import Loglikelihood

PROMPT_DISPLAY_CHARS = 300


def run_checks(checks: Sequence[CheckSpec], text: str) -> tuple[float, list[dict[str, Any]]]:
    """All checks must pass: the score is the lowest check score."""
    results = []
    for check in checks:
        score, info = run_check(check.name, text, check.kwargs)
        results.append({"check": check.name, "score": round(score, 4), **info})
    return (min(r["score"] for r in results) if results else 0.0), results


def pick(scores: Sequence[Loglikelihood], per_token: bool) -> int:
    """The option the model ranks first (by mean log-probability per token when `per_token`)."""
    values = [s.logprob / max(s.n_tokens, 1) if per_token else s.logprob for s in scores]
    return max(range(len(values)), key=values.__getitem__)


def finite(scores: Sequence[Loglikelihood]) -> bool:
    """Whether every log-probability is a number: NaN ranks arbitrarily (max() keeps the first option)."""
    return all(math.isfinite(s.logprob) for s in scores)

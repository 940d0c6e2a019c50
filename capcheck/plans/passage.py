"""A passage: the model's mean loss over a text it reads (lower is better)."""
from __future__ import annotations

from capcheck.cases import PassageCase
from capcheck.plans.base import OneCall
from capcheck.plans.scoring import PROMPT_DISPLAY_CHARS
from capcheck.requests import Loglikelihood, RollingRequest
from capcheck.results import CaseResult
from capcheck.suite import Suite


def plan(suite: Suite, case: PassageCase) -> OneCall:
    return OneCall([RollingRequest(case.text)], lambda answers: score(case, answers[0]))


def score(case: PassageCase, scored: Loglikelihood) -> CaseResult:
    return CaseResult(
        id=case.id,
        score=scored.mean_loss,
        category=case.category,
        tier=case.tier,
        prompt=case.text[:PROMPT_DISPLAY_CHARS],
        details={"tokens": scored.n_tokens},
    )

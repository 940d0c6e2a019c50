"""A choice: the option the model ranks first by log-likelihood, right or wrong."""
from __future__ import annotations

import math

from capcheck.cases import ChoiceCase, prompt_text
from capcheck.plans.base import OneCall, with_system
from capcheck.plans.scoring import PROMPT_DISPLAY_CHARS, finite, pick
from capcheck.requests import Loglikelihood, LoglikelihoodRequest
from capcheck.results import CaseResult
from capcheck.suite import Suite


def plan(suite: Suite, case: ChoiceCase) -> OneCall:
    context = with_system(case.context, suite.system_prompt)
    return OneCall([LoglikelihoodRequest(context, option) for option in case.options],
                   lambda answers: score(case, answers))


def score(case: ChoiceCase, scores: list[Loglikelihood]) -> CaseResult:
    chosen = pick(scores, case.per_token)
    right = 1.0 if chosen == case.answer else 0.0
    return CaseResult(
        id=case.id,
        score=right if finite(scores) else math.nan,  # a NaN score makes the verdict an error naming the case
        category=case.category,
        tier=case.tier,
        prompt=prompt_text(case.context, PROMPT_DISPLAY_CHARS) if case.context else "",
        expected=case.options[case.answer],
        output=case.options[chosen],
        details={"logprobs": [round(s.logprob, 4) for s in scores]},
    )

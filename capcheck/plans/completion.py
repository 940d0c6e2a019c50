"""A completion: one generated reply, judged by the case's checks."""
from __future__ import annotations

from capcheck.cases import CompletionCase, prompt_text
from capcheck.checks.registry import sanitize
from capcheck.plans.base import OneCall, generate_request, with_system
from capcheck.plans.scoring import PROMPT_DISPLAY_CHARS, run_checks
from capcheck.requests import Completion
from capcheck.results import CaseResult
from capcheck.suite import Suite


def plan(suite: Suite, case: CompletionCase) -> OneCall:
    request = generate_request(with_system(case.prompt, suite.system_prompt), suite.decoding, case.max_tokens)
    return OneCall([request], lambda answers: score(case, answers[0]))


def score(case: CompletionCase, reply: Completion) -> CaseResult:
    value, checks = run_checks(case.checks, reply.text)
    return CaseResult(
        id=case.id,
        score=value,
        category=case.category,
        tier=case.tier,
        prompt=prompt_text(case.prompt, PROMPT_DISPLAY_CHARS),
        expected=case.expected,
        output=sanitize(reply.text),  # bounded and printable, whatever the model produced
        details={"checks": checks, "finish": reply.finish_reason, "tokens": reply.n_tokens},
    )

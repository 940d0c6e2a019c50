"""What the planner asks of a case: the requests it needs next, then its scored result."""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Callable, Protocol, Sequence

from capcheck.requests import Decoding, GenerateRequest, Message, Prompt, Request
from capcheck.results import CaseResult


class CasePlan(Protocol):
    """One case on its way through the engine.

    `requests()` gives what the case needs next, all of one kind, and the same requests until
    `answer()` has their answers (the planner may hold log-likelihoods back a round). It
    gives none once the case has everything; then `result()` scores it.
    """

    def requests(self) -> Sequence[Request]: ...

    def answer(self, answers: Sequence[Any]) -> None: ...

    def result(self) -> CaseResult: ...


class OneCall:
    """A case answered by one engine call: its requests, then a score of their answers."""

    def __init__(self, requests: Sequence[Request], score: Callable[[list[Any]], CaseResult]) -> None:
        self._requests = list(requests)
        self._score = score
        self._answers: list[Any] | None = None

    def requests(self) -> Sequence[Request]:
        return self._requests if self._answers is None else []

    def answer(self, answers: Sequence[Any]) -> None:
        self._answers = list(answers)

    def result(self) -> CaseResult:
        assert self._answers is not None, "scored before it was answered"
        return self._score(self._answers)


def with_system(prompt: Prompt, system: str | None) -> Prompt:
    """Prepend the suite's system prompt to a chat that has none."""
    if system is None or isinstance(prompt, str) or (prompt and prompt[0].role == "system"):
        return prompt
    return (Message("system", system),) + tuple(prompt)


def generate_request(prompt: Prompt, decoding: Decoding, max_tokens: int | None = None) -> GenerateRequest:
    """A generation with the suite's decoding, its token budget replaced by a case's own."""
    return GenerateRequest(prompt, decoding if max_tokens is None else replace(decoding, max_tokens=max_tokens))

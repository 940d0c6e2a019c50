"""A conversation: turn after turn fed the model's own earlier replies, then its recall of them.

Each turn's reply is judged by the turn's checks; a turn with a recall question is then
scored by log-likelihood over its options, in the history up to that turn's question.
"""
from __future__ import annotations

import math
from dataclasses import replace
from typing import Any, Sequence

from capcheck.cases import ConversationCase
from capcheck.checks.registry import sanitize
from capcheck.plans.base import generate_request
from capcheck.plans.scoring import PROMPT_DISPLAY_CHARS, finite, pick, run_checks
from capcheck.requests import Completion, Loglikelihood, LoglikelihoodRequest, Message, Request
from capcheck.results import CaseResult
from capcheck.suite import Suite


class ConversationPlan:
    """Asks one turn per round (all conversations' turn t go out together), then every recall."""

    def __init__(self, suite: Suite, case: ConversationCase) -> None:
        self.case = case
        self.decoding = suite.decoding
        system = case.system if case.system is not None else suite.system_prompt
        self.history: list[Message] = [Message("system", system)] if system else []
        self.replies: list[Completion] = []
        self.recalls: dict[int, list[Loglikelihood]] | None = None
        self._recall_turns = [i for i, turn in enumerate(case.turns) if turn.recall is not None]

    def requests(self) -> Sequence[Request]:
        turns = self.case.turns
        if len(self.replies) < len(turns):
            question = Message("user", turns[len(self.replies)].user)
            request = generate_request(tuple(self.history) + (question,), self.decoding)
            # More turns follow: the engine may keep this turn's cache for the next one.
            return [replace(request, continues=len(self.replies) + 1 < len(turns))]
        if self.recalls is None and self._recall_turns:
            return [LoglikelihoodRequest(self._context(t), option)
                    for t in self._recall_turns for option in self._options(t)]
        return []

    def answer(self, answers: Sequence[Any]) -> None:
        if len(self.replies) < len(self.case.turns):
            (reply,) = answers
            self.history += [Message("user", self.case.turns[len(self.replies)].user), Message("assistant", reply.text)]
            self.replies.append(reply)
            return
        self.recalls, at = {}, 0
        for t in self._recall_turns:
            count = len(self._options(t))
            self.recalls[t] = list(answers[at:at + count])
            at += count

    def result(self) -> CaseResult:
        return score(self.case, self.replies, self.recalls or {})

    def _options(self, turn: int) -> tuple[str, ...]:
        recall = self.case.turns[turn].recall
        assert recall is not None
        return recall.options

    def _context(self, turn: int) -> tuple[Message, ...]:
        """The history up to and including turn `turn`'s question (the model's real replies before it)."""
        users = 0
        for position, message in enumerate(self.history):
            if message.role == "user":
                if users == turn:
                    return tuple(self.history[: position + 1])
                users += 1
        return tuple(self.history)


def plan(suite: Suite, case: ConversationCase) -> ConversationPlan:
    return ConversationPlan(suite, case)


def score(case: ConversationCase, replies: list[Completion], recalls: dict[int, list[Loglikelihood]]) -> CaseResult:
    parts: list[float] = []
    turns = []
    for index, (turn, reply) in enumerate(zip(case.turns, replies)):
        entry: dict[str, Any] = {"reply": sanitize(reply.text), "finish": reply.finish_reason}
        if turn.checks:
            value, checks = run_checks(turn.checks, reply.text)
            if index and reply.text and reply.text == replies[index - 1].text:
                # Parroting the previous reply can carry an earlier fact; it earns nothing.
                value, checks = 0.0, checks + [{"check": "not_a_repeat", "score": 0.0}]
            parts.append(value)
            entry["checks"] = checks
        if turn.recall is not None and index in recalls:
            right = pick(recalls[index], False) == turn.recall.answer
            parts.append((1.0 if right else 0.0) if finite(recalls[index]) else math.nan)
            entry["recall"] = right
        turns.append(entry)
    return CaseResult(
        id=case.id,
        score=sum(parts) / len(parts) if parts else 0.0,
        category=case.category,
        tier=case.tier,
        prompt=" / ".join(t.user for t in case.turns)[:PROMPT_DISPLAY_CHARS],
        expected=" / ".join(t.expected for t in case.turns if t.expected),
        output="\n".join(f"[{i + 1}] {sanitize(r.text)}" for i, r in enumerate(replies)),
        details={"turns": turns},
    )

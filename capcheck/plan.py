"""One batched pass for a whole session.

Every request of every selected suite is gathered, deduplicated and sent to the
engine together: one call per request kind, and conversations in waves (turn 1 of
all conversations together, then turn 2, ...). A suite never calls the model alone.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Hashable, Sequence

from capcheck.cases import (
    CheckSpec,
    ChoiceCase,
    CompletionCase,
    ConversationCase,
    PassageCase,
    prompt_text,
)
from capcheck.checks import run_check
from capcheck.checks.registry import sanitize
from capcheck.engines.base import Engine
from capcheck.progress import InferenceProgress
from capcheck.requests import (
    Completion,
    Decoding,
    GenerateRequest,
    Loglikelihood,
    LoglikelihoodRequest,
    Message,
    Prompt,
    RollingRequest,
)
from capcheck.results import CaseResult, SuiteResult
from capcheck.suite import Suite

PROMPT_DISPLAY_CHARS = 300


@dataclass
class RunStats:
    """How the session's inference went: calls, requests and seconds per kind."""

    calls: list[tuple[str, int, float]] = field(default_factory=list)
    """(kind, unique requests, seconds) for each engine call."""
    requested: int = 0
    """Requests before deduplication."""
    generated_tokens: int = 0

    @property
    def seconds(self) -> float:
        return sum(c[2] for c in self.calls)

    @property
    def unique(self) -> int:
        return sum(c[1] for c in self.calls)


class _Batch:
    """Unique requests of one kind, in first-seen order."""

    def __init__(self) -> None:
        self.index: dict[Hashable, int] = {}
        self.items: list[Any] = []
        self.asked = 0

    def add(self, request: Hashable) -> int:
        self.asked += 1
        if request not in self.index:
            self.index[request] = len(self.items)
            self.items.append(request)
        return self.index[request]


def with_system(prompt: Prompt, system: str | None) -> Prompt:
    """Prepend the suite's system prompt to a chat that has none."""
    if system is None or isinstance(prompt, str) or (prompt and prompt[0].role == "system"):
        return prompt
    return (Message("system", system),) + tuple(prompt)


def run_suites(suites: Sequence[Suite], engine: Engine, stats: RunStats | None = None,
               progress: InferenceProgress | None = None) -> dict[str, SuiteResult]:
    """Run every suite through `engine` in one batched plan; results by suite name."""
    stats = stats if stats is not None else RunStats()
    session = _Session(engine, stats, progress or InferenceProgress(enabled=False))
    return session.run(suites)


class _Session:
    def __init__(self, engine: Engine, stats: RunStats, progress: InferenceProgress) -> None:
        self.engine = engine
        self.stats = stats
        self.progress = progress

    def _call(self, kind: str, batch: _Batch, wave: int | None = None) -> list[Any]:
        if not batch.items:
            return []
        start = time.perf_counter()
        method: Callable[[list[Any]], list[Any]] = {
            "generate": self.engine.generate, "loglikelihood": self.engine.loglikelihood,
            "rolling": self.engine.loglikelihood_rolling}[kind]
        # An engine with a `progress` hook (hf, vllm, the cache) reports as it goes; any other
        # (openai, scripted) shows the phase's start and end only.
        hooked = hasattr(self.engine, "progress")
        with self.progress.task(kind, len(batch.items), wave):
            if hooked:
                self.engine.progress = self.progress.advance  # type: ignore[attr-defined]
            try:
                out = method(batch.items)
            finally:
                if hooked:
                    self.engine.progress = None  # type: ignore[attr-defined]
        if len(out) != len(batch.items):
            raise RuntimeError(f"engine {self.engine.info.name} returned {len(out)} results for {len(batch.items)} requests")
        self.stats.calls.append((kind, len(batch.items), time.perf_counter() - start))
        self.stats.requested += batch.asked
        if kind == "generate":
            self.stats.generated_tokens += sum(c.n_tokens for c in out)
        return out

    def run(self, suites: Sequence[Suite]) -> dict[str, SuiteResult]:
        rolling, generate = _Batch(), _Batch()
        # Pass 1: passages and first generations (completions and turn 1 of every conversation).
        passage_at: dict[tuple[str, str], int] = {}
        completion_at: dict[tuple[str, str], int] = {}
        conversations: list[tuple[Suite, ConversationCase]] = []
        for suite in suites:
            for case in suite.cases:
                key = (suite.name, case.id)
                if isinstance(case, PassageCase):
                    passage_at[key] = rolling.add(RollingRequest(case.text))
                elif isinstance(case, CompletionCase):
                    completion_at[key] = generate.add(_generate_request(suite, case.prompt, case.max_tokens))
                elif isinstance(case, ConversationCase):
                    conversations.append((suite, case))
        histories: dict[tuple[str, str], list[Message]] = {}
        replies: dict[tuple[str, str], list[Completion]] = {}
        first_wave: dict[tuple[str, str], int] = {}
        for suite, case in conversations:
            key = (suite.name, case.id)
            system = case.system if case.system is not None else suite.system_prompt
            histories[key] = [Message("system", system)] if system else []
            histories[key].append(Message("user", case.turns[0].user))
            replies[key] = []
            first_wave[key] = generate.add(_generate_request(suite, tuple(histories[key]), None, system=False))
        rolled = self._call("rolling", rolling)
        generated = self._call("generate", generate)
        for key, at in first_wave.items():
            _append_reply(histories[key], replies[key], generated[at])
        # Later waves: turn t of every conversation that has one, fed its real history.
        for number in range(1, max((len(c.turns) for _, c in conversations), default=0)):
            wave, wave_at = _Batch(), {}
            for suite, case in conversations:
                if number < len(case.turns):
                    key = (suite.name, case.id)
                    histories[key].append(Message("user", case.turns[number].user))
                    wave_at[key] = wave.add(_generate_request(suite, tuple(histories[key]), None, system=False))
            out = self._call("generate", wave, number + 1)
            for key, index in wave_at.items():
                _append_reply(histories[key], replies[key], out[index])
        # Last: every log-likelihood request, choices and recall questions together.
        loglik = _Batch()
        choice_at: dict[tuple[str, str], list[int]] = {}
        recall_at: dict[tuple[str, str, int], list[int]] = {}
        for suite in suites:
            for case in suite.cases:
                if isinstance(case, ChoiceCase):
                    context = with_system(case.context, suite.system_prompt)
                    choice_at[(suite.name, case.id)] = [loglik.add(LoglikelihoodRequest(context, o)) for o in case.options]
        for suite, case in conversations:
            key = (suite.name, case.id)
            history = histories[key]
            for turn_index, turn in enumerate(case.turns):
                if turn.recall is None:
                    continue
                # History up to and including this turn's question (the model's real replies before it).
                context = tuple(_history_until(history, turn_index))
                recall_at[key + (turn_index,)] = [loglik.add(LoglikelihoodRequest(context, o)) for o in turn.recall.options]
        scored = self._call("loglikelihood", loglik)

        results = {}
        for suite in suites:
            case_results = []
            for case in suite.cases:
                key = (suite.name, case.id)
                if isinstance(case, PassageCase):
                    case_results.append(_score_passage(case, rolled[passage_at[key]]))
                elif isinstance(case, CompletionCase):
                    case_results.append(_score_completion(case, generated[completion_at[key]]))
                elif isinstance(case, ChoiceCase):
                    case_results.append(_score_choice(case, [scored[i] for i in choice_at[key]]))
                else:
                    recalls = {t: [scored[i] for i in idx] for (s, c, t), idx in recall_at.items() if (s, c) == key}
                    case_results.append(_score_conversation(case, replies[key], recalls))
            results[suite.name] = SuiteResult(suite.name, suite.fingerprint, suite.metric, suite.direction, tuple(case_results))
        return results


def _generate_request(suite: Suite, prompt: Prompt, max_tokens: int | None, system: bool = True) -> GenerateRequest:
    decoding: Decoding = suite.decoding if max_tokens is None else replace(suite.decoding, max_tokens=max_tokens)
    return GenerateRequest(with_system(prompt, suite.system_prompt) if system else prompt, decoding)


def _append_reply(history: list[Message], replies: list[Completion], reply: Completion) -> None:
    replies.append(reply)
    history.append(Message("assistant", reply.text))


def _history_until(history: list[Message], turn_index: int) -> list[Message]:
    """Messages up to and including the user message of turn `turn_index`."""
    users = 0
    for position, message in enumerate(history):
        if message.role == "user":
            if users == turn_index:
                return history[: position + 1]
            users += 1
    return history


def _pick(scores: Sequence[Loglikelihood], per_token: bool) -> int:
    values = [s.logprob / max(s.n_tokens, 1) if per_token else s.logprob for s in scores]
    return max(range(len(values)), key=values.__getitem__)


def _finite(scores: Sequence[Loglikelihood]) -> bool:
    """Whether every log-probability is a number: NaN ranks arbitrarily (max() keeps the first option)."""
    return all(math.isfinite(s.logprob) for s in scores)


def _score_choice(case: ChoiceCase, scores: list[Loglikelihood]) -> CaseResult:
    chosen = _pick(scores, case.per_token)
    right = 1.0 if chosen == case.answer else 0.0
    return CaseResult(
        id=case.id,
        score=right if _finite(scores) else math.nan,  # a NaN score makes the verdict an error naming the case
        category=case.category,
        tier=case.tier,
        prompt=prompt_text(case.context, PROMPT_DISPLAY_CHARS) if case.context else "",
        expected=case.options[case.answer],
        output=case.options[chosen],
        details={"logprobs": [round(s.logprob, 4) for s in scores]},
    )


def _run_checks(checks: Sequence[CheckSpec], text: str) -> tuple[float, list[dict[str, Any]]]:
    """All checks must pass: the score is the lowest check score."""
    results = []
    for check in checks:
        score, info = run_check(check.name, text, check.kwargs)
        results.append({"check": check.name, "score": round(score, 4), **info})
    return (min(r["score"] for r in results) if results else 0.0), results


def _score_completion(case: CompletionCase, reply: Completion) -> CaseResult:
    score, checks = _run_checks(case.checks, reply.text)
    return CaseResult(
        id=case.id,
        score=score,
        category=case.category,
        tier=case.tier,
        prompt=prompt_text(case.prompt, PROMPT_DISPLAY_CHARS),
        expected=case.expected,
        output=sanitize(reply.text),  # bounded and printable, whatever the model produced
        details={"checks": checks, "finish": reply.finish_reason, "tokens": reply.n_tokens},
    )


def _score_conversation(case: ConversationCase, replies: list[Completion], recalls: dict[int, list[Loglikelihood]]) -> CaseResult:
    parts: list[float] = []
    turns = []
    for index, (turn, reply) in enumerate(zip(case.turns, replies)):
        entry: dict[str, Any] = {"reply": sanitize(reply.text), "finish": reply.finish_reason}
        if turn.checks:
            score, checks = _run_checks(turn.checks, reply.text)
            if index and reply.text and reply.text == replies[index - 1].text:
                # Parroting the previous reply can carry an earlier fact; it earns nothing.
                score, checks = 0.0, checks + [{"check": "not_a_repeat", "score": 0.0}]
            parts.append(score)
            entry["checks"] = checks
        if turn.recall is not None and index in recalls:
            right = _pick(recalls[index], False) == turn.recall.answer
            parts.append((1.0 if right else 0.0) if _finite(recalls[index]) else math.nan)
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


def _score_passage(case: PassageCase, score: Loglikelihood) -> CaseResult:
    return CaseResult(
        id=case.id,
        score=score.mean_loss,
        category=case.category,
        tier=case.tier,
        prompt=case.text[:PROMPT_DISPLAY_CHARS],
        details={"tokens": score.n_tokens},
    )

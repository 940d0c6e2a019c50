"""One batched pass for a whole session.

Every case of every selected suite says what it needs (capcheck.plans); the planner gathers
those requests, deduplicates them and sends each kind to the engine in one call. Rounds
repeat while cases need more: conversations go in waves (turn 1 of all conversations
together, then turn 2, ...). Log-likelihoods wait until nothing is left to generate, so that
choices and recall questions share one call. A suite never calls the model alone.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable, Sequence, cast

from capcheck.engines.base import PROGRESS, Engine, Reporting
from capcheck.plans import plans_for
from capcheck.plans.base import CasePlan
from capcheck.progress import InferenceProgress
from capcheck.requests import GenerateRequest, LoglikelihoodRequest, RollingRequest
from capcheck.results import SuiteResult
from capcheck.suite import Suite

CALL_KIND: dict[type, str] = {RollingRequest: "rolling", GenerateRequest: "generate", LoglikelihoodRequest: "loglikelihood"}
"""Request type -> the engine call that answers it."""
CALL_ORDER = ("rolling", "generate", "loglikelihood")
"""The engine calls of one round, in the order they are made."""


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


def ask(engine: Engine, kind: str, requests: Sequence[Hashable], stats: RunStats,
        progress: InferenceProgress | None = None, wave: int | None = None) -> list[Any]:
    """One engine call for the unique requests of a kind; the answers fanned back out, in order."""
    if not requests:
        return []
    index: dict[Hashable, int] = {}
    unique: list[Any] = []
    for request in requests:
        if request not in index:
            index[request] = len(unique)
            unique.append(request)
    methods: dict[str, Callable[[list[Any]], list[Any]]] = {
        "generate": engine.generate, "loglikelihood": engine.loglikelihood, "rolling": engine.loglikelihood_rolling}
    progress = progress or InferenceProgress(enabled=False)
    start = time.perf_counter()
    # An engine that reports progress (hf, vllm, the cache) does so as it goes; any other
    # (openai, scripted) shows the phase's start and end only.
    reporting = cast(Reporting, engine) if PROGRESS in engine.abilities else None
    with progress.task(kind, len(unique), wave):
        if reporting is not None:
            reporting.progress = progress.advance
        try:
            out = methods[kind](unique)
        finally:
            if reporting is not None:
                reporting.progress = None
    if len(out) != len(unique):
        raise RuntimeError(f"engine {engine.info.name} returned {len(out)} results for {len(unique)} requests")
    stats.calls.append((kind, len(unique), time.perf_counter() - start))
    stats.requested += len(requests)
    if kind == "generate":
        stats.generated_tokens += sum(c.n_tokens for c in out)
    return [out[index[request]] for request in requests]


def run_suites(suites: Sequence[Suite], engine: Engine, stats: RunStats | None = None,
               progress: InferenceProgress | None = None) -> dict[str, SuiteResult]:
    """Run every suite through `engine` in one batched plan; results by suite name."""
    stats = stats if stats is not None else RunStats()
    by_suite = {suite.name: plans_for(suite) for suite in suites}
    # Kinds in their fixed order, cases in suite order within a kind: the order requests reach the engine.
    ranked = sorted((entry for plans in by_suite.values() for entry in plans), key=lambda entry: entry[0])
    _answer_all([plan for _, plan in ranked], engine, stats, progress)
    return {
        suite.name: SuiteResult(suite.name, suite.fingerprint, suite.metric, suite.direction,
                                tuple(plan.result() for _, plan in by_suite[suite.name]))
        for suite in suites
    }


def _answer_all(plans: list[CasePlan], engine: Engine, stats: RunStats, progress: InferenceProgress | None) -> None:
    """Rounds of engine calls until no plan needs anything more."""
    generate_rounds = 0
    while True:
        asking = [(plan, requests) for plan in plans if (requests := plan.requests())]
        if not asking:
            return
        kinds = {CALL_KIND[type(requests[0])] for _, requests in asking}
        serve = kinds - {"loglikelihood"} or {"loglikelihood"}
        generate_rounds += "generate" in serve
        for kind in CALL_ORDER:
            if kind not in serve:
                continue
            group = [(plan, requests) for plan, requests in asking if CALL_KIND[type(requests[0])] == kind]
            wave = generate_rounds if kind == "generate" and generate_rounds > 1 else None  # the conversation turn
            answers = ask(engine, kind, [r for _, requests in group for r in requests], stats, progress, wave)
            at = 0
            for plan, requests in group:
                plan.answer(answers[at:at + len(requests)])
                at += len(requests)

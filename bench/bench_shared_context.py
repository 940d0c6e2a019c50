"""Shared-context scoring in the hf engine vs scoring every context + option whole.

Runs the reasoning suite's multiple-choice requests (a context and three options each)
both ways on the embedded model, in one process, alternating, and prints the ratio and
the largest difference in log-likelihood.

    .venv/bin/python bench/bench_shared_context.py [--cases 120] [--threads N]
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from capcheck.cases import ChoiceCase
from capcheck.checkpoint import resolve
from capcheck.engines import EngineConfig, load_engine, prompts
from capcheck.plans.base import with_system
from capcheck.requests import LoglikelihoodRequest
from capcheck.suites_loader import load_suite_files

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=120)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    suite = next(s for s in load_suite_files(ROOT / "suites") if s.name == "reasoning")
    cases = [c for c in suite.cases if isinstance(c, ChoiceCase)][: args.cases]
    requests = [LoglikelihoodRequest(with_system(c.context, suite.system_prompt), o) for c in cases for o in c.options]
    engine = load_engine("hf", resolve(None), EngineConfig(threads=args.threads))
    pairs = [prompts.context_continuation_ids(engine.tokenizer, r.context, r.continuation) for r in requests]
    items = [(ctx + cont, len(cont)) for ctx, cont in pairs]
    engine.loglikelihood(requests[:6])  # warm-up
    timings = {"shared": 0.0, "whole": 0.0}
    for _ in range(2):
        start = time.perf_counter()
        shared = engine.loglikelihood(requests)
        timings["shared"] += time.perf_counter() - start
        start = time.perf_counter()
        whole = engine._score(items)
        timings["whole"] += time.perf_counter() - start
    worst = max(abs(a.logprob - b.logprob) / a.n_tokens for a, b in zip(shared, whole))
    tokens = sum(len(i[0]) for i in items)
    print(f"{len(requests)} requests ({len(cases)} contexts, {tokens} tokens whole)")
    print(f"whole  {timings['whole'] / 2:.2f}s   shared {timings['shared'] / 2:.2f}s   "
          f"whole/shared = {timings['whole'] / timings['shared']:.2f}x")
    print(f"largest difference: {worst:.2e} nats per token; same greedy flags: "
          f"{all(a.is_greedy == b.is_greedy for a, b in zip(shared, whole))}")


if __name__ == "__main__":
    main()

"""Run one suite file on a model and print its score, per-category scores and sample outputs.

    python scripts/try_suite.py suites/data/reasoning.jsonl [--limit 80] [--system "..."] [--max-tokens 64]

For calibrating suite data while writing it; the pytest plugin is the real gate.
"""
from __future__ import annotations

import argparse
import time

from capcheck import checkpoint
from capcheck.engines import EngineConfig, load_engine
from capcheck.plan import RunStats, run_suites
from capcheck.requests import Decoding
from capcheck.suite import Suite


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("--model", default=None)
    parser.add_argument("--limit", type=int, default=0, help="stratified subset of this many cases")
    parser.add_argument("--system", default=None)
    parser.add_argument("--max-tokens", type=int, default=128)
    parser.add_argument("--dtype", default="float32")
    parser.add_argument("--show", type=int, default=8, help="sample outputs to print")
    args = parser.parse_args()
    suite = Suite.from_jsonl("try", args.data, system_prompt=args.system, decoding=Decoding(max_tokens=args.max_tokens),
                             quick_size=args.limit or 10**9)
    if args.limit:
        suite = suite.quick()
    engine = load_engine("hf", checkpoint.resolve(args.model), EngineConfig(dtype=args.dtype, threads=1))
    stats = RunStats()
    start = time.perf_counter()
    result = run_suites([suite], engine, stats)["try"]
    print(f"{len(result.cases)} cases in {time.perf_counter() - start:.1f}s; score {result.score:.4f}; "
          f"generated tokens {stats.generated_tokens}")
    for category, score in result.by_category().items():
        print(f"  {category:40s} {score:.3f}")
    for case in result.cases[: args.show]:
        print("-" * 60)
        print(f"{case.id} score={case.score:.3f} expected={case.expected!r}")
        print(f"  prompt: {case.prompt[:200]!r}")
        print(f"  output: {case.output[:300]!r}")
        if case.details.get("checks"):
            print(f"  checks: {case.details['checks']}")


if __name__ == "__main__":
    main()

"""The hf engine on a CPU: one stream using every thread vs parallel streams.

    python bench/bench_streams.py [--suites suites] [--full] [--threads 2] [--streams 2]

Records every engine call of the gate (quick subsets unless --full; multi-turn waves
included, as the gate sends them), then replays them through the same hf engine twice in
one process: (1) one stream on --threads torch threads; (2) --streams streams in threads,
each with --threads / --streams torch threads. Prints the wall time of each kind of call
for both, their ratio, how many greedy replies are identical and the largest difference
in log-probability.
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_gate import RecordingEngine  # noqa: E402 (found through the path set above)

METHODS = {"generate": "generate", "loglikelihood": "loglikelihood", "rolling": "loglikelihood_rolling"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suites", default=str(REPO / "suites"))
    parser.add_argument("--full", action="store_true", help="full suites instead of the quick subsets")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--streams", type=int, default=2)
    args = parser.parse_args()

    from capcheck import checkpoint as checkpoints
    from capcheck.engines import EngineConfig, load_engine
    from capcheck.plan import run_suites
    from capcheck.suites_loader import load_suite_files

    suites = load_suite_files(Path(args.suites))
    if not args.full:
        suites = [s.quick() for s in suites]
    engine = load_engine("hf", checkpoints.resolve(None), EngineConfig(threads=args.threads, streams=1))
    recorder = RecordingEngine(engine)
    run_suites(suites, recorder)

    def replay(streams: int) -> tuple[dict[str, float], list[list[Any]]]:
        engine.config = dataclasses.replace(engine.config, streams=streams)
        seconds = dict.fromkeys(METHODS, 0.0)
        outs = []
        for kind, requests in recorder.calls:
            start = time.perf_counter()
            outs.append(getattr(engine, METHODS[kind])(requests))
            seconds[kind] += time.perf_counter() - start
        return seconds, outs

    parallel_seconds, parallel = replay(args.streams)
    single_seconds, single = replay(1)
    print(f"{sum(len(r) for _, r in recorder.calls)} requests in {len(recorder.calls)} engine calls "
          f"({'full' if args.full else 'quick'} suites), {args.threads} torch threads")
    print(f"{'call':<22} {'1 stream':>9} {f'{args.streams} streams':>10} {'ratio':>6}")
    for kind in METHODS:
        print(f"{kind:<22} {single_seconds[kind]:>8.1f}s {parallel_seconds[kind]:>9.1f}s "
              f"{parallel_seconds[kind] / single_seconds[kind]:>6.3f}")
    total_single, total_parallel = sum(single_seconds.values()), sum(parallel_seconds.values())
    print(f"{'all':<22} {total_single:>8.1f}s {total_parallel:>9.1f}s {total_parallel / total_single:>6.3f}")
    texts = [(a.text, b.text) for (kind, _), x, y in zip(recorder.calls, single, parallel) if kind == "generate"
             for a, b in zip(x, y)]
    diffs = [abs(a.logprob - b.logprob) for (kind, _), x, y in zip(recorder.calls, single, parallel)
             if kind != "generate" for a, b in zip(x, y)]
    print(f"identical greedy replies: {sum(a == b for a, b in texts)}/{len(texts)}; "
          f"largest log-probability difference: {max(diffs):.2e}")


if __name__ == "__main__":
    main()

"""Greedy generation on a CPU: one stream using every thread vs parallel streams.

    python bench/bench_streams.py [--suites suites] [--full] [--threads 2] [--streams 2]

Records the gate's generation requests (quick subsets unless --full; multi-turn waves
included, as the gate sends them), then replays each engine call through the same hf
engine twice in one process: (1) one refilled stream on --threads torch threads;
(2) --streams streams in threads, each with --threads / --streams torch threads.
Prints both wall times, their ratio and how many replies are identical.
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_generate import RecordingEngine  # noqa: E402


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
    from capcheck.suite import case_kinds
    from capcheck.suites_loader import load_suite_files

    suites = load_suite_files(Path(args.suites))
    if not args.full:
        suites = [s.quick() for s in suites]
    engine = load_engine("hf", checkpoints.resolve(None), EngineConfig(threads=args.threads, streams=1))
    recorder = RecordingEngine(engine)
    run_suites([s for s in suites if case_kinds(s) & {"completion", "conversation"}], recorder)

    def replay(streams: int) -> tuple[float, list[list[str]]]:
        engine.config = dataclasses.replace(engine.config, streams=streams)
        start = time.perf_counter()
        texts = [[c.text for c in engine.generate(requests)] for requests, _ in recorder.calls]
        return time.perf_counter() - start, texts

    parallel_seconds, parallel = replay(args.streams)
    single_seconds, single = replay(1)
    pairs = [(a, b) for call_a, call_b in zip(single, parallel) for a, b in zip(call_a, call_b)]
    print(f"generation requests: {len(pairs)} in {len(recorder.calls)} engine calls "
          f"({'full' if args.full else 'quick'} suites), {args.threads} torch threads")
    print(f"1 stream x {args.threads} threads {single_seconds:.1f}s; {args.streams} streams x "
          f"{max(1, args.threads // args.streams)} thread(s) {parallel_seconds:.1f}s")
    print(f"speed-up: {single_seconds / parallel_seconds:.2f}x; identical replies: "
          f"{sum(a == b for a, b in pairs)}/{len(pairs)}")


if __name__ == "__main__":
    main()

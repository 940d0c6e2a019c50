"""Result cache cost and gain: the plan on the bare engine vs behind a cold and a warm cache.

    python bench/bench_cache.py [--quick] [--only grammar,reasoning] [--repeats 2] [--batch-size 32]

In one process, on the embedded model (one thread): (1) run_suites on the hf engine itself;
(2) the same behind a CachedEngine with an empty cache (every request a miss: keys, chunking,
SQLite commits); (3) again behind the now-full cache, with a loader that fails if called
(no inference). Repeats alternate (1) and (2) and keep the fastest of each. Prints wall
and CPU seconds (CPU time is what to compare on a busy machine: torch runs one thread),
the ratio cold/bare (target <= 1.05), the warm time and the cache size on disk, and
checks that cold and warm results are identical.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def timed(suites: list, engine: Any) -> tuple[tuple[float, float], dict]:
    """((wall seconds, CPU seconds), results) of one plan."""
    from capcheck.plan import run_suites

    start, cpu = time.perf_counter(), time.process_time()
    results = run_suites(suites, engine)
    return (time.perf_counter() - start, time.process_time() - cpu), results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suites", default=str(REPO / "suites"))
    parser.add_argument("--quick", action="store_true", help="the --capcheck-quick subsets")
    parser.add_argument("--only", default="", help="comma-separated parts of suite names to keep")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()

    from capcheck import checkpoint as checkpoints
    from capcheck.cache import ResultCache, context_for, disk_bytes
    from capcheck.engines import EngineConfig, load_engine
    from capcheck.engines.cached import CachedEngine, chunk_size
    from capcheck.suites_loader import load_suite_files

    suites = load_suite_files(Path(args.suites))
    if args.only:
        suites = [s for s in suites if any(part in s.name for part in args.only.split(","))]
    if args.quick:
        suites = [s.quick() for s in suites]
    checkpoint = checkpoints.resolve(None)
    config = EngineConfig(batch_size=args.batch_size, threads=1)
    engine = load_engine("hf", checkpoint, config)
    context = context_for(checkpoint, "hf", config)
    assert context is not None

    def no_load() -> Any:
        raise AssertionError("a warm cache must not load the engine")

    bare_times: list[tuple[float, float]] = []
    cold_times: list[tuple[float, float]] = []
    warm_times: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for repeat in range(args.repeats):
            bare_times.append(timed(suites, engine)[0])
            directory = Path(tmp) / f"cold{repeat}"
            cold = CachedEngine(lambda: engine, ResultCache(directory), context, chunk=chunk_size(args.batch_size))
            seconds, cold_results = timed(suites, cold)
            cold_times.append(seconds)
            cold.cache.close()
            warm = CachedEngine(no_load, ResultCache(directory), context, chunk=chunk_size(args.batch_size))
            seconds, warm_results = timed(suites, warm)
            warm_times.append(seconds)
            assert warm_results == cold_results and warm.stats.misses == 0
            size, entries = disk_bytes(directory), warm.cache.summary()["entries"]
            warm.cache.close()
    print(f"suites: {', '.join(s.name for s in suites)} ({'quick' if args.quick else 'full'})")
    for unit, at in (("wall", 0), ("CPU", 1)):
        bare, cold_best, warm_best = (min(t[at] for t in times) for times in (bare_times, cold_times, warm_times))
        print(f"{unit}: bare engine {', '.join(f'{t[at]:.1f}s' for t in bare_times)}; cold cache "
              f"{', '.join(f'{t[at]:.1f}s' for t in cold_times)}; warm cache {', '.join(f'{t[at]:.2f}s' for t in warm_times)}")
        print(f"{unit}: ratio cold/bare {cold_best / bare:.3f} (target <= 1.05); warm/bare {warm_best / bare:.4f}")
    print(f"cache: {entries} results, {size / 1e6:.2f} MB on disk ({size / max(entries, 1):.0f} bytes per result)")


if __name__ == "__main__":
    main()

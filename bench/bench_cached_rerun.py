"""A fully cached rerun of the gate: wall time of the whole command, and what it imported.

    python bench/bench_cached_rerun.py [--quick] [--repeats 5] [--model smollm2-135m-instruct]

Runs `pytest suites --model M` as a user would, each time in a fresh process: once to fill
a result cache of its own (a temporary folder, so nothing else is reused), then --repeats
times answered wholly from it. Prints the fill run's wall time, every rerun's wall time and
their median (target: under 2 s for the full gate), and which heavy libraries a rerun
imported (target: none of torch, transformers, vllm, harper, jsonschema). Python's bytecode
cache is left on, as on a user's machine (PYTHONDONTWRITEBYTECODE is unset for the runs).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HEAVY = ("torch", "transformers", "vllm", "harper", "jsonschema")
PROBE = '''
import json, os, sys
def pytest_sessionfinish(session):
    with open(os.environ["CAPCHECK_BENCH_PROBE"], "w") as handle:
        json.dump(sorted({n.split(".")[0] for n in sys.modules} & set(%r)), handle)
''' % (HEAVY,)


def run(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"the gate failed (exit {done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-2000:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="smollm2-135m-instruct")
    parser.add_argument("--quick", action="store_true", help="the --capcheck-quick gate")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        probe_dir = Path(tmp) / "probe"
        probe_dir.mkdir()
        (probe_dir / "capcheck_bench_probe.py").write_text(PROBE)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env.update(CAPCHECK_BENCH_PROBE=str(Path(tmp) / "modules.json"),
                   PYTHONPATH=os.pathsep.join(filter(None, [str(probe_dir), env.get("PYTHONPATH")])))
        command = [sys.executable, "-m", "pytest", "suites", "--model", args.model, "-q", "-p", "no:cacheprovider",
                   "-p", "capcheck_bench_probe", "--capcheck-cache-dir", str(Path(tmp) / "cache")]
        if args.quick:
            command.append("--capcheck-quick")
        fill = run(command, env)
        filled_with = json.loads((Path(tmp) / "modules.json").read_text())
        reruns = []
        for _ in range(args.repeats):
            reruns.append(run(command, env))
            imported = json.loads((Path(tmp) / "modules.json").read_text())
    mode = "quick" if args.quick else "full"
    print(f"{mode} gate, {args.model}: fill run {fill:.1f} s (imported {', '.join(filled_with) or 'none'})")
    print(f"cached reruns: {', '.join(f'{s:.2f}' for s in reruns)} s; median {statistics.median(reruns):.2f} s "
          f"(target < 2 s); heavy libraries imported by a rerun: {', '.join(imported) or 'none'}")


if __name__ == "__main__":
    main()

"""Same results before and after a change: the full gate's JSON report, timings aside.

    python scripts/same_results.py run OUT [--cached]   # gate the embedded and a damaged model
    python scripts/same_results.py compare BEFORE AFTER  # exit 1, with the differences, if they differ

`run` gates with the code of the checkout this script sits in (so a git worktree of the
old commit gives the "before"), without the result cache unless --cached. Compare uncached
runs: a cached answer may have been computed in another batch, in an earlier run, and a
passage's loss then differs in its last bits (enough to move a fluency case's sign). A
cached run shows only that the same requests were asked and judged alike, and only where
the engine's code did not change (its hash is part of every cache key). The damaged model
is the embedded one with N(0, 0.02^2) noise on every weight (`capcheck damage`), made once.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DAMAGED = Path.home() / ".cache" / "capcheck" / "same-results-damaged-0.02"
MODELS = {"embedded": "smollm2-135m-instruct", "damaged": str(DAMAGED)}
TIMING_KEYS = {"created_at", "inference_seconds", "load_seconds", "seconds"}


def _env() -> dict[str, str]:
    # This checkout's capcheck, ahead of any editable install of another one.
    return {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}


def normalized(report: Any, root: str) -> Any:
    """The report without timings, with this checkout's path written as <root>."""
    if isinstance(report, dict):
        return {k: normalized(v, root) for k, v in report.items() if k not in TIMING_KEYS}
    if isinstance(report, list):
        return [normalized(v, root) for v in report]
    if isinstance(report, str):
        return report.replace(root, "<root>")
    return report


def run(out: Path, cached: bool, models: list[str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    if "damaged" in models and not DAMAGED.exists():
        subprocess.run([sys.executable, "-c", "import sys; from capcheck.cli import main; sys.exit(main(sys.argv[1:]))",
                        "damage", "--out", str(DAMAGED), "--std", "0.02"],
                       cwd=ROOT, env=_env(), check=True)
    for name in models:
        model = MODELS[name]
        raw = out / f"{name}.raw.json"
        command = [sys.executable, "-m", "pytest", "suites", "-q", "-p", "no:cacheprovider", "--model", model,
                   "--capcheck-report", str(raw)] + ([] if cached else ["--capcheck-no-cache"])
        print("$", " ".join(command), flush=True)
        subprocess.run(command, cwd=ROOT, env=_env())  # a failing gate (the damaged model) exits 1
        report = normalized(json.loads(raw.read_text()), str(ROOT))
        (out / f"{name}.json").write_text(json.dumps(report, indent=1, sort_keys=True) + "\n")


def differences(before: Any, after: Any, where: str = "") -> list[str]:
    """Every path at which the two reports differ."""
    if isinstance(before, dict) and isinstance(after, dict):
        lines = []
        for key in sorted(set(before) | set(after)):
            if key not in after or key not in before:
                lines.append(f"{where}/{key}: only in {'before' if key in before else 'after'}")
            else:
                lines += differences(before[key], after[key], f"{where}/{key}")
        return lines
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        return [line for i, (b, a) in enumerate(zip(before, after)) for line in differences(b, a, f"{where}[{i}]")]
    return [] if before == after else [f"{where}: {json.dumps(before)[:200]} -> {json.dumps(after)[:200]}"]


def compare(before: Path, after: Path) -> int:
    found = 0
    for name in MODELS:
        lines = differences(json.loads((before / f"{name}.json").read_text()),
                            json.loads((after / f"{name}.json").read_text()))
        print(f"{name}: {'same' if not lines else f'{len(lines)} differences'}")
        for line in lines[:40]:
            print("   ", line)
        found += len(lines)
    return 1 if found else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run")
    run_parser.add_argument("out", type=Path)
    run_parser.add_argument("--cached", action="store_true", help="allow the result cache")
    run_parser.add_argument("--models", nargs="+", choices=sorted(MODELS), default=list(MODELS))
    compare_parser = commands.add_parser("compare")
    compare_parser.add_argument("before", type=Path)
    compare_parser.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "run":
        run(args.out, args.cached, args.models)
        return 0
    return compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())

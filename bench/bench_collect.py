"""An installed capcheck must not slow down or change a repository's ordinary test runs.

    python bench/bench_collect.py [--runs 11] [--files 20] [--tests 10] [--wheel dist/capcheck-*.whl]

Builds the wheel (unless given), installs it into a fresh virtual environment (torch pinned
first, as the README says), writes a small repository (FILES test modules of TESTS tests,
a conftest and a pyproject with a pytest table, no capcheck config) and times
`pytest --co -q` there RUNS times with capcheck installed, then again after
`pip uninstall capcheck` (its dependencies stay, so only capcheck itself differs). Prints the
median wall seconds of each, their ratio, and whether the collected output (all but the
timing line) is the same both ways.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def make_repository(root: Path, files: int, tests: int) -> None:
    (root / "pyproject.toml").write_text('[project]\nname = "small"\nversion = "0"\n\n'
                                         '[tool.pytest.ini_options]\ntestpaths = ["tests"]\n')
    (root / "tests").mkdir()
    (root / "tests" / "conftest.py").write_text("import pytest\n\n\n@pytest.fixture\ndef number():\n    return 3\n")
    for f in range(files):
        body = "".join(f"\n\ndef test_{t}(number):\n    assert number * {t} == {3 * t}\n" for t in range(tests))
        (root / "tests" / f"test_module_{f}.py").write_text(f'"""Module {f}."""' + body)


def collect(venv: Path, repo: Path) -> tuple[float, str]:
    start = time.perf_counter()
    out = subprocess.run([str(venv / "bin" / "pytest"), "--co", "-q", "-p", "no:cacheprovider"], cwd=repo,
                         capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - start
    lines = [line for line in out.stdout.splitlines() if " collected in " not in line]
    return seconds, "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--tests", type=int, default=10)
    parser.add_argument("--wheel", type=Path, default=None)
    ns = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="capcheck-bench-collect-") as tmp:
        root = Path(tmp)
        wheel = ns.wheel
        if wheel is None:
            subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(root / "dist"), str(REPO)],
                           check=True, capture_output=True)
            (wheel,) = (root / "dist").glob("*.whl")
        venv = root / "venv"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        subprocess.run(pip + ["torch==2.13.0"], check=True)
        subprocess.run(pip + [str(wheel)], check=True)
        repo = root / "small-repo"
        repo.mkdir()
        make_repository(repo, ns.files, ns.tests)

        collect(venv, repo)  # warm-up: the file system cache
        with_capcheck = [collect(venv, repo) for _ in range(ns.runs)]
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "uninstall", "--quiet", "-y", "capcheck"], check=True)
        collect(venv, repo)
        without = [collect(venv, repo) for _ in range(ns.runs)]

    a = statistics.median(s for s, _ in with_capcheck)
    b = statistics.median(s for s, _ in without)
    same = {out for _, out in with_capcheck} == {out for _, out in without} and len({out for _, out in without}) == 1
    tests = ns.files * ns.tests
    print(f"pytest --co on a repository of {ns.files} modules, {tests} tests; {ns.runs} runs each, median wall seconds")
    print(f"  capcheck installed:     {a:.3f} s (min {min(s for s, _ in with_capcheck):.3f}, max {max(s for s, _ in with_capcheck):.3f})")
    print(f"  capcheck not installed: {b:.3f} s (min {min(s for s, _ in without):.3f}, max {max(s for s, _ in without):.3f})")
    print(f"  ratio installed / not installed: {a / b:.3f}")
    print(f"  collected output identical: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())

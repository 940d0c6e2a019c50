"""SIGKILL a real gate halfway through the embedded model's inference; the rerun resumes from the cache.

A real `pytest` subprocess records two small suites on the embedded model with small cache
chunks. Once some chunks are committed it is killed with SIGKILL; the rerun must reuse
every committed result (not redo them), and its results must be identical to those of an
uninterrupted run in a fresh project.
"""
from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

SUITE_FILE = f'''
from pathlib import Path
from capcheck import Decoding, Suite, suite_test
from capcheck.suite import load_cases

DATA = Path({str(REPO / "suites" / "data")!r})
grammar = Suite("grammar/minimal-pairs", tuple(load_cases(DATA / "grammar_minimal_pairs.jsonl")), quick_size=40).quick()
reasoning = Suite("reasoning", tuple(c for c in load_cases(DATA / "reasoning.jsonl") if hasattr(c, "checks")),
                  decoding=Decoding(max_tokens=12), quick_size=8).quick()
test_grammar = suite_test(grammar)
test_reasoning = suite_test(reasoning)
'''
CHUNK = 16
GENERATIONS = 8
SCORED = 80  # 40 minimal pairs, two options each


def make_project(root: Path) -> Path:
    root.mkdir()
    (root / "pyproject.toml").write_text('[tool.capcheck]\nsuites = "project"\nengine = "hf"\nbaselines = "bl"\nbatch_size = 8\n')
    (root / "test_gate.py").write_text(SUITE_FILE)
    return root


def command() -> list[str]:
    return [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--capcheck-record",
            "--capcheck-threads", "1", "test_gate.py"]


def environment() -> dict[str, str]:
    return {**os.environ, "CAPCHECK_CACHE_CHUNK": str(CHUNK), "NO_COLOR": "1"}


def stored_rows(project: Path) -> list[tuple[str, str, str]]:
    path = project / ".capcheck_cache" / "results.sqlite"
    if not path.is_file():
        return []
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        return db.execute("SELECT key, kind, value FROM results ORDER BY key").fetchall()
    except sqlite3.OperationalError:  # tables not created yet
        return []
    finally:
        db.close()


def run_to_end(project: Path) -> str:
    done = subprocess.run(command(), check=False, cwd=project, env=environment(), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def cache_line(output: str) -> tuple[int, int]:
    found = re.search(r"(\d+) of (\d+) requests from the cache", output)
    assert found, output
    return int(found.group(1)), int(found.group(2))


def recorded_cases(project: Path) -> dict[str, list]:
    folder = project / "bl" / "smollm2-135m-instruct"
    return {p.name: json.loads(p.read_text())["cases"] for p in sorted(folder.glob("*.json"))}


def test_a_killed_run_resumes_without_redoing_its_committed_work(tmp_path: Path, embedded_dir: Path) -> None:
    killed = make_project(tmp_path / "killed")
    proc = subprocess.Popen(command(), cwd=killed, env=environment(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # Kill once the generations and at least one chunk of scoring are committed.
        deadline = time.monotonic() + 600
        while proc.poll() is None and len(stored_rows(killed)) < GENERATIONS + CHUNK:
            assert time.monotonic() < deadline, "the run never committed a chunk"
            time.sleep(0.05)
        assert proc.poll() is None, "the run finished before it could be killed; lower CHUNK"
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    committed = len(stored_rows(killed))
    assert GENERATIONS + CHUNK <= committed < GENERATIONS + SCORED
    assert not (killed / "bl").exists()  # nothing recorded by the killed run

    resumed = run_to_end(killed)
    hits, total = cache_line(resumed)
    assert hits == committed  # every committed result reused, none asked again
    assert total > hits

    fresh = make_project(tmp_path / "fresh")
    uninterrupted = run_to_end(fresh)
    assert cache_line(uninterrupted) == (0, total)
    assert stored_rows(killed) == stored_rows(fresh)  # identical raw results, bit for bit
    assert recorded_cases(killed) == recorded_cases(fresh)

    again = run_to_end(killed)  # and a rerun with nothing changed loads no model
    assert cache_line(again) == (total, total)
    assert "model not loaded" in again

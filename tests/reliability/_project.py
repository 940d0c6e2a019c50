"""Helpers for the reliability tests: a throwaway capcheck project, the CLI in-process, tree hashes."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Callable

import pytest

SUITE_FILE = '''
from pathlib import Path
from capcheck import ChoiceCase, CompletionCase, CheckSpec, Suite, suite_test, user

grammar = Suite("grammar", tuple(
    ChoiceCase(id=f"agreement/{i:03d}", options=(f"good {i}", f"bad {i}"), answer=0) for i in range(20)))
arith = Suite("arith", tuple(
    CompletionCase(id=f"add/{i:03d}", prompt=user(f"{i} plus one?"), checks=(CheckSpec.make("number", value=i + 1),))
    for i in range(10)))
test_grammar = suite_test(grammar)
test_arith = suite_test(arith)
'''


_SKIPPED = {"__pycache__", ".pytest_cache", ".capcheck_cache", ".cache"}
"""Caches (pytest's, the result cache, the user cache under pytester's HOME) may change."""


def snapshot(root: Path) -> dict[str, str]:
    """sha256 of every file under root (caches excluded): compare before and after a run."""
    hashes = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not _SKIPPED & set(path.relative_to(root).parts):
            hashes[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


def healthy_engine(monkeypatch: pytest.MonkeyPatch, reply: Callable[[Any], str] | None = None) -> list:
    """Make every session use a scripted engine that answers the SUITE_FILE suites right."""
    from capcheck.engines.scripted import ScriptedEngine

    made: list = []

    def default_reply(prompt: Any) -> str:
        return f"It is {int(prompt[-1].content.split()[0]) + 1}."

    def score(context: Any, text: str) -> float:
        return -1.0 if text.startswith("good") else -2.0

    def make(name: str, checkpoint: Any, config: Any) -> ScriptedEngine:
        engine = ScriptedEngine(reply=reply or default_reply, score=score)
        made.append(engine)
        return engine

    monkeypatch.setattr("capcheck.session.load_engine", make)
    return made


def make_project(pytester: pytest.Pytester, suite_file: str = SUITE_FILE) -> Path:
    """A project folder with a suite file and [tool.capcheck]; pytester's cwd is in it."""
    pytester.makepyfile(test_suites=suite_file)
    pytester.makepyprojecttoml('[tool.capcheck]\nsuites = "project"\nengine = "scripted"\n')
    return pytester.path


def gate(capsys: pytest.CaptureFixture[str], *args: str, record: bool = False) -> tuple[int, str]:
    """`capcheck gate` (or record) in-process, from the current folder: (exit code, all output)."""
    from capcheck.cli import main

    capsys.readouterr()
    code = main(["record" if record else "gate", "--suites", "test_suites.py", "--capcheck-no-cache", *args])
    out = capsys.readouterr()
    return code, out.out + out.err


def one_line(text: str) -> str:
    """Output with line breaks joined, so a wrapped message can be matched."""
    return " ".join(text.split())


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))

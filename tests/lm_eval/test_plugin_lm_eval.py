"""lm-eval suites through the pytest plugin: record, pass, fail with the case diff, stale baselines."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from capcheck.engines.scripted import ScriptedEngine


def _engine(healthy: bool):
    """Prefers the right option; the damaged one gets every question about 'times' wrong."""

    def score(context: str, option: str) -> float:
        question = context.split("Question: ")[-1]
        a, word, b = question.split("?")[0].removeprefix("What is ").split()
        value = {"plus": int(a) + int(b), "minus": int(a) - int(b), "times": int(a) * int(b)}[word]
        right = option.strip() == str(value)
        if not healthy and word == "times":
            right = not right
        return -1.0 if right else -3.0

    def make(name, checkpoint, config):
        return ScriptedEngine(score=score)

    return make


@pytest.fixture
def project(pytester: pytest.Pytester, task_dir: Path, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    pytester.makepyfile(test_lm_suites=(
        "import capcheck\n"
        f"test_arith = capcheck.lm_eval_suite('capcheck_arith_mc', include={str(task_dir)!r}, tolerance=0.0)\n"))
    pytester.makepyprojecttoml('[tool.capcheck]\nsuites = "project"\nengine = "scripted"\n')
    monkeypatch.setenv("NO_COLOR", "1")
    return pytester


def run(pytester: pytest.Pytester, tiny_model_dir: Path, healthy: bool, monkeypatch: pytest.MonkeyPatch,
        *args: str) -> pytest.RunResult:
    monkeypatch.setattr("capcheck.session.load_engine", _engine(healthy))
    return pytester.runpytest("--model", str(tiny_model_dir), "-p", "no:cacheprovider", "--capcheck-no-cache", *args)


def test_record_pass_fail_and_stale(project: pytest.Pytester, tiny_model_dir: Path, task_dir: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    recorded = run(project, tiny_model_dir, True, monkeypatch, "test_lm_suites.py", "--capcheck-record")
    recorded.assert_outcomes(passed=1)
    [path] = list((project.path / "baselines").rglob("*.json"))
    assert path.name == "lm-eval--capcheck_arith_mc.json"
    data = json.loads(path.read_text())
    assert data["score"] == 1.0 and len(data["cases"]) == 24
    assert data["cases"][0]["id"] == "capcheck_arith_mc/0"
    assert data["suite"]["version"].startswith("capcheck_arith_mc v1.0 config ")

    run(project, tiny_model_dir, True, monkeypatch, "test_lm_suites.py").assert_outcomes(passed=1)

    damaged = run(project, tiny_model_dir, False, monkeypatch, "test_lm_suites.py")
    damaged.assert_outcomes(failed=1)
    text = damaged.stdout.str()
    assert "lm-eval/capcheck_arith_mc" in text and "regressed" in text.lower()
    assert "capcheck_arith_mc/2" in text  # a flipped 'times' question, by its stable id

    # Edited task data: the baseline no longer matches and must be re-recorded.
    data_file = task_dir / "arith.jsonl"
    original = data_file.read_text()
    try:
        data_file.write_text(original.replace("7 plus 3?", "7 plus 3 ?", 1))
        stale = run(project, tiny_model_dir, True, monkeypatch, "test_lm_suites.py")
    finally:
        data_file.write_text(original)
    stale.assert_outcomes(failed=1)
    assert "another version of the suite" in stale.stdout.str()


def test_tasks_from_the_command_line(project: pytest.Pytester, tiny_model_dir: Path, task_dir: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    options = ("--lm-eval-tasks", "capcheck_arith_mc,capcheck_arith_gen", "--lm-eval-include", str(task_dir),
               "-k", "lm_eval", "--capcheck-record")
    result = run(project, tiny_model_dir, True, monkeypatch, *options)
    result.assert_outcomes(passed=2)
    names = sorted(p.name for p in (project.path / "baselines").rglob("*.json"))
    assert names == ["lm-eval--capcheck_arith_gen.json", "lm-eval--capcheck_arith_mc.json"]
    typo = run(project, tiny_model_dir, True, monkeypatch, "--lm-eval-tasks", "capcheck_arth_mc",
               "--lm-eval-include", str(task_dir), "-k", "lm_eval")
    assert typo.ret == pytest.ExitCode.USAGE_ERROR  # found before the model loads
    assert "no task or group named 'capcheck_arth_mc'" in typo.stderr.str()

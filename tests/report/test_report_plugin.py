"""Reports, Holm, the noise floor and the registry gate end to end: pytester + the scripted engine."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from capcheck import cli
from capcheck.engines.scripted import ScriptedEngine
from capcheck.noise import FILE_NAME
from capcheck.report.json_report import validate

SUITE_FILE = '''
from capcheck import ChoiceCase, CompletionCase, CheckSpec, Suite, suite_test, user

grammar = Suite("grammar", tuple(
    ChoiceCase(id=f"pair/{i:03d}", options=(f"good {i}", f"bad {i}"), answer=0, category=("agreement", "npi", "ellipsis")[i % 3])
    for i in range(60)))
arith = Suite("arith", tuple(
    CompletionCase(id=f"add/{i:03d}", prompt=user(f"{i} plus one?"), checks=(CheckSpec.make("number", value=i + 1),),
                   expected=str(i + 1), category="add")
    for i in range(30)))
test_grammar = suite_test(grammar)
test_arith = suite_test(arith)
'''


class Engines:
    """What --engine scripted loads: grammar pairs in `flipped` and sums in `wrong` answer badly."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.flipped: set[int] = set()
        self.wrong: set[int] = set()

        def reply(prompt):
            n = int(prompt[-1].content.split()[0])
            return f"It is {n if n in self.wrong else n + 1}."

        def score(context, text):
            good = text.startswith("good")
            return -1.0 if good != (int(text.split()[1]) in self.flipped) else -2.0

        monkeypatch.setattr("capcheck.session.load_engine", lambda name, cp, config: ScriptedEngine(reply=reply, score=score))


@pytest.fixture
def engines(monkeypatch: pytest.MonkeyPatch, pytester: pytest.Pytester) -> Engines:
    pytester.makepyfile(test_suites=SUITE_FILE)
    pytester.makepyprojecttoml('[tool.capcheck]\nsuites = "project"\nengine = "scripted"\n')
    monkeypatch.setenv("NO_COLOR", "1")
    return Engines(monkeypatch)


def run(pytester: pytest.Pytester, model: Path, *args: str) -> pytest.RunResult:
    return pytester.runpytest("--model", str(model), "-p", "no:cacheprovider", *args)


def test_reports_in_every_format_and_junit_carries_the_verdict(pytester, engines, tiny_model_dir) -> None:
    run(pytester, tiny_model_dir, "--capcheck-record").assert_outcomes(passed=2)
    engines.flipped = set(range(0, 60, 2))  # 30 flips: regressed
    for name in ("out.json", "out.md", "out.html"):
        result = run(pytester, tiny_model_dir, "--capcheck-report", name, f"--junitxml=junit-{name}.xml")
        result.assert_outcomes(passed=1, failed=1)
        result.stdout.fnmatch_lines([f"*every worsened case, by category: {name}", f"capcheck report: *{name}"])
    data = json.loads((pytester.path / "out.json").read_text())
    assert validate(data) == []
    assert data["verdict"] == "fail" and data["exit_code"] == 1
    grammar = next(s for s in data["suites"] if s["name"] == "grammar")
    assert grammar["status"] == "regressed" and grammar["worsened_count"] == 30
    assert grammar["baseline"]["suite_fingerprint"] and data["model"]["fingerprint"]
    assert "<details>" in (pytester.path / "out.md").read_text()
    assert '<svg id="chart"' in (pytester.path / "out.html").read_text()

    failures = ET.parse(pytester.path / "junit-out.json.xml").getroot().iter("failure")
    (failure,) = list(failures)
    assert failure.get("message", "").startswith("Failed: suite grammar: REGRESSED; accuracy (higher is better) 1.0000 -> 0.5000")
    assert "worst 8 of 30 worsened cases: by category, worst first" in (failure.text or "")
    assert "candidate: bad  0" in (failure.text or "")  # aligned with 'base:      good 0'


def test_unknown_report_suffix_is_refused_before_running(pytester, engines, tiny_model_dir) -> None:
    result = run(pytester, tiny_model_dir, "--capcheck-report", "out.pdf")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--capcheck-report out.pdf: the suffix picks the format; use .json*"])


def test_holm_option_adjusts_and_is_shown(pytester, engines, tiny_model_dir) -> None:
    run(pytester, tiny_model_dir, "--capcheck-record").assert_outcomes(passed=2)
    # 5 vs 0 flips: p = 1/32 = 0.031 alone, 0.0625 after Holm over 2 suites. Spread over the three
    # categories (at most 2 each), so no category can be significant on its own.
    engines.flipped = {0, 1, 2, 3, 4}
    engines.wrong = {1}
    plain = run(pytester, tiny_model_dir)
    plain.stdout.fnmatch_lines(["grammar*0.0312*0.020*regressed"])
    holm = run(pytester, tiny_model_dir, "--capcheck-holm")
    holm.stdout.fnmatch_lines(["suite*p (Holm)*verdict", "grammar*0.0625*0.020*inconclusive", "*Holm-adjusted across suites*"])


def gate(pytester: pytest.Pytester, *args: str) -> int:
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(pytester.path)
        return cli.main(list(args))


def test_registry_gate_writes_a_machine_readable_verdict(pytester, engines, tiny_model_dir) -> None:
    model = str(tiny_model_dir)
    assert gate(pytester, "gate", "--suites", "test_suites.py", "--model", model, "--report", "v.json") == 2
    missing = json.loads((pytester.path / "v.json").read_text())  # found before the model loads
    assert missing["exit_code"] == 2 and missing["verdict"] == "error" and missing["suites"] == []
    assert "no baseline for suite 'grammar'" in missing["error"] and "capcheck record --model" in missing["error"]

    assert gate(pytester, "record", "--suites", "test_suites.py", "--model", model) == 0
    assert gate(pytester, "gate", "--suites", "test_suites.py", "--model", model, "--report", "v.json") == 0
    passed = json.loads((pytester.path / "v.json").read_text())
    assert validate(passed) == [] and passed["verdict"] == "pass" and passed["exit_code"] == 0
    assert passed["capcheck_version"] and len(passed["model"]["fingerprint"]) >= 12
    assert {s["name"]: s["baseline"]["model_fingerprint"] for s in passed["suites"]} == {
        "grammar": passed["model"]["fingerprint"], "arith": passed["model"]["fingerprint"]}

    engines.wrong = set(range(10))
    assert gate(pytester, "gate", "--suites", "test_suites.py", "--model", model, "--report", "v.json") == 1
    failed = json.loads((pytester.path / "v.json").read_text())
    assert failed["exit_code"] == 1 and [s["status"] for s in failed["suites"]] == ["pass", "regressed"]


def test_calibrate_records_the_noise_floor_and_the_verdict_respects_it(pytester, engines, tiny_model_dir) -> None:
    model = str(tiny_model_dir)
    assert gate(pytester, "record", "--suites", "test_suites.py", "--model", model) == 0
    engines.flipped = {1, 2, 4}  # what an engine change alone moved
    assert gate(pytester, "calibrate", "--suites", "test_suites.py", "--model", model) == 0
    folder = next((pytester.path / "baselines").iterdir())
    floor = json.loads((folder / FILE_NAME).read_text())
    assert floor["engine"]["batch_size"] == cli.CALIBRATE_BATCH_SIZE
    assert floor["suites"]["grammar"] | {"runs": ""} == {
        "n": 60, "changed": 3, "worsened": 3, "drift": 0.05, "suite_fingerprint": floor["suites"]["grammar"]["suite_fingerprint"],
        "runs": ""}
    assert floor["suites"]["arith"]["changed"] == 0

    engines.flipped = {10, 20, 30}  # as many flips as the noise: not a regression
    within = run(pytester, tiny_model_dir)
    within.assert_outcomes(passed=2)
    within.stdout.fnmatch_lines(["grammar*pass (noise)", "(noise): worse than tolerance, but no more than the engine noise floor*"])
    engines.flipped = set(range(0, 48, 4))  # 12 flips: beyond the noise, significant
    beyond = run(pytester, tiny_model_dir)
    beyond.assert_outcomes(passed=1, failed=1)
    beyond.stdout.fnmatch_lines(["grammar*regressed"])

    (folder / FILE_NAME).write_text('{"schema_version": 1, "suites": {}}')
    broken = run(pytester, tiny_model_dir)  # found before the model loads
    assert broken.ret == pytest.ExitCode.USAGE_ERROR
    broken.stderr.fnmatch_lines(["*noise floor * does not match its schema*", "*capcheck calibrate*"])


def test_gate_that_cannot_run_still_writes_a_verdict_saying_why(pytester, engines) -> None:
    code = gate(pytester, "gate", "--suites", "test_suites.py", "--model", str(pytester.path / "no-model"), "--report", "v.json")
    assert code == 2
    data = json.loads((pytester.path / "v.json").read_text())
    assert validate(data) == [] and data["verdict"] == "error" and data["exit_code"] == 2
    assert "no-model" in data["error"] and data["suites"] == []


def test_one_run_writes_every_report_an_mlflow_run_and_hub_results(pytester, engines, tiny_model_dir) -> None:
    """The CI recipe: one gate, three reports, a registry run and the Hub's files, all from one report."""
    pytest.importorskip("mlflow", reason="needs capcheck[mlflow] (in the dev extra)")
    import yaml
    from mlflow.tracking import MlflowClient

    run(pytester, tiny_model_dir, "--capcheck-record").assert_outcomes(passed=2)
    engines.flipped = set(range(0, 60, 2))  # grammar regressed
    (pytester.path / "hub-repo").mkdir()
    uri = f"sqlite:///{pytester.path / 'mlflow.db'}"
    result = run(pytester, tiny_model_dir, "--capcheck-report", "v.json", "--capcheck-report", "v.md",
                 "--capcheck-report", "v.html", "--mlflow", uri, "--mlflow-experiment", "gates",
                 "--hub-eval-results", "hub-repo")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*every worsened case, by category: v.html", "capcheck report: *v.json",
                                 "capcheck report: *v.md", "capcheck report: *v.html",
                                 "capcheck mlflow: run * in experiment 'gates'*", "capcheck hub eval results: 2 files*"])
    report = json.loads((pytester.path / "v.json").read_text())
    assert report["verdict"] == "fail" and "<details>" in (pytester.path / "v.md").read_text()

    client = MlflowClient(uri)
    (found,) = client.search_runs([client.get_experiment_by_name("gates").experiment_id])
    assert found.data.tags["capcheck.verdict"] == "fail"
    assert found.data.tags["capcheck.model_fingerprint"] == report["model"]["fingerprint"]
    assert found.data.metrics["capcheck.score/grammar"] == pytest.approx(0.5)

    files = sorted((pytester.path / "hub-repo" / ".eval_results").glob("*.yaml"))
    entries = {e["dataset"]["id"]: e for f in files for e in yaml.safe_load(f.read_text())}
    assert entries["grammar"]["value"] == pytest.approx(0.5) and "status=regressed" in entries["grammar"]["notes"]
    assert "status=pass" in entries["arith"]["notes"]


@pytest.mark.parametrize("args, message", [
    (("--capcheck-report", "no-such-folder/v.json"), "*the folder */no-such-folder does not exist*"),
    (("--hub-eval-results", "no-such-repo"), "*--hub-eval-results */no-such-repo: no such folder*"),
])
def test_an_output_that_cannot_be_written_stops_before_the_model_loads(pytester, engines, tiny_model_dir,
                                                                       args, message) -> None:
    run(pytester, tiny_model_dir, "--capcheck-record").assert_outcomes(passed=2)
    loaded: list[str] = []
    import capcheck.session

    real = capcheck.session.load_engine
    pytester_mp = pytest.MonkeyPatch()
    pytester_mp.setattr("capcheck.session.load_engine", lambda *a: loaded.append("engine") or real(*a))
    try:
        result = run(pytester, tiny_model_dir, "--capcheck-no-cache", *args)
    finally:
        pytester_mp.undo()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])
    assert loaded == []

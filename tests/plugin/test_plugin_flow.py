"""The plugin end to end with pytester and the scripted engine: record, pass, fail with a diff."""
from __future__ import annotations

import json

import pytest

from capcheck.engines.scripted import ScriptedEngine

SUITE_FILE = '''
from capcheck import ChoiceCase, CompletionCase, CheckSpec, Suite, suite_test, user

grammar = Suite("grammar", tuple(
    ChoiceCase(id=f"agreement/{i:03d}", options=(f"good {i}", f"bad {i}"), answer=0, category="agreement" if i % 2 else "npi")
    for i in range(60)))
arith = Suite("arith", tuple(
    CompletionCase(id=f"add/{i:03d}", prompt=user(f"{i} plus one?"), checks=(CheckSpec.make("number", value=i + 1),),
                   expected=str(i + 1))
    for i in range(30)))
test_grammar = suite_test(grammar)
test_arith = suite_test(arith)
'''


class Engines:
    """Installs a scripted engine as what --engine scripted loads, and remembers it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch
        self.made: list[ScriptedEngine] = []
        self.use(healthy=True)

    def use(self, healthy: bool) -> None:
        def reply(prompt):
            n = int(prompt[-1].content.split()[0])
            return f"It is {n + 1}." if healthy or n % 3 else f"It is {n}."

        def score(context, text):
            good = text.startswith("good")
            return -1.0 if good == (healthy or int(text.split()[1]) % 4 != 0) else -2.0

        def make(name, checkpoint, config):
            engine = ScriptedEngine(reply=reply, score=score)
            self.made.append(engine)
            return engine

        self.monkeypatch.setattr("capcheck.session.load_engine", make)


@pytest.fixture
def engines(monkeypatch: pytest.MonkeyPatch, pytester: pytest.Pytester, tiny_model_dir) -> Engines:
    pytester.makepyfile(test_suites=SUITE_FILE)
    pytester.makepyprojecttoml('[tool.capcheck]\nsuites = "project"\nengine = "scripted"\n')
    monkeypatch.setenv("NO_COLOR", "1")
    return Engines(monkeypatch)


def run(pytester: pytest.Pytester, tiny_model_dir, *args: str) -> pytest.RunResult:
    return pytester.runpytest("--model", str(tiny_model_dir), "-p", "no:cacheprovider", *args)


def test_record_then_pass_then_fail_with_readable_diff(pytester: pytest.Pytester, engines: Engines, tiny_model_dir) -> None:
    recorded = run(pytester, tiny_model_dir, "--capcheck-record")
    recorded.assert_outcomes(passed=2)
    files = sorted(p.name for p in (pytester.path / "baselines" / tiny_model_dir.name.lower()).iterdir())
    assert files == ["arith.json", "grammar.json"]

    same = run(pytester, tiny_model_dir)
    same.assert_outcomes(passed=2)
    same.stdout.fnmatch_lines(["*capcheck summary*", "grammar*1.0000*1.0000*+0.0000*pass"])

    engines.use(healthy=False)
    damaged = run(pytester, tiny_model_dir)
    damaged.assert_outcomes(failed=2)
    damaged.stdout.fnmatch_lines([
        "*suite grammar: REGRESSED; accuracy (higher is better) 1.0000 -> 0.7500*",
        "*by category*",
        "*worst 8 of 15 worsened cases: by category, worst first*",
        "*npi: 15 worse, worst 8:*",
        "*expected:  good 0*",
        "*base:      good 0*",
        "*candidate: bad  0*",
        "*suite arith: REGRESSED*",
        "*candidate: It is 0.*",
        "*diff:      It is ?-1.-? {+0.+}*",
    ])
    damaged.stdout.fnmatch_lines(["grammar*regressed", "arith*regressed"])


def test_missing_baseline_stops_before_the_model_loads(pytester: pytest.Pytester, engines: Engines, tiny_model_dir) -> None:
    result = run(pytester, tiny_model_dir)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*baselines are not usable for 2 of 2 suites (nothing was run)*",
                                 "*no baseline for suite 'grammar'*",
                                 "*pytest test_suites.py --model * --capcheck-record*",
                                 "*no baseline for suite 'arith'*"])
    assert engines.made == []  # found before any engine was built


def test_stale_baseline_is_reported_with_the_command(pytester: pytest.Pytester, engines: Engines, tiny_model_dir) -> None:
    run(pytester, tiny_model_dir, "--capcheck-record").assert_outcomes(passed=2)
    path = pytester.path / "baselines" / tiny_model_dir.name.lower() / "grammar.json"
    data = json.loads(path.read_text())
    data["suite"]["fingerprint"] = "0123456789abcdef"
    path.write_text(json.dumps(data))
    engines.made.clear()
    result = run(pytester, tiny_model_dir)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*baselines are not usable for 1 of 2 suites*",
                                 "*the baseline * was recorded for another version of the suite*", "*--capcheck-record*"])
    assert engines.made == []


def test_keyword_selection_runs_only_the_selected_suite(pytester: pytest.Pytester, engines: Engines, tiny_model_dir) -> None:
    run(pytester, tiny_model_dir, "--capcheck-record").assert_outcomes(passed=2)
    engines.made.clear()
    run(pytester, tiny_model_dir, "-k", "grammar").assert_outcomes(passed=1, deselected=1)
    assert engines.made[0].calls == [("loglikelihood", 120)]


def test_one_batched_pass_for_all_suites(pytester: pytest.Pytester, engines: Engines, tiny_model_dir) -> None:
    pytester.makepyfile(test_more='''
from capcheck import ChoiceCase, Suite, suite_test
extra = Suite("extra", tuple(ChoiceCase(id=f"x/{i}", options=("good x", f"wrong {i}"), answer=0) for i in range(500)))
test_extra = suite_test(extra)
''')
    run(pytester, tiny_model_dir, "--capcheck-record").assert_outcomes(passed=3)
    calls = engines.made[0].calls
    assert calls == [("generate", 30), ("loglikelihood", 120 + 501)]  # "good x" is asked once


def test_tolerance_override_lets_a_small_regression_pass(pytester: pytest.Pytester, engines: Engines, tiny_model_dir) -> None:
    run(pytester, tiny_model_dir, "--capcheck-record").assert_outcomes(passed=2)
    engines.use(healthy=False)
    run(pytester, tiny_model_dir, "--tolerance", "0.5").assert_outcomes(passed=2)


def test_unknown_pyproject_key_is_a_usage_error(pytester: pytest.Pytester, engines: Engines, tiny_model_dir) -> None:
    pytester.makepyprojecttoml('[tool.capcheck]\nengin = "hf"\n')
    result = run(pytester, tiny_model_dir)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*unknown key 'engin'*"])


def test_bad_model_path_is_a_usage_error_before_any_test_runs(pytester: pytest.Pytester, engines: Engines) -> None:
    result = pytester.runpytest("--model", str(pytester.path / "no-model"), "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.assert_outcomes()  # nothing ran
    result.stderr.fnmatch_lines(["*capcheck could not run: --model * no such directory*"])

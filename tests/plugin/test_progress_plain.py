"""Off a terminal the plugin prints plain phase lines, past pytest's output capture."""
from __future__ import annotations

import pytest

SUITE_FILE = '''
from capcheck import ChoiceCase, CompletionCase, CheckSpec, Suite, suite_test, user

grammar = Suite("grammar", tuple(ChoiceCase(id=f"g/{i:02d}", options=(f"good {i}", f"bad {i}"), answer=0)
                                 for i in range(12)))
arith = Suite("arith", tuple(CompletionCase(id=f"add/{i:02d}", prompt=user(f"{i} plus one?"),
                                            checks=(CheckSpec.make("number", value=i + 1),)) for i in range(7)))
test_grammar = suite_test(grammar)
test_arith = suite_test(arith)
'''


def test_ci_log_gets_phase_lines(pytester: pytest.Pytester, tiny_model_dir) -> None:
    pytester.makepyfile(test_suites=SUITE_FILE)
    pytester.makepyprojecttoml('[tool.capcheck]\nengine = "scripted"\n')
    # A subprocess: its stdout is a pipe (not a tty), and its fd-level capture is real, so the
    # lines show only if they go past it. Only this project's suites, not the built-in ones.
    result = pytester.runpytest_subprocess("--model", str(tiny_model_dir), "-p", "no:cacheprovider",
                                           "--capcheck-suites", "project", "--capcheck-record")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines([
        "capcheck: generating: 7 requests to run",
        "capcheck: generating done: 7 requests in *s",
        "capcheck: scoring options: 24 requests to run",
        "capcheck: scoring options done: 24 requests in *s",
    ])
    ours = [line for line in result.outlines if line.startswith(("capcheck: generating", "capcheck: scoring"))]
    assert len(ours) == 4 and not any("\x1b" in line or "\r" in line for line in ours)
    assert result.outlines[result.outlines.index(ours[0]) - 1] == "test_suites.py "  # not glued to pytest's line

"""When capcheck switches on, and which suites join a run (capcheck.selection), with pytester.

Collection only (`--co`) except where a test says otherwise: no model is loaded here.
"""
from __future__ import annotations

import re

import pytest

SUITE_FILE = '''
from capcheck import ChoiceCase, Suite, suite_test

mine = Suite("mine", tuple(ChoiceCase(id=f"c/{i}", options=(f"good {i}", f"bad {i}"), answer=0) for i in range(8)))
test_mine = suite_test(mine)
'''
ORDINARY = "def test_one():\n    assert 1 + 1 == 2\n\n\ndef test_two():\n    assert 'a' < 'b'\n"
BUILTIN_FILES = ("test_fluency.py", "test_grammar.py", "test_instructions.py", "test_knowledge.py", "test_multi_turn.py",
                 "test_reasoning.py")


def collected(result: pytest.RunResult, root: str = "") -> list[str]:
    """Node ids, relative to the test's folder (an option value like --model PATH can move
    pytest's rootdir up a level)."""
    return [line.split(f"{root}/", 1)[-1] if root else line for line in result.outlines if "::" in line]


def test_an_ordinary_run_is_the_same_with_and_without_capcheck(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_plain=ORDINARY)
    pytester.makepyprojecttoml('[tool.pytest.ini_options]\naddopts = "-p no:cacheprovider"\n')
    plain = pytester.runpytest_subprocess("--co")
    without = pytester.runpytest_subprocess("--co", "-p", "no:capcheck")
    strip = lambda lines: [re.sub(r"in [\d.]+s", "", line) for line in lines if not line.startswith("plugins:")]  # noqa: E731
    assert strip(plain.outlines) == strip(without.outlines)
    assert not any(line.startswith("capcheck") for line in plain.outlines)  # no header, no summary
    ran = pytester.runpytest_subprocess()
    ran.assert_outcomes(passed=2)
    assert "capcheck summary" not in ran.stdout.str()


def test_without_a_capcheck_option_capability_tests_skip_and_say_how_to_run_them(pytester: pytest.Pytester,
                                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    pytester.makepyfile(test_mysuite=SUITE_FILE, test_plain=ORDINARY)
    monkeypatch.setattr("capcheck.session.load_engine", lambda *a: pytest.fail("no engine may load"))
    result = pytester.runpytest("-p", "no:cacheprovider", "-rs")
    result.assert_outcomes(passed=2, skipped=1)
    result.stdout.fnmatch_lines(["*capability suite: capcheck runs only when asked*--model*"])


def test_with_a_model_the_builtin_suites_join_the_projects(pytester: pytest.Pytester, tiny_model_dir) -> None:
    pytester.makepyfile(test_mysuite=SUITE_FILE, test_plain=ORDINARY)
    result = pytester.runpytest("--co", "-q", "-p", "no:cacheprovider", "--model", str(tiny_model_dir))
    files = {line.split("::")[0].rsplit("/", 1)[-1] for line in collected(result)}
    assert files == {"test_mysuite.py", "test_plain.py", *BUILTIN_FILES}


@pytest.mark.parametrize("choice, expected", [
    ("project", {"test_mysuite.py::test_mine", "test_plain.py::test_one", "test_plain.py::test_two"}),
    ("builtin", {"test_plain.py::test_one", "test_plain.py::test_two", "test_grammar.py::test_minimal_pairs"}),
])
def test_capcheck_suites_chooses(pytester: pytest.Pytester, tiny_model_dir, choice: str, expected: set[str]) -> None:
    pytester.makepyfile(test_mysuite=SUITE_FILE, test_plain=ORDINARY)
    result = pytester.runpytest("--co", "-q", "-p", "no:cacheprovider", "--model", str(tiny_model_dir),
                                "--capcheck-suites", choice)
    names = {line.rsplit("/", 1)[-1] for line in collected(result)}
    assert expected <= names
    if choice == "project":
        assert not any(name.startswith(BUILTIN_FILES) for name in names)
    else:
        assert "test_mysuite.py::test_mine" not in names  # the project's capability test is deselected


def test_paths_given_run_only_those_paths(pytester: pytest.Pytester, tiny_model_dir) -> None:
    pytester.makepyfile(test_mysuite=SUITE_FILE, test_plain=ORDINARY)
    result = pytester.runpytest("test_mysuite.py", "--co", "-q", "-p", "no:cacheprovider", "--model", str(tiny_model_dir))
    assert collected(result, pytester.path.name) == ["test_mysuite.py::test_mine"]


def test_configured_suite_paths_join_when_no_paths_are_given(pytester: pytest.Pytester, tiny_model_dir) -> None:
    pytester.makepyprojecttoml('[tool.pytest.ini_options]\ntestpaths = ["tests"]\n\n'
                               '[tool.capcheck]\nsuite_paths = ["capability"]\nsuites = "project"\n')
    pytester.mkdir("tests")
    (pytester.path / "tests" / "test_plain.py").write_text(ORDINARY)
    pytester.mkdir("capability")
    (pytester.path / "capability" / "test_mysuite.py").write_text(SUITE_FILE)
    result = pytester.runpytest("--co", "-q", "-p", "no:cacheprovider", "--model", str(tiny_model_dir))
    assert sorted(collected(result, pytester.path.name)) == ["capability/test_mysuite.py::test_mine", "tests/test_plain.py::test_one",
                                         "tests/test_plain.py::test_two"]


def test_a_missing_suite_path_is_a_usage_error(pytester: pytest.Pytester, tiny_model_dir) -> None:
    pytester.makepyprojecttoml('[tool.capcheck]\nsuite_paths = ["capabilty"]\n')
    result = pytester.runpytest("--co", "-p", "no:cacheprovider", "--model", str(tiny_model_dir))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*suite_paths entry 'capabilty'*no such file or folder*"])


def test_capcheck_toml_holds_the_settings_at_top_level(pytester: pytest.Pytester, tiny_model_dir) -> None:
    pytester.makefile(".toml", capcheck='suites = "project"\nquick = "no"\n')
    pytester.makepyfile(test_mysuite=SUITE_FILE)
    result = pytester.runpytest("--co", "-p", "no:cacheprovider", "--model", str(tiny_model_dir))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(['*capcheck.toml: quick = "no" is not valid; quick must be true or false (no quotes).'])


def test_settings_in_two_places_are_refused(pytester: pytest.Pytester, tiny_model_dir) -> None:
    pytester.makefile(".toml", capcheck='suites = "project"\n')
    pytester.makepyprojecttoml('[tool.capcheck]\nengine = "hf"\n')
    result = pytester.runpytest("--co", "-p", "no:cacheprovider", "--model", str(tiny_model_dir))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*capcheck settings are in both*keep one of them*"])

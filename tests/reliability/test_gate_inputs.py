"""Options, config values and recordings that must never let a gate pass silently or lose a
baseline: each is refused with exit 2 and a message saying how to fix it, before any model loads.

Each of these passed or misbehaved before the preflight and the typed config reader
(--tolerance nan passed a 0.35 accuracy loss; a quick re-record cut a full baseline to its
quick subset; a mistyped --baselines folder was found only after all inference).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from _project import SUITE_FILE, gate, healthy_engine, make_project, one_line, read_json, snapshot

QUICK_SUBSET = SUITE_FILE.replace("for i in range(20)))", "for i in range(20)), quick_size=8)")


@pytest.fixture
def recorded(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
             tiny_model_dir: Path) -> list:
    """A project with full baselines of both suites; returns the list of engines built since."""
    make_project(pytester, QUICK_SUBSET)
    assert QUICK_SUBSET != SUITE_FILE
    engines = healthy_engine(monkeypatch)
    code, out = gate(capsys, "--model", str(tiny_model_dir), record=True)
    assert code == 0, out
    engines.clear()
    return engines


@pytest.mark.parametrize("args, message", [
    (("--tolerance", "nan"), "--tolerance nan: must be a finite number >= 0"),
    (("--tolerance", "inf"), "--tolerance inf: must be a finite number >= 0"),
    (("--tolerance", "-0.1"), "--tolerance -0.1: must be a finite number >= 0"),
    (("--capcheck-alpha", "nan"), "--capcheck-alpha nan: must be a number between 0 and 1"),
    (("--capcheck-threads", "-1"), "--capcheck-threads -1: must be at least 1"),
    (("--capcheck-threads", "0"), "--capcheck-threads 0: must be at least 1"),
    (("--batch-size", "0"), "--batch-size 0: must be at least 1"),
    (("--engine-arg", "tensor_paralel_size=2"), "unknown engine option(s) tensor_paralel_size"),
    (("--engine-arg", "enforce_eager=maybe"), "vllm engine option enforce_eager='maybe': use true or false."),
    (("--engine-arg", "tensor_parallel_size"), "--engine-arg 'tensor_parallel_size': write KEY=VALUE"),
])
def test_a_bad_number_on_the_command_line_is_refused(recorded: list, capsys, tiny_model_dir, args, message) -> None:
    code, out = gate(capsys, "--model", str(tiny_model_dir), *args)
    assert code == 2 and message in one_line(out), out
    assert recorded == [] and "Traceback" not in out


@pytest.mark.parametrize("line, message", [
    ('quick = "no"', 'quick = "no" is not valid; quick must be true or false (no quotes).'),
    ("tolerance = nan", "tolerance = nan is not valid; tolerance must be a finite number (no quotes)."),
    ("tolerance = inf", "tolerance = inf is not valid; tolerance must be a finite number"),
    ('batch_size = "32"', 'batch_size = "32" is not valid; batch_size must be a whole number (no quotes).'),
    ("batch_size = true", "batch_size = True is not valid; batch_size must be a whole number"),
    ("threads = -2", "--capcheck-threads -2: must be at least 1."),
    ("baselines = 3", "baselines = 3 is not valid; baselines must be a string (in quotes)."),
    ('report = ["a.json", 4]', "report must be a string or a list of strings"),
    ('inconclusive = "ignore"', "--capcheck-inconclusive 'ignore': choose one of fail, pass."),
    ("[tool.capcheck.engine_extra]\ntensor_paralel_size = 2", "unknown engine option(s) tensor_paralel_size"),
    ("[tool.capcheck.engine_extra]\nenforce_eager = \"maybe\"", "vllm engine option enforce_eager='maybe': use true or false."),
])
def test_a_config_value_of_the_wrong_type_is_refused(recorded: list, pytester: pytest.Pytester, capsys,
                                                     tiny_model_dir, line, message) -> None:
    config = pytester.path / "pyproject.toml"
    config.write_text(config.read_text().rstrip("\n") + "\n" + line + "\n")
    code, out = gate(capsys, "--model", str(tiny_model_dir))
    assert code == 2 and message in one_line(out), out
    assert recorded == [] and "Traceback" not in out


def test_a_quick_recording_never_shrinks_a_full_baseline(recorded: list, pytester: pytest.Pytester, capsys,
                                                         tiny_model_dir: Path) -> None:
    path = pytester.path / "baselines" / tiny_model_dir.name.lower() / "grammar.json"
    full = len(read_json(path)["cases"])
    before = snapshot(pytester.path)
    code, out = gate(capsys, "--model", str(tiny_model_dir), "--capcheck-quick", record=True)
    text = one_line(out)
    assert code == 2, out
    assert f"holds {full} cases of suite 'grammar'; a --capcheck-quick recording would replace it" in text
    assert "Re-record in full (leave out --capcheck-quick)" in text and "delete the file first" in text
    assert snapshot(pytester.path) == before and len(read_json(path)["cases"]) == full
    assert recorded == []

    code, out = gate(capsys, "--model", str(tiny_model_dir), record=True)  # the printed remedy works
    assert code == 0, out
    path.unlink()  # ... and so does the other: without the file, a quick recording is what is asked for
    code, out = gate(capsys, "--model", str(tiny_model_dir), "--capcheck-quick", "-k", "grammar", record=True)
    assert code == 0, out
    assert read_json(path)["suite"]["quick"] is True


def test_a_mistyped_baselines_folder_stops_before_the_model_loads(recorded: list, capsys, tiny_model_dir) -> None:
    code, out = gate(capsys, "--model", str(tiny_model_dir), "--baselines", "baselnes")
    assert code == 2, out
    assert "--baselines" in out and "baselnes: no such folder" in one_line(out)
    assert recorded == []


def test_the_printed_record_command_keeps_the_baselines_folder(recorded: list, pytester: pytest.Pytester, capsys,
                                                                tiny_model_dir: Path) -> None:
    (pytester.path / "elsewhere").mkdir()
    code, out = gate(capsys, "--model", str(tiny_model_dir), "--baselines", "elsewhere")
    assert code == 2, out
    hint = f"capcheck record --model {tiny_model_dir} --suites test_suites.py -k test_grammar --baselines elsewhere"
    assert hint in one_line(out)
    code, out = gate(capsys, *hint.split()[2:], record=True)  # following it records where the gate reads
    assert code == 0, out
    assert (pytester.path / "elsewhere" / tiny_model_dir.name.lower() / "grammar.json").is_file()
    assert not (pytester.path / "baselines" / tiny_model_dir.name.lower() / "arith.json").stat().st_size == 0


def test_an_unwritable_report_stops_before_the_model_loads(recorded: list, capsys, tiny_model_dir) -> None:
    code, out = gate(capsys, "--model", str(tiny_model_dir), "--report", "missing/folder/v.json")
    assert code == 2, out
    assert "the folder" in out and "does not exist" in out
    assert recorded == []


def test_the_printed_record_command_selects_the_suite_by_its_real_test_name(
        pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, capsys, tiny_model_dir: Path) -> None:
    """suite_test names its function after the suite, but the module may bind it to another name:
    -k must select what the module bound (the built-in grammar/minimal-pairs is test_minimal_pairs)."""
    make_project(pytester, SUITE_FILE.replace('Suite("grammar"', 'Suite("grammar/pairs"').replace(
        "test_grammar = suite_test(grammar)", "test_pairs = suite_test(grammar)"))
    healthy_engine(monkeypatch)
    code, out = gate(capsys, "--model", str(tiny_model_dir))
    hint = f"capcheck record --model {tiny_model_dir} --suites test_suites.py -k test_pairs"
    assert code == 2 and hint in one_line(out), out
    code, out = gate(capsys, *hint.split()[2:], record=True)
    assert code == 0, out
    assert (pytester.path / "baselines" / tiny_model_dir.name.lower() / "grammar--pairs.json").is_file()
    assert not (pytester.path / "baselines" / tiny_model_dir.name.lower() / "arith.json").exists()  # only that one


def _truncate(path: Path) -> list[str]:
    path.write_text(path.read_text()[:100])
    return []


def _make_stale(path: Path) -> list[str]:
    data = read_json(path)
    data["suite"]["fingerprint"] = "0123456789abcdef"
    path.write_text(json.dumps(data))
    return []


def _bad_option(path: Path) -> list[str]:
    return ["--engine-arg", "max_model_len=lots"]


@pytest.mark.parametrize("spoil, message", [
    (_truncate, "is not valid JSON"),
    (_make_stale, "was recorded for another version of the suite (fingerprint 0123456789abcdef"),
    (_bad_option, "vllm engine option max_model_len='lots': expected int"),
])
def test_bad_input_fails_before_the_engine_is_built(recorded: list, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
                                                    capsys, tiny_model_dir: Path, spoil, message: str) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("an engine was built")

    monkeypatch.setattr("capcheck.session.load_engine", refuse)
    extra = spoil(pytester.path / "baselines" / tiny_model_dir.name.lower() / "grammar.json")
    code, out = gate(capsys, "--model", str(tiny_model_dir), *extra)
    assert code == 2 and message in one_line(out), out
    assert "an engine was built" not in out and "Traceback" not in out

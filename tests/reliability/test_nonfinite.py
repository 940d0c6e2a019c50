"""Non-finite numbers (NaN, Infinity, overflowing values) never reach a verdict as a pass.

A NaN compares false with everything, so `worse > tolerance` is false and a gate that
lets one through passes whatever the model did. Each test plants one such number where
it can enter a verdict: a baseline file, a noise floor, an engine's output.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from _project import SUITE_FILE, gate, healthy_engine, make_project, one_line, read_json, snapshot

SUITE_WITH_PASSAGES = SUITE_FILE + '''
from capcheck import PassageCase
fluency = Suite("fluency", tuple(PassageCase(id=f"text/{i:02d}", text=f"passage {i} reads well") for i in range(8)),
                metric="mean_loss", direction="lower", tolerance=0.05)
test_fluency = suite_test(fluency)
'''


def _engine(monkeypatch: pytest.MonkeyPatch, passage_logprob: dict[str, float] | None = None,
            right: bool = True) -> None:
    """A scripted engine: the suites answered right (or every choice wrong), chosen passages scored as given."""
    from capcheck.engines.scripted import ScriptedEngine

    special = passage_logprob or {}

    def reply(prompt: Any) -> str:
        return f"It is {int(prompt[-1].content.split()[0]) + 1}."

    def score(context: Any, text: str) -> float:
        if text in special:
            return special[text]
        return (-1.0 if text.startswith("good") else -2.0) * (1 if right else -1)

    monkeypatch.setattr("capcheck.session.load_engine",
                        lambda name, checkpoint, config: ScriptedEngine(reply=reply, score=score))


def _record(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
            model: Path, suite_file: str = SUITE_FILE) -> Path:
    make_project(pytester, suite_file)
    healthy_engine(monkeypatch)
    code, out = gate(capsys, "--model", str(model), record=True)
    assert code == 0, out
    return pytester.path / "baselines" / model.name.lower()


def _set_score(path: Path, index: int, raw: str) -> None:
    """Write a case's score as a raw JSON token (json.dumps cannot write 1e400, and writes NaN only as NaN)."""
    data = read_json(path)
    data["cases"][index]["score"] = "@@RAW@@"
    path.write_text(json.dumps(data, indent=2).replace('"@@RAW@@"', raw))


@pytest.mark.parametrize("raw", ["NaN", "Infinity", "-Infinity", "1e400", "1e308", "-0.5"])
def test_a_baseline_score_that_is_not_a_sane_number_is_refused_naming_the_case(
    raw: str, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str], tiny_model_dir: Path,
) -> None:
    # Before: NaN gave delta +nan, "pass", exit 0; Infinity and 1e308 a traceback out of capcheck/stats.py.
    folder = _record(pytester, monkeypatch, capsys, tiny_model_dir)
    _set_score(folder / "grammar.json", 3, raw)
    before = snapshot(pytester.path)
    code, out = gate(capsys, "--model", str(tiny_model_dir))
    text = one_line(out)
    assert code == 2, out
    assert "Traceback" not in out and "stats.py" not in out
    assert "grammar.json" in text and "case 'agreement/003'" in text, out
    assert "re-record it" in text.lower() and "--model" in text, out  # the command that fixes it
    assert snapshot(pytester.path) == before  # the bad file is reported, never rewritten


def test_a_noise_floor_with_nan_is_refused(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tiny_model_dir: Path,
) -> None:
    folder = _record(pytester, monkeypatch, capsys, tiny_model_dir)
    _write_noise_floor(folder, "NaN")
    code, out = gate(capsys, "--model", str(tiny_model_dir))
    text = one_line(out)
    assert code == 2, out
    assert "noise-floor.json" in text and "grammar" in text and "drift" in text and "NaN" in text, out
    assert "capcheck calibrate" in text, out


def test_an_infinite_noise_floor_never_hides_a_regression(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tiny_model_dir: Path,
) -> None:
    # Before: drift 1e400 (read as inf) covered every worsening, so losing all of grammar passed with exit 0.
    folder = _record(pytester, monkeypatch, capsys, tiny_model_dir)
    _write_noise_floor(folder, "1e400")
    _engine(monkeypatch, right=False)
    code, out = gate(capsys, "--model", str(tiny_model_dir))
    text = one_line(out)
    assert code == 2, out
    assert "noise-floor.json" in text and "'grammar'" in text and "drift" in text, out


def test_a_nan_passage_loss_from_the_engine_is_an_error_not_a_pass(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tiny_model_dir: Path,
) -> None:
    # Before: the NaN loss made the suite's delta nan, and nan > tolerance is false: "pass", exit 0.
    _record(pytester, monkeypatch, capsys, tiny_model_dir, SUITE_WITH_PASSAGES)
    _engine(monkeypatch, {"passage 3 reads well": float("nan"), "passage 5 reads well": float("-inf")})
    code, out = gate(capsys, "--model", str(tiny_model_dir))
    text = one_line(out)
    assert code == 2, out
    assert "suite fluency: ERROR" in text, out
    assert "'text/03' (nan)" in text and "'text/05' (inf)" in text, out
    assert "--dtype bfloat16" in text, out  # the likely cause: a float16 overflow
    assert "grammar" in text and "arith" in text and "2 passed" in text, out  # the other suites are judged as usual


def test_a_nan_option_log_probability_is_an_error_not_a_lucky_answer(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tiny_model_dir: Path,
) -> None:
    # Before: max() over [nan, -2.0] keeps the first option, the right one here: a NaN scored as correct.
    _record(pytester, monkeypatch, capsys, tiny_model_dir)
    _engine(monkeypatch, {"good 3": float("nan")})
    code, out = gate(capsys, "--model", str(tiny_model_dir))
    text = one_line(out)
    assert code == 2, out
    assert "suite grammar: ERROR" in text and "'agreement/003' (nan)" in text, out


def test_recording_a_nan_passage_loss_writes_no_baseline(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tiny_model_dir: Path,
) -> None:
    # Before: the NaN was written into fluency.json as a bare NaN token, and the recording "passed".
    make_project(pytester, SUITE_WITH_PASSAGES)
    _engine(monkeypatch, {"passage 3 reads well": float("nan")})
    code, out = gate(capsys, "--model", str(tiny_model_dir), record=True)
    text = one_line(out)
    assert code == 2, out
    assert "'text/03' (nan)" in text and "--dtype bfloat16" in text, out
    assert not (pytester.path / "baselines" / tiny_model_dir.name.lower() / "fluency.json").exists()


def test_a_nan_suite_tolerance_is_refused_where_the_suite_is_built(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tiny_model_dir: Path,
) -> None:
    # Before: `worse > nan` is false, so losing every grammar case passed with exit 0. A suite's own
    # tolerance= is now refused at collection, naming the suite file and line; judge() refuses it
    # too when called directly (tests/unit/test_verdict_property.py).
    suite_file = SUITE_FILE.replace('answer=0) for i in range(20)))', 'answer=0) for i in range(20)), '
                                    'tolerance=float("nan"))')
    assert suite_file != SUITE_FILE
    make_project(pytester, suite_file)
    engines = healthy_engine(monkeypatch)
    code, out = gate(capsys, "--model", str(tiny_model_dir), record=True)
    assert code == 2, out
    assert "test_suites.py:4: suite 'grammar': tolerance=nan must be a finite number >= 0" in one_line(out), out
    assert engines == [] and not (pytester.path / "baselines").exists()


def _write_noise_floor(folder: Path, drift: str) -> None:
    fingerprint = read_json(folder / "grammar.json")["suite"]["fingerprint"]
    data = {"schema_version": 1, "capcheck_version": "0", "measured_at": "2024-01-01T00:00:00Z",
            "model": {"id": "m"}, "engine": {"name": "scripted"},
            "suites": {"grammar": {"n": 20, "changed": 0, "worsened": 0, "drift": "@@RAW@@",
                                   "suite_fingerprint": fingerprint}}}
    (folder / "noise-floor.json").write_text(json.dumps(data).replace('"@@RAW@@"', drift))

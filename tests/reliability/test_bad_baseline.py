"""Damaged or mismatched baseline files: a clear message naming the file and the fix, exit code 2,
and the damaged file itself left exactly as it was (never rewritten or 'repaired')."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import pytest
from _project import gate, healthy_engine, make_project, one_line, read_json, snapshot


def _not_json(path: Path) -> None:
    path.write_text("this is not JSON {")


def _wrong_version(path: Path) -> None:
    data = read_json(path)
    data["schema_version"] = 99
    path.write_text(json.dumps(data))


def _schema_invalid(path: Path) -> None:
    data = read_json(path)
    data["cases"][0]["score"] = "high"
    del data["engine"]
    path.write_text(json.dumps(data))


def _truncated(path: Path) -> None:
    text = path.read_text()
    path.write_text(text[: len(text) // 2])


def _other_suite(path: Path) -> None:
    path.write_text((path.parent / "arith.json").read_text())


def _stale(path: Path) -> None:
    data = read_json(path)
    data["suite"]["fingerprint"] = "0123456789abcdef"
    path.write_text(json.dumps(data))


def _missing_cases(path: Path) -> None:
    data = read_json(path)
    data["cases"] = data["cases"][:-3]
    path.write_text(json.dumps(data))


def _duplicate_cases(path: Path) -> None:
    data = read_json(path)
    data["cases"][1] = dict(data["cases"][0])
    path.write_text(json.dumps(data))


DAMAGE: dict[str, tuple[Callable[[Path], None], list[str]]] = {
    "not-json": (_not_json, ["grammar.json is not valid JSON (Expecting value, line 1); the file may be truncated",
                             "Restore it from version control or re-record it with:"]),
    "wrong-schema-version": (_wrong_version, ["has schema version 99; this capcheck reads version 1. Re-record it with:"]),
    "schema-invalid": (_schema_invalid, ["does not match the baseline schema:", "at (top): 'engine' is a required property",
                                         "at cases/0/score: 'high' is not of type 'number'"]),
    "truncated": (_truncated, ["is not valid JSON", "the file may be truncated"]),
    "other-suite": (_other_suite, ["grammar.json belongs to suite 'arith', not 'grammar'. Move it back or re-record"]),
    "stale-fingerprint": (_stale, ["the baseline", "was recorded for another version of the suite "
                                   "(fingerprint 0123456789abcdef, now"]),
    "missing-cases": (_missing_cases, ["grammar.json is missing 3 of the suite's 20 cases ('agreement/017', "
                                       "'agreement/018', 'agreement/019'), although it was recorded for this version "
                                       "of the suite"]),
    "duplicate-cases": (_duplicate_cases, ["lists case(s) 'agreement/000' more than once"]),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_baseline_is_reported_and_left_alone(
    damage: str, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str], tiny_model_dir: Path,
) -> None:
    make_project(pytester)
    engines = healthy_engine(monkeypatch)
    code, out = gate(capsys, "--model", str(tiny_model_dir), record=True)
    assert code == 0, out
    path = pytester.path / "baselines" / tiny_model_dir.name.lower() / "grammar.json"
    damage_fn, expected = DAMAGE[damage]
    damage_fn(path)
    before = snapshot(pytester.path)
    engines.clear()
    code, out = gate(capsys, "--model", str(tiny_model_dir))
    assert code == 2, out
    text = one_line(out)
    for phrase in expected:
        assert phrase in text, (phrase, out)
    # The command that fixes it, runnable as printed: this project's suite file, this model.
    assert f"capcheck record --model {tiny_model_dir} --suites test_suites.py -k test_grammar" in text
    assert "baselines are not usable for 1 of 2 suites (nothing was run)" in text
    assert engines == []  # found before any model loaded
    assert snapshot(pytester.path) == before

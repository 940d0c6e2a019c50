"""Bad suite data: file and line in the message, exit code 2, nothing written; a check that raises
on one output fails only that case, with the error recorded."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from _project import gate, healthy_engine, make_project, one_line, read_json, snapshot

GOOD = {"kind": "choice", "id": "a/001", "options": ["good a", "bad a"], "answer": 0}
SUITE_FROM_JSONL = '''
from pathlib import Path
from capcheck import Suite, suite_test
data = Suite.from_jsonl("data", Path(__file__).parent / "cases.jsonl")
test_data = suite_test(data)
'''


def _refused(pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str], lines: list[str], tiny: Path) -> str:
    make_project(pytester, SUITE_FROM_JSONL)
    (pytester.path / "cases.jsonl").write_text("\n".join(lines) + "\n")
    before = snapshot(pytester.path)
    code, out = gate(capsys, "--model", str(tiny))
    assert code == 2, out
    assert snapshot(pytester.path) == before
    assert not (pytester.path / "baselines").exists()
    return one_line(out)


def test_line_that_is_not_json(pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str], tiny_model_dir: Path) -> None:
    out = _refused(pytester, capsys, [json.dumps(GOOD), "", '{"kind": "choice", "id": ', json.dumps(GOOD)], tiny_model_dir)
    assert "cases.jsonl:3: not valid JSON (Expecting value at column 26). Fix or remove the line." in out


def test_line_that_fails_the_schema(pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str], tiny_model_dir: Path) -> None:
    bad = dict(GOOD, id="a/002", answer="first")
    del bad["options"]
    out = _refused(pytester, capsys, [json.dumps(GOOD), json.dumps(bad)], tiny_model_dir)
    assert "cases.jsonl:2: the case does not match the suite case schema:" in out
    assert "'options' is a required property" in out and "at answer: 'first' is not of type 'integer'" in out


def test_duplicate_case_ids(pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str], tiny_model_dir: Path) -> None:
    out = _refused(pytester, capsys, [json.dumps(GOOD), json.dumps(dict(GOOD, options=["x", "y"]))], tiny_model_dir)
    assert "suite 'data': case id 'a/001' appears twice. Case ids must be unique and stable; rename one of them." in out


RAISING_CHECK_SUITE = '''
from capcheck import CompletionCase, CheckSpec, Suite, suite_test, user
from capcheck.checks import register

@register("picky_number")
def picky_number(output, value):
    if "7" in output:
        raise ValueError("cannot read a seven")
    return str(value) in output

arith = Suite("arith", tuple(
    CompletionCase(id=f"add/{i:03d}", prompt=user(f"{i} plus one?"), checks=(CheckSpec.make("picky_number", value=i + 1),))
    for i in range(10)))
test_arith = suite_test(arith)
'''


def test_check_that_raises_fails_only_its_case(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tiny_model_dir: Path,
) -> None:
    make_project(pytester, RAISING_CHECK_SUITE)
    healthy_engine(monkeypatch)
    code, out = gate(capsys, "--model", str(tiny_model_dir), record=True)
    assert code == 0, out  # the run went on and recorded the suite
    cases = {c["id"]: c for c in read_json(pytester.path / "baselines" / tiny_model_dir.name.lower() / "arith.json")["cases"]}
    assert cases["add/006"]["score"] == 0.0  # "It is 7." made the check raise
    assert cases["add/006"]["details"]["checks"][0]["error"] == "ValueError: cannot read a seven"
    assert sum(c["score"] for c in cases.values()) == 9.0  # every other case was checked and passed

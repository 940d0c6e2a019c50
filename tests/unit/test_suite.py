"""Suites: loading, validation errors with file and line, fingerprints, quick subsets."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from capcheck.cases import ChoiceCase, case_from_dict, case_to_dict
from capcheck.errors import SuiteDataError
from capcheck.suite import Suite, load_cases


def choice(i: int, category: str = "a") -> ChoiceCase:
    return ChoiceCase(id=f"{category}/c-{i:03d}", options=(f"good {i}", f"bad {i}"), answer=0, category=category)


def write_jsonl(path: Path, rows: list) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


CASES = [
    {"id": "c/1", "kind": "choice", "options": ["a", "b"], "answer": 1, "category": "x"},
    {"id": "g/1", "kind": "completion", "prompt": [{"role": "user", "content": "hi"}],
     "check": {"name": "exact", "args": {"value": "hello"}}, "expected": "hello", "max_tokens": 8},
    {"id": "m/1", "kind": "conversation", "system": "Be brief.", "turns": [
        {"user": "I am Ann."},
        {"user": "Name?", "check": [{"name": "contains", "args": {"value": "Ann"}}], "recall": {"options": ["Ann", "Bo"], "answer": 0}}]},
]


def test_cases_round_trip_through_json(tmp_path: Path) -> None:
    cases = load_cases(write_jsonl(tmp_path / "s.jsonl", CASES))
    for case in cases:
        assert case_from_dict(json.loads(json.dumps(case_to_dict(case)))) == case


def test_invalid_json_line_names_file_and_line(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "s.jsonl", [CASES[0], "{not json"])
    with pytest.raises(SuiteDataError, match=r"s\.jsonl:2: not valid JSON"):
        load_cases(path)


def test_schema_violation_names_line_and_field(tmp_path: Path) -> None:
    bad = dict(CASES[0], options=["only one"])
    path = write_jsonl(tmp_path / "s.jsonl", [CASES[0], CASES[1], bad])
    with pytest.raises(SuiteDataError, match=r"(?s)s\.jsonl:3:.*at options"):
        load_cases(path)


def test_unknown_field_is_rejected(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "s.jsonl", [dict(CASES[0], answr=1)])
    with pytest.raises(SuiteDataError, match="answr"):
        load_cases(path)


def test_duplicate_ids_are_refused() -> None:
    with pytest.raises(SuiteDataError, match="appears twice"):
        Suite("s", (choice(1), choice(1)))


def test_answer_out_of_range_is_refused() -> None:
    with pytest.raises(SuiteDataError, match="outside its 2 options"):
        Suite("s", (ChoiceCase(id="x", options=("a", "b"), answer=2),))


def test_fingerprint_changes_with_any_case_and_with_decoding() -> None:
    from capcheck.requests import Decoding

    base = Suite("s", tuple(choice(i) for i in range(5)))
    assert base.fingerprint == Suite("s", tuple(choice(i) for i in range(5))).fingerprint
    changed = list(base.cases)
    changed[2] = ChoiceCase(id=changed[2].id, options=("good 2", "worse 2"), answer=0, category="a")
    assert Suite("s", tuple(changed)).fingerprint != base.fingerprint
    assert Suite("s", base.cases, decoding=Decoding(max_tokens=5)).fingerprint != base.fingerprint


def test_quick_subset_is_fixed_and_stratified() -> None:
    cases = tuple(choice(i, "a") for i in range(100)) + tuple(choice(i, "b") for i in range(20))
    suite = Suite("s", cases, quick_size=20)
    quick = suite.quick()
    assert len(quick.cases) == 20
    assert {c.category for c in quick.cases} == {"a", "b"}
    assert [c.id for c in quick.cases] == [c.id for c in suite.quick().cases]


def test_passages_cannot_mix_with_scored_cases() -> None:
    from capcheck.cases import PassageCase

    with pytest.raises(SuiteDataError, match="mixes passages"):
        Suite("s", (choice(1), PassageCase(id="p", text="Some text.")))


def test_quick_subset_terminates_with_many_small_categories() -> None:
    cases = tuple(choice(i, f"k{i % 11}") for i in range(165))
    quick = Suite("s", cases, quick_size=60).quick()
    assert len(quick.cases) == 60
    assert len({c.category for c in quick.cases}) == 11


@pytest.mark.parametrize("tolerance", [float("nan"), float("inf"), -0.01])
def test_a_tolerance_that_is_not_a_finite_non_negative_number_is_refused_where_the_suite_is_built(tolerance) -> None:
    from capcheck import ChoiceCase, Suite
    from capcheck.errors import SuiteDataError

    with pytest.raises(SuiteDataError, match=r"test_suite\.py:\d+: suite 'odd': tolerance=.* must be a finite number >= 0"):
        Suite("odd", (ChoiceCase(id="a", options=("x", "y"), answer=0),), tolerance=tolerance)

"""The general checks: each passes on a right answer and fails on wrong, empty and absurd output."""
from __future__ import annotations

import pytest

from capcheck.checks import run_check
from capcheck.checks.basic import final_number


@pytest.mark.parametrize(
    ("text", "value"),
    [("The answer is 42.", 42), ("3 + 4 = 7", 7), ("So he has 1,200 apples left", 1200), ("-3.5", -3.5), ("12 then 15", 15)],
)
def test_final_number_reads_the_answer(text: str, value: float) -> None:
    assert final_number(text) == value


@pytest.mark.parametrize(
    ("name", "output", "args", "expected"),
    [
        ("number", "The answer is 7.", {"value": 7}, 1.0),
        ("number", "The answer is 8.", {"value": 7}, 0.0),
        ("number", "", {"value": 7}, 0.0),
        ("exact", "  Paris. ", {"value": "paris"}, 1.0),
        ("exact", "Paris is the capital", {"value": "paris"}, 0.0),
        ("contains", "My name is Clara.", {"value": "Clara"}, 1.0),
        ("contains", "My name is Clarabelle.", {"value": "Clara"}, 0.0),
        ("not_contains", "Hello there", {"value": ["bye"]}, 1.0),
        ("not_contains", "ok, bye", {"value": ["bye"]}, 0.0),
        ("label", "yes", {"value": "yes", "options": ["yes", "no"]}, 1.0),
        ("label", "yes or no", {"value": "yes", "options": ["yes", "no"]}, 0.0),
        ("label", "", {"value": "yes", "options": ["yes", "no"]}, 0.0),
        ("regex", "ID: 1234", {"pattern": r"\d{4}"}, 1.0),
        ("regex", "ID: 12", {"pattern": r"\d{4}"}, 0.0),
    ],
)
def test_basic_checks(name: str, output: str, args: dict, expected: float) -> None:
    score, info = run_check(name, output, args)
    assert score == expected, info


@pytest.mark.parametrize(
    "absurd",
    ["9" * 500, "x" * 10_000_000, "\x00\x01\x02 answer \x1b[31m", b"\xff\xfe bad utf8".decode("utf-8", "replace")],
)
def test_absurd_output_scores_without_crashing(absurd: str) -> None:
    for name, args in [("number", {"value": 7}), ("exact", {"value": "a"}), ("contains", {"value": "x"})]:
        score, _ = run_check(name, absurd, args)
        assert 0.0 <= score <= 1.0


def test_a_check_that_raises_scores_zero_with_the_error_recorded() -> None:
    score, info = run_check("number", "7", {"wrong_arg": 1})
    assert score == 0.0
    assert "wrong_arg" in info["error"]


def test_unknown_check_names_the_known_ones() -> None:
    score, info = run_check("no-such-check", "x", {})
    assert score == 0.0
    assert "known checks" in info["error"]


TOKYO = {"accept": ["Tokyo"], "reject": ["Kyoto", "Osaka", "Yokohama"]}


@pytest.mark.parametrize("output, expected", [
    ("Tokyo", 1.0),
    ("The capital of Japan is Tokyo.", 1.0),
    ("tokyo", 1.0),
    ("Tokyo. It has many trains or buses.", 1.0),  # an 'or' after the committed answer is no hedge
    ("Tokyo or Kyoto", 0.0),  # names a distractor
    ("Tokyo, or perhaps somewhere else", 0.0),
    ("Maybe Tokyo.", 0.0),
    ("I'm not sure, but Tokyo.", 0.0),
    ("Tokyoite", 0.0),  # a whole word only
    ("Kyoto", 0.0),
    ("", 0.0),
    ("Tokyo Tokyo Tokyo Tokyo Tokyo Tokyo Tokyo Tokyo Tokyo Tokyo Tokyo Tokyo Tokyo", 0.0),  # a loop
])
def test_fact_credits_one_committed_right_answer(output: str, expected: float) -> None:
    assert run_check("fact", output, TOKYO)[0] == expected


@pytest.mark.parametrize("output, expected", [
    ("1760", 1.0), ("There are 1,760 yards in a mile.", 1.0), ("17600", 0.0), ("1760 or 1700", 0.0), ("1700", 0.0),
])
def test_fact_reads_numbers_by_value(output: str, expected: float) -> None:
    assert run_check("fact", output, {"accept": ["1760"], "reject": ["1700", "1670", "1600"]})[0] == expected

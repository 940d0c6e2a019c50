"""The reasoning suite's data: valid, balanced, and answered right (generation: test_data_files.py).

Also the checks it relies on (single_number, single_label): a reply that hedges
between answers, or an empty or degenerate one, gets no credit.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from capcheck.cases import ChoiceCase, CompletionCase, prompt_text
from capcheck.checks import run_check
from capcheck.checks.basic import single_label, single_number
from capcheck.suite import Suite, load_cases

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "suites" / "data" / "reasoning.jsonl"
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
CATEGORIES = {"arithmetic-1step", "arithmetic-2step", "comparison", "ordering", "date-time", "logic", "sequence"}


@pytest.fixture(scope="module")
def cases() -> list:
    return load_cases(DATA)


# ---------------------------------------------------------------- the data file



def test_every_line_loads_and_ids_are_unique(cases: list) -> None:
    assert len(cases) >= 500
    ids = [c.id for c in cases]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[a-z0-9-]+/[a-z0-9-]+-\d{4}", i) for i in ids)
    Suite("reasoning", tuple(cases))  # the suite's own validation (answer indices, duplicates)


def test_categories_each_half_completion_half_choice(cases: list) -> None:
    kinds = Counter((c.category, type(c).__name__) for c in cases)
    assert {category for category, _ in kinds} == CATEGORIES
    for category in CATEGORIES:
        assert kinds[(category, "CompletionCase")] == kinds[(category, "ChoiceCase")] >= 30


@pytest.mark.parametrize("size", [60, 70, 80])
def test_quick_subsets_mix_both_kinds(cases: list, size: int) -> None:
    quick = Suite("reasoning", tuple(cases), quick_size=size).quick()
    kinds = Counter(type(c).__name__ for c in quick.cases)
    assert min(kinds["CompletionCase"], kinds["ChoiceCase"]) >= 0.35 * len(quick.cases)


def test_questions_are_not_repeated(cases: list) -> None:
    questions = [prompt_text(c.prompt if isinstance(c, CompletionCase) else c.context) for c in cases]
    assert len(set(questions)) == len(questions)


def test_prompts_ask_for_a_short_answer_and_generation_is_short(cases: list) -> None:
    for case in cases:
        prompt = case.prompt if isinstance(case, CompletionCase) else case.context
        assert "Answer with just" in prompt_text(prompt)
        if isinstance(case, CompletionCase):
            assert case.max_tokens is not None and case.max_tokens <= 48


def test_choice_answers_sit_at_every_position(cases: list) -> None:
    choices = [c for c in cases if isinstance(c, ChoiceCase)]
    positions = Counter(c.answer for c in choices)
    assert {0, 1, 2} <= set(positions)
    assert max(positions.values()) < 0.5 * len(choices)
    for case in choices:
        assert len(set(case.options)) == len(case.options)


def test_number_distractors_are_not_copied_from_the_question(cases: list) -> None:
    """A small model prefers numbers it has just read; a distractor from the question would push it below chance."""
    for case in cases:
        if isinstance(case, ChoiceCase) and case.category in ("arithmetic-1step", "arithmetic-2step", "sequence"):
            shown = set(re.findall(r"\d+", prompt_text(case.context)))
            wrong = [o for i, o in enumerate(case.options) if i != case.answer]
            assert not shown & set(wrong), case.id


# ---------------------------------------------------------------- the answers are right


def _answer(case) -> str:
    return case.options[case.answer] if isinstance(case, ChoiceCase) else case.expected


def _question(case) -> str:
    return prompt_text(case.prompt if isinstance(case, CompletionCase) else case.context)


def _next_term(terms: list[int]) -> int:
    steps = [b - a for a, b in zip(terms, terms[1:])]
    if len(set(steps)) == 1:
        return terms[-1] + steps[0]
    if all(b == 2 * a for a, b in zip(terms, terms[1:])):
        return terms[-1] * 2
    assert all(b - a == 1 for a, b in zip(steps, steps[1:])), terms
    return terms[-1] + steps[-1] + 1


def test_answers_recomputed_from_the_question_text(cases: list) -> None:
    """Re-derive answers the text states plainly, independently of the generator's code."""
    checked = Counter()
    for case in cases:
        question, answer = _question(case), _answer(case)
        if m := re.match(r"What is ([\d +-]+)\?", question):
            assert int(answer) == eval(m.group(1)), case.id  # digits, spaces, + and - only
        elif m := re.match(r"What number comes next in this pattern: ([\d, ]+), \.\.\.\?", question):
            assert int(answer) == _next_term([int(t) for t in m.group(1).split(", ")]), case.id
        elif m := re.match(r"Today is (\w+)\. What day of the week (?:will it be in (\d) days|is (tomorrow)|was (yesterday))", question):
            shift = int(m.group(2)) if m.group(2) else (1 if m.group(3) else -1)
            assert answer == DAYS[(DAYS.index(m.group(1)) + shift) % 7], case.id
        elif m := re.match(r"(?:It is|A trip starts at) (\d+) o'clock.*?(\d) hours?", question):
            assert int(answer) == (int(m.group(1)) + int(m.group(2)) - 1) % 12 + 1, case.id
        elif m := re.match(r"Which number is (bigger|smaller): (\d+) or (\d+)\?", question):
            pick = max if m.group(1) == "bigger" else min
            assert int(answer) == pick(int(m.group(2)), int(m.group(3))), case.id
        elif m := re.match(r"(\w+) is (\d+) (?:cm tall|years old)\. (\w+) is (\d+) (?:cm tall|years old)\. Who is (\w+)\?", question):
            a, x, b, y, ask = m.groups()
            bigger_first = int(x) > int(y)
            wants_bigger = ask in ("taller", "older")
            assert answer == (a if bigger_first == wants_bigger else b), case.id
        else:
            continue
        checked[case.category] += 1
    assert sum(checked.values()) > 200


def test_yes_no_answers_are_balanced(cases: list) -> None:
    answers = Counter(_answer(c).lower() for c in cases if c.category == "logic")
    assert set(answers) == {"yes", "no"}
    assert abs(answers["yes"] - answers["no"]) <= 0.2 * sum(answers.values())


def test_every_completion_credits_its_expected_answer_and_nothing_hedged(cases: list) -> None:
    for case in cases:
        if not isinstance(case, CompletionCase):
            continue
        (check,) = case.checks
        assert check.name in ("single_number", "single_label")
        args = check.kwargs
        expected = case.expected
        wrong = next(o for o in args["options"] if o != expected) if check.name == "single_label" else str(int(expected) + 1)
        assert run_check(check.name, expected, args)[0] == 1.0, case.id
        assert run_check(check.name, f"The answer is {expected}.", args)[0] == 1.0, case.id
        for bad in ("", "   ", wrong, f"{wrong} or {expected}", f"{expected} or {wrong}", f"{wrong}, {expected}"):
            assert run_check(check.name, bad, args)[0] == 0.0, (case.id, bad)


# ---------------------------------------------------------------- the checks


@pytest.mark.parametrize("reply", [
    "12", "12.", "The answer is 12.", "Answer: 12", "5 + 7 = 12", "Tom has 5 + 7 = 12 apples.",
    "12 apples", "There are 3 * 4 = 12 cards in total.",
    "9 + 3 = 12 balloons\nGrace has 12 balloons.\n#### 12\nThe answer is",  # cut off after the marker
])
def test_single_number_passes(reply: str) -> None:
    assert single_number(reply, 12)


@pytest.mark.parametrize("reply", [
    "", "   ", "twelve", "13", "7 or 12", "12 or 13", "10, 11, 12", "The answer is 11 or 12.",
    "5 + 7 = 13", "The answer is 13. Tom had 12.", "Tom has 5 apples and 7 more, 12 in all",
    "12, 13, 14, 15, 16, 17,",
])
def test_single_number_fails(reply: str) -> None:
    assert not single_number(reply, 12)


@pytest.mark.parametrize("reply", [
    "yes", "Yes.", "YES", "Yes, Tam is red.", "**Yes**", "The answer is yes.", "yes yes",
])
def test_single_label_passes_yes(reply: str) -> None:
    assert single_label(reply, "yes", ["yes", "no"])


@pytest.mark.parametrize("reply", [
    "", "  ", "no", "No, Tam is not red.", "yes or no", "Yes/No", "Yes. No.", "yes, no", "Yes or no?",
    "I don't know", "yesterday",  # whole words only
])
def test_single_label_fails_yes(reply: str) -> None:
    assert not single_label(reply, "yes", ["yes", "no"])


@pytest.mark.parametrize(("reply", "ok"), [
    ("Anna", True), ("Anna.", True), ("Anna is taller than Ben.", True), ("The taller one is Anna.", True),
    ("Anna or Ben", False), ("Anna and Ben", False), ("Anna, Ben", False), ("Anna vs. Ben", False),
    ("Ben is shorter than Anna.", False),  # opens with the other name: no credit (the prompt asks for a name)
    ("Ben", False), ("Carl", False), ("", False),
])
def test_single_label_with_names(reply: str, ok: bool) -> None:
    assert single_label(reply, "Anna", ["Anna", "Ben", "Carl"]) is ok


def test_single_label_with_days() -> None:
    assert single_label("Thursday", "Thursday", DAYS)
    assert single_label("It will be Thursday.", "Thursday", DAYS)
    assert not single_label("Monday, Tuesday, Wednesday, Thursday", "Thursday", DAYS)
    assert not single_label("Today is Monday, so Thursday", "Thursday", DAYS)

"""The knowledge suite's data: sized, balanced, stable and answerable by a whole-word check
(generation: test_data_files.py).

Also the check it relies on (`fact`) against the data itself: every completion credits its
expected answer, and a reply naming a distractor, or hedging between two, earns nothing.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from capcheck.cases import ChoiceCase, CompletionCase, prompt_text
from capcheck.checks import run_check
from capcheck.suite import Suite, load_cases

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "suites" / "data" / "knowledge.jsonl"
DOMAINS = {"geography", "science", "history", "everyday", "units", "literature-language", "how-things-work"}
TIERS = {"common", "school", "specialist"}
YEAR_DEPENDENT = re.compile(
    r"\b(?:current|currently|today|now|latest|newest|recent|population|president|prime minister|record)\b", re.IGNORECASE
)
NUMBER = re.compile(r"(?<![\w.])-?\d{1,15}(?:,\d{3})*(?:\.\d+)?(?!\w)")


@pytest.fixture(scope="module")
def cases() -> list:
    return load_cases(DATA)


def _question(case) -> str:
    return prompt_text(case.prompt if isinstance(case, CompletionCase) else case.context)


def _accepted_and_rejected(case) -> tuple[list[str], list[str]]:
    if isinstance(case, ChoiceCase):
        return [case.options[case.answer]], [o for i, o in enumerate(case.options) if i != case.answer]
    (check,) = case.checks
    return list(check.kwargs["accept"]), list(check.kwargs["reject"])


def _names(text: str, value: str) -> bool:
    """`text` names `value` as a whole word or phrase, ignoring case; numbers by value ('1,760' is 1760)."""
    if re.fullmatch(r"-?\d[\d,]*(?:\.\d+)?", value):
        return float(value.replace(",", "")) in [float(n.replace(",", "")) for n in NUMBER.findall(text)]
    return re.search(rf"(?<!\w){re.escape(value)}(?!\w)", text, re.IGNORECASE) is not None


# ---------------------------------------------------------------- size and balance


def test_every_line_loads_and_the_suite_builds(cases: list) -> None:
    assert len(cases) == 504
    ids = [c.id for c in cases]
    assert len(set(ids)) == len(ids)
    Suite("knowledge", tuple(cases))  # the suite's own validation: answer indices, the `fact` check's arguments


def test_ids_name_domain_and_tier(cases: list) -> None:
    for case in cases:
        assert re.fullmatch(r"[a-z0-9_-]+/[a-z0-9_.-]+", case.id), case.id
        assert case.id.startswith(f"{case.category}/{case.tier}-"), case.id


def test_24_facts_per_domain_and_tier_half_choice_half_completion(cases: list) -> None:
    assert {c.category for c in cases} == DOMAINS
    assert {c.tier for c in cases} == TIERS
    kinds = Counter((c.category, c.tier, type(c).__name__) for c in cases)
    for domain in DOMAINS:
        for tier in TIERS:
            assert kinds[(domain, tier, "ChoiceCase")] == 12, (domain, tier)
            assert kinds[(domain, tier, "CompletionCase")] == 12, (domain, tier)
    assert sum(kinds.values()) == len(DOMAINS) * len(TIERS) * 24


@pytest.mark.parametrize("size", [60, 84])
def test_quick_subsets_mix_kinds_and_tiers(cases: list, size: int) -> None:
    quick = Suite("knowledge", tuple(cases), quick_size=size).quick()
    kinds = Counter(type(c).__name__ for c in quick.cases)
    assert min(kinds["CompletionCase"], kinds["ChoiceCase"]) >= 0.35 * len(quick.cases)
    assert {c.tier for c in quick.cases} == TIERS


def test_choices_have_four_distinct_options_and_a_valid_answer(cases: list) -> None:
    for case in cases:
        if isinstance(case, ChoiceCase):
            assert len(case.options) == 4, case.id
            assert len({o.strip().lower() for o in case.options}) == 4, case.id
            assert 0 <= case.answer < 4, case.id


def test_choice_answer_positions_are_balanced_in_every_domain(cases: list) -> None:
    for domain in DOMAINS:
        choices = [c for c in cases if isinstance(c, ChoiceCase) and c.category == domain]
        positions = Counter(c.answer for c in choices)
        for position in range(4):
            assert 0.20 <= positions[position] / len(choices) <= 0.30, (domain, positions)


# ---------------------------------------------------------------- answers a whole-word check can judge


def test_no_distractor_equals_contains_or_is_contained_in_an_accepted_answer(cases: list) -> None:
    for case in cases:
        accepted, rejected = _accepted_and_rejected(case)
        assert len(rejected) == 3, case.id
        for wrong in rejected:
            for right in accepted:
                assert wrong.strip().lower() != right.strip().lower(), (case.id, wrong)
                assert not _names(right, wrong) and not _names(wrong, right), (case.id, right, wrong)


def test_question_names_neither_the_answer_nor_a_distractor(cases: list) -> None:
    """A reply that restates the question must not name a distractor, and the question must not give the answer."""
    for case in cases:
        question = _question(case)
        accepted, rejected = _accepted_and_rejected(case)
        for value in accepted + rejected:
            assert not _names(question, value), (case.id, value)


def test_completions_expect_an_accepted_answer_and_stay_short(cases: list) -> None:
    for case in cases:
        if isinstance(case, CompletionCase):
            (check,) = case.checks
            assert check.name == "fact", case.id
            assert case.expected in check.kwargs["accept"], case.id
            assert case.max_tokens == 32, case.id


def test_questions_end_with_a_short_answer_instruction(cases: list) -> None:
    for case in cases:
        question = _question(case)
        assert re.fullmatch(r".+[?'] Answer with just [\w ,-]+\.", question), (case.id, question)


# ---------------------------------------------------------------- stable facts


def test_no_question_depends_on_the_year(cases: list) -> None:
    for case in cases:
        assert not YEAR_DEPENDENT.search(_question(case)), (case.id, _question(case))


def test_questions_are_not_repeated(cases: list) -> None:
    questions = [_question(c).strip().lower() for c in cases]
    repeated = [q for q, n in Counter(questions).items() if n > 1]
    assert not repeated, repeated[:3]


def test_number_answers_are_written_plainly(cases: list) -> None:
    for case in cases:
        if "Answer with just the number." in _question(case) or "Answer with just the year." in _question(case):
            accepted, rejected = _accepted_and_rejected(case)
            answer = case.options[case.answer] if isinstance(case, ChoiceCase) else case.expected
            assert re.fullmatch(r"\d+(?:\.\d+)?", answer), (case.id, answer)
            assert all(re.fullmatch(r"-?\d+(?:\.\d+)?", r) for r in rejected), (case.id, rejected)


# ---------------------------------------------------------------- the `fact` check on the data


def test_every_completion_credits_its_answer_and_nothing_that_names_a_distractor(cases: list) -> None:
    for case in cases:
        if not isinstance(case, CompletionCase):
            continue
        (check,) = case.checks
        args = check.kwargs
        expected = case.expected
        assert run_check("fact", expected, args)[0] == 1.0, case.id
        assert run_check("fact", f"{expected}.", args)[0] == 1.0, case.id
        for alias in args["accept"]:
            assert run_check("fact", alias, args)[0] == 1.0, (case.id, alias)
        for wrong in args["reject"]:
            for bad in (wrong, f"{wrong} or {expected}", f"{expected} or {wrong}", f"{expected}, {wrong}"):
                assert run_check("fact", bad, args)[0] == 0.0, (case.id, bad)
        assert run_check("fact", "", args)[0] == 0.0, case.id

"""The multi-turn suite's data and its conversation checks (no model needed)."""
from __future__ import annotations

import importlib.util
import json
from collections import Counter
from pathlib import Path

import pytest

from capcheck.cases import ConversationCase
from capcheck.checks import names, run_check
from capcheck.checks.conversation import is_degenerate, json_object, list_items
from capcheck.suite import Suite, load_cases

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "suites" / "data" / "multi_turn.jsonl"
CATEGORIES = {"recall", "format", "correction", "running-total"}
LOOP = "I like it. " * 12


def _generator():
    spec = importlib.util.spec_from_file_location("multi_turn_gen", ROOT / "suites" / "generators" / "multi_turn.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def cases() -> list[ConversationCase]:
    return load_cases(DATA)  # type: ignore[return-value]


def score(name: str, output: str, **args) -> float:
    value, info = run_check(name, output, args)
    assert "error" not in info, info
    return value


# --- data -------------------------------------------------------------------------



def test_committed_jsonl_equals_regenerated() -> None:
    lines = [json.dumps(c, ensure_ascii=False, sort_keys=True) for c in _generator().generate()]
    assert DATA.read_text(encoding="utf-8") == "\n".join(lines) + "\n"


def test_cases_load_with_unique_ids(cases) -> None:
    assert len(cases) >= 160
    assert len({c.id for c in cases}) == len(cases)
    assert all(isinstance(c, ConversationCase) for c in cases)
    Suite("multi-turn", tuple(cases))  # validates ids and recall answer indices


def test_categories_and_turn_counts(cases) -> None:
    assert {c.category for c in cases} == CATEGORIES
    assert all(c.id.startswith(c.category + "/") for c in cases)
    assert all(2 <= len(c.turns) <= 4 for c in cases)
    counts = Counter(c.category for c in cases)
    assert min(counts.values()) >= 40


def test_every_question_is_judged(cases) -> None:
    # Only turns that state facts (the first, or a correction) may go unjudged.
    for case in cases:
        assert case.turns[-1].checks, case.id
        for turn in case.turns:
            assert turn.checks or "?" not in turn.user, case.id
        assert all(check.name in names() for turn in case.turns for check in turn.checks)


def test_user_turns_are_short(cases) -> None:
    # The suite decodes about 48 tokens; long prompts would only cost time.
    assert max(len(t.user) for c in cases for t in c.turns) <= 140


def test_recall_options_are_distinct_and_positions_vary(cases) -> None:
    recalls = [t.recall for c in cases for t in c.turns if t.recall]
    assert len(recalls) >= 100
    assert all(len(set(r.options)) == len(r.options) == 3 for r in recalls)
    positions = Counter(r.answer for r in recalls)
    assert set(positions) == {0, 1, 2} and min(positions.values()) >= len(recalls) / 5


def test_correction_recall_includes_the_old_value(cases) -> None:
    for case in cases:
        if case.category != "correction":
            continue
        last = case.turns[-1]
        check = last.checks[0].kwargs
        assert last.recall is not None and check["new"] in last.recall.options[last.recall.answer]
        assert any(check["old"] in o for o in last.recall.options)


def test_expected_values_pass_their_own_checks(cases) -> None:
    # A reply that states the expected value plainly must pass (the checks are not impossible).
    for case in cases:
        for turn in case.turns:
            if not turn.checks or not turn.expected:
                continue
            check = turn.checks[0]
            if check.name == "conv_list_n":
                n = check.kwargs["n"]
                reply = "\n".join(f"{i + 1}. Item {chr(65 + i)}" for i in range(n))
            elif check.name in ("conv_one_word", "conv_uppercase", "conv_json_keys"):
                reply = turn.expected
            else:
                reply = f"It is {turn.expected}."
            assert score(check.name, reply, **check.kwargs) == 1.0, (case.id, reply)


# --- degenerate outputs fail every check ------------------------------------------

DEGENERATE = ["", "   ", "...", "?!", LOOP, "Yes yes yes yes yes yes yes yes yes yes yes yes yes"]
CHECK_ARGS = {
    "conv_recall": {"value": "Paris"},
    "conv_new_not_old": {"new": "Leo", "old": "Sam"},
    "conv_total": {"value": 7},
    "conv_one_word": {"accept": ["green"]},
    "conv_uppercase": {},
    "conv_list_n": {"n": 3},
    "conv_json_keys": {"keys": ["name", "age"]},
}


@pytest.mark.parametrize("name", sorted(CHECK_ARGS))
@pytest.mark.parametrize("output", DEGENERATE)
def test_degenerate_outputs_fail(name: str, output: str) -> None:
    assert score(name, output, **CHECK_ARGS[name]) == 0.0


@pytest.mark.parametrize("output", ["Paris Paris Paris Paris Paris Paris Paris Paris Paris Paris Paris Paris",
                                    "Paris is nice. " + "Ha! " * 14, "It is 7. 7 7 7 7 7 7 7 7 7 7 7 7 7"])
def test_looping_replies_that_contain_the_answer_fail(output: str) -> None:
    assert is_degenerate(output)
    assert score("conv_recall", output, value="Paris") == 0.0
    assert score("conv_total", output, value=7) == 0.0


def test_normal_replies_are_not_degenerate() -> None:
    assert not is_degenerate("Your name is Leo. It is nice to meet you, Leo! How can I help you today?")
    assert not is_degenerate("1. Apples\n2. Bananas\n3. Oranges")


# --- each check: a pass and a fail ------------------------------------------------


def test_recall() -> None:
    assert score("conv_recall", "You live in Paris.", value="Paris", others=["Oslo"]) == 1.0
    assert score("conv_recall", "Dogs bark.", value=["dog", "dogs"]) == 1.0
    assert score("conv_recall", "You live in Oslo.", value="Paris", others=["Oslo"]) == 0.0
    assert score("conv_recall", "Paris or Oslo?", value="Paris", others=["Oslo"]) == 0.0
    assert score("conv_recall", "Parisian food is great.", value="Paris") == 0.0


def test_new_not_old() -> None:
    assert score("conv_new_not_old", "Your name is Leo.", new="Leo", old="Sam") == 1.0
    assert score("conv_new_not_old", "Your name is Leo, not Sam.", new="Leo", old="Sam") == 1.0
    assert score("conv_new_not_old", "You live in Oslo instead of Lima.", new="Oslo", old="Lima") == 1.0
    assert score("conv_new_not_old", "Your name is Sam.", new="Leo", old="Sam") == 0.0
    assert score("conv_new_not_old", "Your name is Sam or Leo.", new="Leo", old="Sam") == 0.0
    assert score("conv_new_not_old", "I don't know your name.", new="Leo", old="Sam") == 0.0


def test_total() -> None:
    assert score("conv_total", "The total is 4 + 3 = 7.", value=7) == 1.0
    assert score("conv_total", "Now the total is 7.", value=7) == 1.0
    assert score("conv_total", "The total is 7 + 3 = 10.", value=7) == 0.0
    assert score("conv_total", "I cannot add numbers.", value=7) == 0.0


def test_one_word() -> None:
    assert score("conv_one_word", "Green.", accept=["green"]) == 1.0
    assert score("conv_one_word", "**Blue**", accept=None) == 1.0
    assert score("conv_one_word", "Grass is green.", accept=["green"]) == 0.0
    assert score("conv_one_word", "Red.", accept=["green"]) == 0.0
    assert score("conv_one_word", "green green", accept=["green"]) == 0.0


def test_uppercase() -> None:
    assert score("conv_uppercase", "THE CAPITAL IS ROME.", contains=["rome"]) == 1.0
    assert score("conv_uppercase", "ROME!", contains=["Rome"]) == 1.0
    assert score("conv_uppercase", "The capital is ROME.", contains=["rome"]) == 0.0
    assert score("conv_uppercase", "PARIS.", contains=["rome"]) == 0.0
    assert score("conv_uppercase", "42") == 0.0  # no letters at all


def test_list_n() -> None:
    assert score("conv_list_n", "1. Apples\n2. Pears\n3. Plums", n=3) == 1.0
    assert score("conv_list_n", "Here you go:\n- Dog\n- Cat\n- Owl", n=3) == 1.0
    assert score("conv_list_n", "1. Apples\n2. Pears", n=3) == 0.0
    assert score("conv_list_n", "1. Apples\n2. Pears\n3. Plums\n4. Figs", n=3) == 0.0
    assert score("conv_list_n", "1. Apples\n2. Apples\n3. Apples", n=3) == 0.0
    assert score("conv_list_n", "1. ...\n2. ...\n3. ...", n=3) == 0.0
    assert score("conv_list_n", "Apples, pears and plums.", n=3) == 0.0
    assert list_items("1) a\n* b\nnot an item") == ["a", "b"]


def test_json_keys() -> None:
    keys = ["name", "age"]
    assert score("conv_json_keys", '{"name": "Tom", "age": 30}', keys=keys, values={"name": "Tom", "age": "30"}) == 1.0
    assert score("conv_json_keys", '```json\n{"age": 30, "name": "tom"}\n```', keys=keys, values={"name": "Tom"}) == 1.0
    assert score("conv_json_keys", '{"name": "Ana", "age": 30}', keys=keys, values={"name": "Tom"}) == 0.0
    assert score("conv_json_keys", '{"name": "Tom"}', keys=keys) == 0.0
    assert score("conv_json_keys", '{"name": "Tom", "age": 30, "city": "Rome"}', keys=keys) == 0.0
    assert score("conv_json_keys", 'Sure! {"name": "Tom", "age": 30}', keys=keys) == 0.0
    assert score("conv_json_keys", '["name", "age"]', keys=keys) == 0.0
    assert score("conv_json_keys", '{"name": "Tom", "age": ', keys=keys) == 0.0  # truncated
    assert json_object("[" * 5000) is None

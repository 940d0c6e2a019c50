"""The grammar/generation suite: its data and the writing_quality check."""
from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path

import pytest

from capcheck.cases import CompletionCase
from capcheck.checks import run_check
from capcheck.checks.writing import ends_complete, writing_quality
from capcheck.suite import Suite, load_cases

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "suites" / "data" / "grammar_generation.jsonl"

GOOD = (
    "The old lighthouse stands on a rocky cliff above the sea. Its white paint is peeling, "
    "and the lamp at the top has not worked for years. On stormy nights, the waves crash "
    "against the rocks below and throw spray high into the air."
)
AGREEMENT = (
    "The old lighthouse stand on a rocky cliff above the sea. She go there every day, and they "
    "was happy to see it. He don't like the waves that crashes against the rocks below it."
)
SPELLING = (
    "The old lighthouse stands on a rocky clif above the sea. Its white paint is peling, and "
    "the lamp at the top has not worked for yeers. On stormy nights, the wavs crash against "
    "the rocks below and throw spray high into the air."
)


def _generator():
    spec = importlib.util.spec_from_file_location("writing_gen", ROOT / "suites" / "generators" / "writing_prompts.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- data ---------------------------------------------------------------------------



def test_every_line_loads_and_ids_are_unique() -> None:
    cases = load_cases(DATA)
    assert all(isinstance(c, CompletionCase) for c in cases)
    assert len({c.id for c in cases}) == len(cases) >= 110
    assert set(Counter(c.category for c in cases)) == {"describe", "explain", "retell", "advice"}
    assert all(c.checks and c.checks[0].name == "writing_quality" and c.checks[0].kwargs["topic"] for c in cases)
    Suite(name="grammar/generation", cases=tuple(cases))


def test_retell_topics_appear_in_their_story() -> None:
    # A faithful retelling that copies the story's words must count as on topic.
    for case in load_cases(DATA):
        if case.category == "retell":
            story = case.prompt[-1].content.lower()
            assert any(stem in story for stem in case.checks[0].kwargs["topic"]), case.id


# --- the check ----------------------------------------------------------------------

def test_good_text_scores_high() -> None:
    score, info = writing_quality(GOOD, topic=["lighthouse"])
    assert score >= 0.95
    assert info["degenerate"] is None and info["words"] > 30


def test_british_spelling_names_style_and_markdown_are_not_errors() -> None:
    text = (
        "**Tip:** Ask Amira or Tomasz at the harbour centre for a colourful map. "
        "They organised the festival, the market and the parade, and they know every neighbour."
    )
    assert writing_quality(text)[0] == 1.0


@pytest.mark.parametrize("bad", [AGREEMENT, SPELLING])
def test_agreement_and_spelling_errors_score_lower(bad: str) -> None:
    good_score = writing_quality(GOOD)[0]
    score, info = writing_quality(bad, topic=["lighthouse"])
    assert score < good_score - 0.5
    assert info["degenerate"] is None
    assert info["errors_per_100_words"] >= 5
    assert {"Agreement", "Spelling"} & set(info["lint_kinds"])


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   \n ", "empty"),
        ("Yes, it is a lighthouse.", "too short"),
        ("!!! ??? ### 123 456 *** ---- ==== %%%% @@@@ .... 99 88 77 66 55 44 33 22 11", "mostly non-letters"),
        ("the lighthouse is tall " * 12 + ".", "repeated phrases"),
        ("The lighthouse is tall and white. It stands on the cliff above the sea. "
         "The lighthouse is tall and white.", "repeated sentence"),
        (GOOD[:-40], "cut mid-sentence"),
        ("Here are some tips for you:\n1. Go to bed early every night.\n2. Drink a glass of", "cut mid-sentence"),
    ],
)
def test_degenerate_replies_score_zero(text: str, reason: str) -> None:
    score, info = writing_quality(text, topic=["lighthouse"])
    assert score == 0.0
    assert info["degenerate"] is not None and info["degenerate"].startswith(reason)


def test_off_topic_reply_scores_zero() -> None:
    score, info = writing_quality(GOOD, topic=["bicycle", "bike"])
    assert (score, info["degenerate"]) == (0.0, "off topic")


def test_complete_endings() -> None:
    assert ends_complete('He said, "It is done."')
    assert ends_complete("What a lovely day! 😊")
    assert ends_complete("Dear Sam,\nThank you for the lovely scarf.\nWith love,\nAnna")
    assert not ends_complete("Dear Sam,\nThank you for the lovely")
    assert not ends_complete("The steps are:")


def test_registered_and_runs_through_registry() -> None:
    score, info = run_check("writing_quality", GOOD, {"topic": ["lighthouse"]})
    assert score >= 0.95 and info["words"] > 30
    assert run_check("writing_quality", "", {})[0] == 0.0

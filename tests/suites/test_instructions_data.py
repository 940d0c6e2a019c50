"""The instructions suite: its generator, its data file and its checks (no model)."""
from __future__ import annotations

import functools
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from capcheck.checks import instructions as ins
from capcheck.checks import run_check
from capcheck.suite import Suite, load_cases

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "suites" / "data" / "instructions.jsonl"
TOPIC = ["garden", "plant", "soil"]
PROSE = "A small garden needs good soil. Plant the seeds in spring and water them often."


@functools.lru_cache(maxsize=None)
def _generator() -> ModuleType:
    name = "capcheck_suites_generators_instructions"
    spec = importlib.util.spec_from_file_location(name, ROOT / "suites" / "generators" / "instructions.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


def passed(result: tuple[bool, dict]) -> bool:
    return result[0]


# --- generator and data ---------------------------------------------------------------



def test_data_loads_with_unique_ids_and_enough_cases() -> None:
    cases = load_cases(DATA)
    assert len(cases) >= 160
    assert len({c.id for c in cases}) == len(cases)
    Suite("instructions", tuple(cases))  # the suite's own validation (unique ids, kinds)
    categories = {c.category for c in cases}
    assert {"word_count", "sentence_count", "include_keywords", "exclude_keywords", "lowercase", "uppercase",
            "bullet_points", "json_object", "ends_with", "no_commas", "combined"} == categories
    for case in cases:
        assert case.id.startswith(case.category + "/")
        assert 1 <= len(case.checks) <= 2
        # Every check gets the instruction (echo test) and, where the task has a subject, its stems.
        assert all(check.kwargs["task"] == case.prompt[-1].content for check in case.checks)


def test_every_check_in_the_data_is_registered_and_refuses_empty_output() -> None:
    for case in load_cases(DATA):
        for check in case.checks:
            score, info = run_check(check.name, "", check.kwargs)
            assert score == 0.0 and "error" not in info, (case.id, check.name, info)


def test_topic_stems_never_match_the_forbidden_word() -> None:
    """A reply that obeys "do not use X" must still be able to count as on topic."""
    for case in load_cases(DATA):
        for check in case.checks:
            if check.name == "exclude_keywords":
                stems = check.kwargs.get("topic", [])
                for word in check.kwargs["keywords"]:
                    assert stems and not [s for s in stems if word.startswith(s) or s.startswith(word)], case.id


# --- the shared real-answer test ------------------------------------------------------


def test_real_answer_accepts_plain_prose() -> None:
    assert ins.real_answer(PROSE, topic=TOPIC) is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   \n ", "empty"),
        ("Garden soil.", "only 2 words"),
        ("1, 2, 3, 4, 5, 6, 7, 8 -- 9 !!", "symbols"),
        ("The garden is nice. The garden is nice. The garden is nice.", "repeats the sentence"),
        ("garden garden garden garden garden garden soil garden garden garden garden", "makes up"),
        ("plant the seed and plant the seed and plant the seed and then more", "recurs"),
        ("A garden needs soil and sun and a gardener who comes back every single day to", "cut off"),
        ("I am sorry, but I cannot help with that request today.", "off topic"),
    ],
)
def test_real_answer_refuses_degenerate_replies(text: str, reason: str) -> None:
    found = ins.real_answer(text, topic=TOPIC)
    assert found is not None and reason in found


def test_real_answer_refuses_an_echo_of_the_task() -> None:
    task = "WRITE IN ALL CAPITAL LETTERS: GIVE ONE SHORT TIP ABOUT STARTING A GARDEN."
    assert ins.real_answer("Give one short tip about starting a garden.", task=task) == "copies the task instead of answering it"
    assert ins.real_answer("Test your garden soil before you plant anything.", task=task) is None
    assert not passed(ins.all_uppercase("GIVE ONE SHORT TIP ABOUT STARTING A GARDEN.", task=task))
    assert passed(ins.all_uppercase("TEST YOUR GARDEN SOIL BEFORE YOU PLANT ANYTHING.", task=task))


def test_units_split_sentences_lines_and_keep_abbreviations() -> None:
    assert len(ins.units("One thing, e.g. soil. Two! Three?\n- four\n\n")) == 4
    assert len(ins.units("It costs 3.50 dollars. Fine.")) == 2


# --- each check: a pass, a fail and the degenerate cases --------------------------------

DEGENERATE = ["", "ok", "garden " * 30, "The garden is nice. " * 4]


@pytest.mark.parametrize("bad", DEGENERATE)
@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("word_count", {"max_words": 40}),
        ("sentence_count", {"min_sentences": 1, "max_sentences": 4}),
        ("include_keywords", {"keywords": ["garden"]}),
        ("exclude_keywords", {"keywords": ["tomato"]}),
        ("all_lowercase", {}),
        ("all_uppercase", {}),
        ("bullet_points", {"count": 1}),
        ("json_object", {"keys": ["tip"]}),
        ("ends_with", {"phrase": "garden"}),
        ("no_commas", {}),
    ],
)
def test_every_check_refuses_degenerate_output(name: str, args: dict, bad: str) -> None:
    score, _ = run_check(name, bad, args)
    assert score == 0.0


def test_word_count() -> None:
    assert passed(ins.word_count(PROSE, max_words=20, topic=TOPIC))
    assert passed(ins.word_count(PROSE, min_words=10, max_words=20))
    assert not passed(ins.word_count(PROSE, max_words=10))
    assert not passed(ins.word_count(PROSE, min_words=30))
    assert ins.word_count(PROSE)[1]["words"] == 15
    # A task that asks for fewer than five words lowers the floor, but never to nothing.
    assert passed(ins.word_count("Green garden.", max_words=3))
    assert not passed(ins.word_count("Green.", min_words=2, max_words=3))
    assert not passed(ins.word_count("", max_words=3))


def test_sentence_count() -> None:
    assert passed(ins.sentence_count(PROSE, min_sentences=2, max_sentences=2, topic=TOPIC))
    assert not passed(ins.sentence_count(PROSE, min_sentences=1, max_sentences=1))
    assert not passed(ins.sentence_count(PROSE, min_sentences=3))
    assert not passed(ins.sentence_count("A garden needs soil and a little", max_sentences=1))  # unfinished
    assert passed(ins.sentence_count("Dr. Smith grows plants, e.g. roses, in his garden.", max_sentences=1))


def test_include_keywords() -> None:
    assert passed(ins.include_keywords(PROSE, keywords=["seed", "Spring"], topic=TOPIC))
    assert not passed(ins.include_keywords(PROSE, keywords=["seed", "compost"]))
    assert not passed(ins.include_keywords("Good soil makes seedlings strong and tall.", keywords=["seed"]))
    assert not passed(ins.include_keywords("compost", keywords=["compost"]))


def test_exclude_keywords() -> None:
    assert passed(ins.exclude_keywords(PROSE, keywords=["tomato"], topic=TOPIC))
    assert not passed(ins.exclude_keywords(PROSE, keywords=["water"]))
    assert not passed(ins.exclude_keywords("The garden soil stays moist and watery all day.", keywords=["water"]))
    assert not passed(ins.exclude_keywords("Hello.", keywords=["water"]))


def test_all_lowercase() -> None:
    assert passed(ins.all_lowercase(PROSE.lower(), topic=TOPIC))
    assert not passed(ins.all_lowercase(PROSE))
    assert not passed(ins.all_lowercase(""))
    assert not passed(ins.all_lowercase("...... 12345 ,,,,,"))
    assert not passed(ins.all_lowercase(PROSE.lower(), topic=["ocean"]))  # off topic


def test_all_uppercase() -> None:
    assert passed(ins.all_uppercase(PROSE.upper(), topic=TOPIC))
    assert not passed(ins.all_uppercase(PROSE))
    assert not passed(ins.all_uppercase("OK!"))
    assert not passed(ins.all_uppercase("GARDEN. " * 8))


def test_bullet_points() -> None:
    reply = "Tips:\n- Test the soil first.\n* Plant after the last frost\n• Water in the morning."
    assert passed(ins.bullet_points(reply, count=3, topic=TOPIC))
    assert not passed(ins.bullet_points(reply, count=2))
    assert not passed(ins.bullet_points(PROSE, count=2))
    # Numbered items count as points: the task verifies how many, not the marker.
    assert passed(ins.bullet_points("1. Test the soil first.\n2) Plant after the last frost.", count=2))
    assert not passed(ins.bullet_points("Garden tips: 1. test the soil 2. plant late 3. water early.", count=3))
    assert not passed(ins.bullet_points("**Soil** matters.\n**Seeds** matter too in the garden.", count=2))
    assert not passed(ins.bullet_points("- Soil\n- Soil\n- Plant seeds in rows.", count=3))
    assert not passed(ins.bullet_points("- \n- \n-", count=3))


def test_json_object() -> None:
    good = '{"tip": "Mulch the soil", "why": "It keeps the garden moist."}'
    assert passed(ins.json_object(good, keys=["tip", "why"], topic=TOPIC))
    assert passed(ins.json_object(f"```json\n{good}\n```", keys=["tip", "why"]))
    assert passed(ins.json_object('{"name": "Shell", "reason": "Turtles carry one.", "extra": 1}', keys=["name", "reason"]))
    assert not passed(ins.json_object(good, keys=["tip", "reason"]))
    framed = ins.json_object("Here is a tip: " + good, keys=["tip", "why"])
    assert not passed(framed) and framed[1]["reason"] == "a JSON object with other text around it"
    assert not passed(ins.json_object('{"tip": "Mulch the soil", "why": "It keeps', keys=["tip", "why"]))
    assert not passed(ins.json_object('["Mulch", "soil"]', keys=["tip"]))
    assert not passed(ins.json_object('{"tip": "", "why": ""}', keys=["tip", "why"]))
    assert not passed(ins.json_object('{"tip": "tip", "why": "..."}', keys=["tip", "why"]))
    assert not passed(ins.json_object('{"tip": "<a tip for the garden>", "why": "It helps plants."}', keys=["tip", "why"]))
    assert not passed(ins.json_object('{"tip": "soil", "why": "soil"}', keys=["tip", "why"]))
    assert not passed(ins.json_object("{}", keys=[]))


def test_ends_with() -> None:
    assert passed(ins.ends_with(PROSE + " Good luck!", phrase="Good luck!", topic=TOPIC))
    assert passed(ins.ends_with(PROSE + "\n\n**that is all.**", phrase="That is all."))
    assert passed(ins.ends_with(PROSE + " Enjoy", phrase="Enjoy"))
    assert not passed(ins.ends_with(PROSE, phrase="Good luck!"))
    assert not passed(ins.ends_with("Good luck! " + PROSE, phrase="Good luck!"))
    assert not passed(ins.ends_with("Good luck!", phrase="Good luck!"))  # nothing before the phrase
    assert not passed(ins.ends_with("Soil. Good luck!", phrase="Good luck!"))


def test_no_commas() -> None:
    assert passed(ins.no_commas(PROSE, topic=TOPIC))
    assert not passed(ins.no_commas("Plant the seeds, water them, and wait for the garden to grow."))
    assert not passed(ins.no_commas("Garden"))
    assert not passed(ins.no_commas("Gardens grow plants and gardens grow plants and gardens grow plants."))


def test_checks_report_reasons_through_run_check() -> None:
    score, info = run_check("no_commas", "Soil, sun, and seeds make a garden grow well.", {})
    assert score == 0.0 and info["reason"] == "2 commas"

"""The grammar minimal-pairs suite data: deterministic, committed, valid and well-formed."""
from __future__ import annotations

import importlib.util
import re
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from capcheck.cases import ChoiceCase
from capcheck.suite import Suite, load_cases

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "suites" / "data" / "grammar_minimal_pairs.jsonl"
PHENOMENA = {
    "agreement-attractor", "determiner-noun", "anaphor-agreement", "irregular-past", "argument-structure", "npi",
    "filler-gap", "island", "quantifier", "subject-aux-inversion", "ellipsis", "binding",
}


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("minimal_pairs", ROOT / "suites" / "generators" / "minimal_pairs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


gen = _load_generator()


@pytest.fixture(scope="module")
def generated() -> list[dict]:
    return gen.generate()



def test_every_line_loads_and_ids_are_unique() -> None:
    cases = load_cases(DATA)
    assert all(isinstance(c, ChoiceCase) for c in cases)
    ids = [c.id for c in cases]
    assert len(ids) == len(set(ids))
    Suite(name="grammar/minimal-pairs", cases=tuple(cases))  # the suite's own checks (ids, answers)


def test_size_and_phenomena(generated: list[dict]) -> None:
    counts = Counter(c["category"] for c in generated)
    assert set(counts) == PHENOMENA
    assert len(generated) >= 1200
    assert min(counts.values()) >= 100


def test_ids_name_phenomenon_and_template(generated: list[dict]) -> None:
    for case in generated:
        assert re.fullmatch(rf"{re.escape(case['category'])}/[a-z-]+-\d{{4}}", case["id"]), case["id"]


def _words(text: str) -> list[str]:
    return text[:-1].split()


def test_pairs_are_minimal(generated: list[dict]) -> None:
    for case in generated:
        good, bad = case["options"]
        assert case["answer"] == 0 and case["kind"] == "choice" and "context" not in case
        assert good != bad
        for text in (good, bad):
            assert text[0].isupper() and text[-1] in ".?" and "  " not in text and "{" not in text, text
        assert good[-1] == bad[-1]
        a, b = _words(good), _words(bad)
        if sorted(a) == sorted(b):
            continue  # a word-order pair
        # Otherwise one short stretch differs: strip the shared start and end.
        start = 0
        while start < min(len(a), len(b)) and a[start] == b[start]:
            start += 1
        end = 0
        while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
            end += 1
        assert abs(len(a) - len(b)) <= 1 and len(a) - start - end <= 2 and len(b) - start - end <= 2, (good, bad)


def test_template_draws_are_stable_prefixes() -> None:
    # Asking for more pairs must not change the earlier ones (ids stay stable as a template grows).
    template = gen.TEMPLATES["binding"]["local"]
    assert gen.pairs_for("binding", "local", template, 40)[:10] == gen.pairs_for("binding", "local", template, 10)


def test_small_template_space_is_an_error() -> None:
    with pytest.raises(ValueError, match="distinct pairs"):
        gen.pairs_for("x", "y", lambda rng: ("A b.", "B a."), 2)

"""The fluency suite's data: deterministic, committed, valid, and within the passage rules."""
from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path

from capcheck.cases import PassageCase
from capcheck.suite import Suite, load_cases

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "suites" / "data" / "fluency.jsonl"
CATEGORIES = {"news", "narrative", "instructions", "dialogue", "encyclopedic", "letter", "review", "science"}


def _generator():
    spec = importlib.util.spec_from_file_location("fluency_gen", ROOT / "suites" / "generators" / "fluency.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module



def test_every_line_loads_and_ids_are_unique() -> None:
    cases = load_cases(DATA)
    assert all(isinstance(c, PassageCase) for c in cases)
    ids = [c.id for c in cases]
    assert len(ids) == len(set(ids))
    assert all(c.id.startswith(f"{c.category}/") for c in cases)
    Suite(name="fluency", cases=tuple(cases), metric="mean_loss", direction="lower")


def test_size_categories_and_lengths() -> None:
    cases = load_cases(DATA)
    counts = Counter(c.category for c in cases)
    assert len(cases) >= 160
    assert set(counts) == CATEGORIES
    assert min(counts.values()) >= 18
    for case in cases:
        assert 60 <= len(case.text.split()) <= 200, case.id
        assert "  " not in case.text and case.text == case.text.strip(), case.id


def test_passages_are_not_repeated() -> None:
    texts = [c.text for c in load_cases(DATA)]
    openings = [" ".join(t.split()[:8]) for t in texts]
    assert len(set(openings)) == len(openings)

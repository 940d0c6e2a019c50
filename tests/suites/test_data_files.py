"""What every built-in suite's data must satisfy: generated deterministically, committed as
generated, valid against the case schema, with unique readable ids.

Suite-specific rules (sizes, categories, answers recomputed) live in the test_<suite>_data.py
files beside this one.
"""
from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from capcheck.suite import load_cases
from capcheck.suites_loader import load_suite_files

ROOT = Path(__file__).resolve().parents[2]
GENERATORS = {
    # generator module -> the data file it writes
    "minimal_pairs": "grammar_minimal_pairs.jsonl",
    "writing_prompts": "grammar_generation.jsonl",
    "reasoning": "reasoning.jsonl",
    "multi_turn": "multi_turn.jsonl",
    "instructions": "instructions.jsonl",
    "fluency": "fluency.jsonl",
    "knowledge": "knowledge.jsonl",
}
READABLE_ID = re.compile(r"[a-z0-9_-]+/[a-z0-9_.-]+")


def _generator(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"_gen_{name}", ROOT / "suites" / "generators" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module", params=sorted(GENERATORS))
def generator(request: pytest.FixtureRequest) -> tuple[str, Path, list[dict]]:
    name = request.param
    return name, ROOT / "suites" / "data" / GENERATORS[name], _generator(name).generate()


def test_generator_is_deterministic(generator: tuple[str, Path, list[dict]]) -> None:
    name, _, generated = generator
    assert _generator(name).generate() == generated


def test_committed_file_is_what_the_generator_writes(generator: tuple[str, Path, list[dict]]) -> None:
    name, data, generated = generator
    text = "".join(json.dumps(case, ensure_ascii=False, sort_keys=True) + "\n" for case in generated)
    assert data.read_text(encoding="utf-8") == text, f"{data} is stale: run python suites/generators/{name}.py"


def test_every_line_loads_with_unique_readable_ids(generator: tuple[str, Path, list[dict]]) -> None:
    _, data, _ = generator
    cases = load_cases(data)
    ids = [case.id for case in cases]
    assert len(set(ids)) == len(ids)
    bad = [i for i in ids if not READABLE_ID.fullmatch(i)]
    assert not bad, bad[:5]
    for case in cases:
        category = getattr(case, "category", "")
        assert not category or case.id.startswith(f"{category}/"), case.id


def test_every_data_file_belongs_to_a_built_in_suite() -> None:
    suites = load_suite_files(ROOT / "suites")
    assert len(suites) == 7
    used = {case.id for suite in suites for case in suite.cases}
    for name in GENERATORS.values():
        ids = {case.id for case in load_cases(ROOT / "suites" / "data" / name)}
        assert ids <= used, f"{name} has cases no suite runs"

"""The watch set: fixed, picked by its stated rule, representative of each suite, generated replies included."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from capcheck import baseline, builtin
from capcheck.cases import CompletionCase, ConversationCase
from capcheck.embedded import ALIAS
from capcheck.errors import CapcheckError
from capcheck.suites_loader import load_suite_files
from capcheck.watch import watch_set


@pytest.fixture(scope="module")
def suites_and_baselines():
    suites = [s for s in load_suite_files(builtin.suites_dir()) if s.name in watch_set.SIZES]
    folder = builtin.baselines_dir() / ALIAS
    stored = {s.name: baseline.read(folder / f"{s.slug}.json", s, "record").result.by_id for s in suites}
    return suites, stored


def test_the_committed_set_is_what_the_rule_picks_from_the_committed_baselines(suites_and_baselines) -> None:
    """A suite or baseline that changed without picking the set again (and bumping its version) fails here."""
    suites, stored = suites_and_baselines
    committed = json.loads(watch_set.WATCH_SET_FILE.read_text())
    assert committed["version"] == watch_set.VERSION
    assert set(committed["suites"]) == {s.name for s in suites}
    for suite in suites:
        assert committed["suites"][suite.name] == watch_set.pick(suite, stored[suite.name], watch_set.SIZES[suite.name])


def test_each_suite_keeps_its_categories_its_kinds_and_nearly_its_base_score(suites_and_baselines) -> None:
    suites, stored = suites_and_baselines
    for full, subset in watch_set.watch_suites(suites):
        assert len(subset.cases) == watch_set.SIZES[full.name]
        kinds = {type(c) for c in full.cases}
        assert {type(c) for c in subset.cases} == kinds  # suites with both choices and replies keep both
        big = {c.category for c in full.cases if sum(x.category == c.category for x in full.cases) * len(subset.cases)
               >= 2 * len(full.cases)}
        assert big <= {c.category for c in subset.cases}
        if full.direction == "higher":  # bounded scores: the strata hold the base score
            whole = sum(stored[full.name][c.id].score for c in full.cases) / len(full.cases)
            part = sum(stored[full.name][c.id].score for c in subset.cases) / len(subset.cases)
            assert abs(whole - part) < 0.1, full.name  # rounding: a few dozen cases over many strata


def test_generated_replies_are_watched() -> None:
    suites = load_suite_files(builtin.suites_dir())
    generated = [c for _, subset in watch_set.watch_suites(suites) for c in subset.cases
                 if isinstance(c, (CompletionCase, ConversationCase))]
    assert len(generated) >= 60


def test_cheapest_first_within_a_stratum() -> None:
    from capcheck.cases import ChoiceCase
    from capcheck.results import CaseResult
    from capcheck.suite import Suite

    cases = tuple(ChoiceCase(f"c/{i}", ("a" * (10 + i), "b"), 0, category="c") for i in range(10))
    suite = Suite(name="toy", cases=cases)
    base = {c.id: CaseResult(id=c.id, score=1.0) for c in cases}
    assert watch_set.pick(suite, base, 3) == ["c/0", "c/1", "c/2"]


def test_a_set_naming_cases_a_suite_lost_is_refused(tmp_path: Path) -> None:
    suites = load_suite_files(builtin.suites_dir())
    bad = tmp_path / "watch-set.json"
    bad.write_text(json.dumps({"version": 1, "suites": {"reasoning": ["no-such-case"]}}))
    with pytest.raises(CapcheckError, match="no longer has"):
        watch_set.watch_suites(suites, bad)

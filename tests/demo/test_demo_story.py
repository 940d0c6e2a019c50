"""The demo's story on canned results: tables, probes, the forgotten cases, the conclusion."""
from __future__ import annotations

from capcheck.demo.data import PROBES
from capcheck.demo.evaluate import DomainScore, GateRun
from capcheck.demo.finetune import RECIPES
from capcheck.demo.story import Outcome, conclusion, gentlest_learner, render
from capcheck.results import CaseResult
from capcheck.verdict import CaseChange, Status, Verdict

SUITES = ["grammar/minimal-pairs", "fluency"]


def _verdict(suite: str, status: Status, base: float, cand: float, worse: list[CaseChange] | None = None) -> Verdict:
    direction = "lower" if suite == "fluency" else "higher"
    v = Verdict(suite, "accuracy", direction, status, 0.02, n=40, base_score=base, candidate_score=cand)
    v.worsened = worse or []
    return v


def _domain(acc: float, reply: str) -> DomainScore:
    return DomainScore(acc, 60, {p: reply for p in PROBES})


def _outcomes() -> list[Outcome]:
    change = CaseChange(
        CaseResult(id="npi/pp-0001", score=1.0, output="The cat sat on the mat.", prompt="Describe a cat."),
        CaseResult(id="npi/pp-0001", score=0.0, output="billing", prompt="Describe a cat."),
    )
    full = GateRun([_verdict("grammar/minimal-pairs", Status.REGRESSED, 0.86, 0.61, [change]),
                    _verdict("fluency", Status.REGRESSED, 3.2, 5.9)], 60.0, SUITES)
    lora = GateRun([_verdict("grammar/minimal-pairs", Status.PASS, 0.86, 0.85),
                    _verdict("fluency", Status.PASS, 3.2, 3.21)], 60.0, [])
    return [
        Outcome("base", None, _domain(0.05, "Eat vegetables and sleep well.")),
        Outcome("full-ft", RECIPES["full-ft"], _domain(1.0, "billing"), full, 95.0, (3.1, 0.01)),
        Outcome("lora-mix", RECIPES["lora-mix"], _domain(0.95, "Drink water and walk daily."), lora, 80.0, (3.0, 0.4)),
    ]


def test_story_shows_scores_probes_verdicts_and_what_was_forgotten() -> None:
    text = render(_outcomes(), quick=True, wall_seconds=600)
    assert "quick mode" in text
    assert "5%" in text and "100%" in text and "95%" in text
    assert "full-ft:   billing" in text
    assert "0.860 -> 0.610 REGRESSED" in text and "0.860 -> 0.850 PASS" in text
    assert "2 of 2" in text and "0 of 2" in text
    assert "4. What full-ft forgot" in text
    assert "diff:      [-The cat sat on the mat.-] {+billing+}" in text
    assert "demo wall time: 10.0 min" in text


def test_conclusion_names_the_gentlest_recipe_that_learns_and_passes() -> None:
    outcomes = _outcomes()
    lines = conclusion(outcomes)
    assert lines[0].startswith("full-ft: task 5% -> 100%; FAILS 2 capability suite(s)")
    assert lines[1] == "lora-mix: task 5% -> 95%; passes every capability suite."
    assert lines[-1].startswith("Gentlest recipe that learns the task and keeps its capabilities: lora-mix")


def test_conclusion_is_honest_when_the_gentle_recipe_does_not_learn_or_fails() -> None:
    outcomes = _outcomes()
    outcomes[2].domain = _domain(0.1, "fine")
    assert gentlest_learner(outcomes) is outcomes[1]
    assert "still fails the gate" in conclusion(outcomes)[-1]
    outcomes[1].domain = _domain(0.2, "billing")
    assert conclusion(outcomes)[-1].startswith("No recipe reached 80%")
    quiet = render(outcomes, quick=False)
    assert "quick mode" not in quiet and "wall time" not in quiet


def test_multi_line_probe_replies_stay_on_one_line() -> None:
    outcomes = _outcomes()
    outcomes[2].domain = _domain(0.95, "1. Eat well.\n2. Sleep.")
    assert "lora-mix:  1. Eat well. 2. Sleep." in render(outcomes, quick=True)

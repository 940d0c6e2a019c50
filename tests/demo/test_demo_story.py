"""The demo's story on canned results: tables, probes, the forgotten cases, the conclusion."""
from __future__ import annotations

from typing import TYPE_CHECKING

from capcheck.demo.data import PROBES
from capcheck.demo.evaluate import DomainScore, GateRun
from capcheck.demo.finetune import RECIPES
from capcheck.demo.story import Outcome, conclusion, gentlest_learner, render
from capcheck.results import CaseResult
from capcheck.verdict import CaseChange, Status, Verdict

if TYPE_CHECKING:
    from capcheck.watch import Watcher

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


def _watched(flag_from: int | None) -> "Watcher":
    from capcheck.watch import Look, SuiteLook, Watcher

    watcher = Watcher(looks=2, suites=["grammar/minimal-pairs"], log=lambda _: None)
    for index, step in enumerate((10, 20), start=1):
        flagged = flag_from is not None and step >= flag_from
        seen = SuiteLook("grammar/minimal-pairs", "accuracy", "higher", 48, 0.85, 0.5 if flagged else 0.85,
                         0.35 if flagged else 0.0, 0.02, 1e-5 if flagged else 1.0, 1e-5 if flagged else 1.0, 0.8, flagged)
        watcher.timeline.append(Look(index, step, 0.02, 3.0, (seen,)))
    return watcher


def test_story_says_when_a_watched_recipe_began_to_forget_and_that_the_mixed_one_never_did() -> None:
    outcomes = _outcomes()
    outcomes[1].watch, outcomes[1].watch_seconds = _watched(20), 6.0
    outcomes[2].watch, outcomes[2].watch_seconds = _watched(None), 6.0
    story = render(outcomes, quick=True)
    assert "3. Watching while training" in story and "4. Capability gate" in story
    assert "step  20: FLAGGED grammar/minimal-pairs" in story
    assert "began to forget by step 20 (grammar/minimal-pairs); last clean look: 10" in story
    assert "never crossed a boundary" in story
    assert "watching took 6s, 6% of the 95s of training" in story
    assert "the watcher flagged it from step 20" in story and "the watcher never flagged it" in story

"""The demo's printed story: task scores, chat probes, verdicts per suite, what was forgotten."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from capcheck.demo.data import PROBES
from capcheck.demo.evaluate import DomainScore, GateRun
from capcheck.demo.finetune import Recipe
from capcheck.report.explain import clip, explain, fmt

if TYPE_CHECKING:
    from capcheck.watch import Watcher

LEARNED = 0.8
"""Held-out task accuracy from which a recipe counts as having learned the task."""
MAX_EXPLAIN_CHARS = 2500


@dataclass
class Outcome:
    """One model of the demo: the base (recipe None) or a fine-tune."""

    name: str
    recipe: Recipe | None
    domain: DomainScore
    gate: GateRun | None = None
    train_seconds: float | None = None
    losses: tuple[float, float] | None = None
    """First and last training loss."""
    watch: "Watcher | None" = None
    """The watcher that looked at the model while it trained."""
    watch_seconds: float | None = None

    @property
    def learned(self) -> bool:
        return self.domain.accuracy >= LEARNED

    @property
    def passed_gate(self) -> bool:
        return self.gate is not None and not self.gate.failed


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  " + "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]


def gentlest_learner(outcomes: list[Outcome]) -> Outcome | None:
    """The last (gentlest) fine-tune in recipe order that learned the task."""
    learners = [o for o in outcomes if o.recipe is not None and o.learned]
    return learners[-1] if learners else None


def render(outcomes: list[Outcome], *, quick: bool, wall_seconds: float | None = None,
           cpu_seconds: float | None = None) -> str:
    """The whole story as plain text."""
    base = outcomes[0]
    tuned = [o for o in outcomes if o.recipe is not None]
    out = ["capcheck demo: fine-tune the embedded SmolLM2-135M-Instruct on a narrow support-ticket task,",
           "then ask the capability gate what it forgot."]
    if quick:
        out.append("Gate in quick mode: a fixed stratified subset of each suite, paired on case ids with the "
                   "committed full baselines.")
    out += ["", f"1. The narrow task: label accuracy on {base.domain.n} held-out tickets"]
    rows = [["model", "recipe", "task", "train loss", "train time"]]
    for o in outcomes:
        loss = f"{o.losses[0]:.2f} -> {o.losses[1]:.2f}" if o.losses else "-"
        secs = f"{o.train_seconds:.0f}s" if o.train_seconds is not None else "-"
        rows.append([o.name, o.recipe.describe() if o.recipe else "(no fine-tune)", f"{o.domain.accuracy:.0%}", loss, secs])
    out += _table(rows)

    out += ["", "2. Does it still converse? Greedy replies to ordinary questions"]
    for probe in PROBES:
        out.append(f"  Q: {probe}")
        for o in outcomes:
            reply = " ".join(o.domain.probes.get(probe, "").split())  # one line per model
            out.append(f"    {o.name + ':':10s} {clip(reply, 110) or '(empty)'}")

    watched = [o for o in tuned if o.watch is not None]
    if watched:
        out += ["", "3. Watching while training: each look runs the watch set on the model in memory "
                    "(capcheck.watch)"]
        out += ["  " + line for o in watched for line in watch_lines(o)]

    gated = [o for o in tuned if o.gate is not None]
    if gated:
        out += ["", f"{4 if watched else 3}. Capability gate against the base model's baselines "
                    "(score base -> fine-tune, verdict)"]
        suites = [v.suite for v in gated[0].gate.verdicts]  # type: ignore[union-attr]
        rows = [["suite"] + [o.name for o in gated]]
        for i, suite in enumerate(suites):
            row = [suite]
            for o in gated:
                v = o.gate.verdicts[i]  # type: ignore[union-attr]
                row.append(f"{fmt(v.base_score)[:5]} -> {fmt(v.candidate_score)[:5]} {v.status.value.upper()}")
            rows.append(row)
        rows.append(["suites failed"] + [f"{len(o.gate.failed)} of {len(suites)}" for o in gated])  # type: ignore[union-attr]
        out += _table(rows)
        worst = max(gated, key=lambda o: len(o.gate.failed))  # type: ignore[union-attr]
        if worst.gate and worst.gate.failed:
            out += ["", f"{5 if watched else 4}. What {worst.name} forgot (capcheck's failure explanation, "
                        "per failed suite)"]
            for v in worst.gate.verdicts:
                if v.suite in worst.gate.failed:
                    text = explain(v)
                    if len(text) > MAX_EXPLAIN_CHARS:
                        text = text[:MAX_EXPLAIN_CHARS] + "\n… (cut)"
                    out += ["", *("  " + line for line in text.splitlines())]
    out += ["", "Verdict"]
    out += ["  " + line for line in conclusion(outcomes)]
    if wall_seconds is not None:
        cpu = f" ({cpu_seconds / 60:.1f} min of CPU time)" if cpu_seconds is not None else ""
        out.append(f"  demo wall time: {wall_seconds / 60:.1f} min{cpu}")
    return "\n".join(out) + "\n"


def watch_lines(o: Outcome) -> list[str]:
    """One line per look, then when the recipe began to forget (or that it never crossed a boundary)."""
    assert o.watch is not None
    lines = [f"{o.name}:"]
    for look in o.watch.timeline:
        flagged = f"FLAGGED {', '.join(look.regressed)}" if look.regressed else "nothing flagged"
        lines.append(f"  step {look.step:>3}: {flagged} ({look.seconds:.0f}s)")
    first = o.watch.first_regression
    if first:
        step = min(first.values())
        names = ", ".join(n for n, s in first.items() if s == step)
        lines.append(f"  began to forget by step {step} ({names}); last clean look: "
                     f"{o.watch.last_clean_step if o.watch.last_clean_step is not None else 'none'}")
    else:
        lines.append("  never crossed a boundary")
    if o.watch_seconds is not None and o.train_seconds:
        lines.append(f"  watching took {o.watch_seconds:.0f}s, {o.watch_seconds / o.train_seconds:.0%} of the "
                     f"{o.train_seconds:.0f}s of training")
    return lines


def conclusion(outcomes: list[Outcome]) -> list[str]:
    """Plain sentences: who learned the task, who kept its capabilities, and which recipe to use."""
    base = outcomes[0]
    lines = []
    for o in outcomes[1:]:
        task = f"task {base.domain.accuracy:.0%} -> {o.domain.accuracy:.0%}"
        if o.gate is None:
            gate = "not gated"
        elif o.gate.failed:
            gate = f"FAILS {len(o.gate.failed)} capability suite(s): {', '.join(o.gate.failed)}"
        else:
            gate = "passes every capability suite"
        watch = ""
        if o.watch is not None:
            first = o.watch.first_regression
            watch = (f"; while it trained the watcher flagged it from step {min(first.values())}" if first
                     else "; while it trained the watcher never flagged it")
        lines.append(f"{o.name}: {task}; {gate}{watch}.")
    pick = gentlest_learner(outcomes)
    if pick is None:
        lines.append(f"No recipe reached {LEARNED:.0%} on the task.")
    elif pick.passed_gate:
        lines.append(f"Gentlest recipe that learns the task and keeps its capabilities: {pick.name} ({pick.recipe.describe()}).")  # type: ignore[union-attr]
    else:
        lines.append(f"The gentlest recipe that learns the task ({pick.name}) still fails the gate; tune the recipe further.")
    return lines

"""Constructed verdicts for the report tests: real judge() on hand-made results, no model."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from capcheck.baseline import Baseline
from capcheck.results import CaseResult, SuiteResult
from capcheck.verdict import Policy, Verdict, judge

CATEGORIES = ("agreement", "npi", "ellipsis")


def suite_result(name: str, scores: list[float], direction: str = "higher", outputs: list[str] | None = None) -> SuiteResult:
    cases = tuple(
        CaseResult(id=f"{name}/{i:03d}", score=s, category=CATEGORIES[i % 3], prompt=f"Prompt {i} of {name}",
                   expected=f"The boxes near the plate seem heavy {i}.",
                   output=(outputs[i] if outputs else f"The boxes near the plate seem heavy {i}."))
        for i, s in enumerate(scores)
    )
    return SuiteResult(name, f"fp-{name}", "accuracy" if direction == "higher" else "loss", direction, cases)


def stored(result: SuiteResult, folder: Path) -> Baseline:
    path = folder / f"{result.suite.replace('/', '--')}.json"
    path.write_text('{"stand-in": true}\n')  # the report hashes the file it compared with
    data = {"suite": {"name": result.suite, "fingerprint": result.fingerprint, "metric": result.metric,
                      "direction": result.direction},
            "model": {"id": "base", "fingerprint": "basefp0123"}, "engine": {"name": "hf", "version": "t", "dtype": "float32"},
            "recorded_at": "2026-01-01T00:00:00Z"}
    return Baseline(result=result, data=data, path=path)


@pytest.fixture
def verdicts(tmp_path: Path) -> Callable[[], tuple[list[Verdict], dict[str, Baseline]]]:
    """A regressed suite (a few of its outputs contain HTML and pipes), a passing one, a loss suite."""

    def make() -> tuple[list[Verdict], dict[str, Baseline]]:
        n = 90
        base = [1.0] * n
        cand = [0.0 if i < 30 and i % 3 != 2 else 1.0 for i in range(n)]  # 20 flips: agreement and npi
        outputs = [("The boxes near the plate seems heavy <script>alert(1)</script> | x"
                    if cand[i] == 0 else f"The boxes near the plate seem heavy {i}.") for i in range(n)]
        grammar_base = suite_result("grammar/minimal-pairs", base)
        grammar = suite_result("grammar/minimal-pairs", cand, outputs=outputs)
        reasoning = suite_result("reasoning", [1.0 if i % 4 else 0.0 for i in range(n)])
        loss_base = suite_result("fluency", [2.0 + 0.01 * (i % 7) for i in range(n)], "lower")
        loss_cand = suite_result("fluency", [2.0 + 0.01 * (i % 7) + 0.001 for i in range(n)], "lower")
        baselines = {r.suite: stored(r, tmp_path) for r in (grammar_base, reasoning, loss_base)}
        policy = Policy()
        out = [
            judge(grammar, baselines["grammar/minimal-pairs"], 0.02, policy),
            judge(reasoning, baselines["reasoning"], 0.02, policy),
            judge(loss_cand, baselines["fluency"], 0.05, policy),
        ]
        return out, baselines

    return make

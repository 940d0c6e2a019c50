"""What a session does with its results: judge them, record them as baselines, or calibrate.

Each mode decides one Verdict per suite from the suite's result and its stored baseline, then
finishes once every suite is decided. Recording and calibrating write their files only then.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Callable, Protocol

from capcheck import baseline as baselines
from capcheck import noise
from capcheck.baseline_store import BaselineStore
from capcheck.checkpoint import Checkpoint
from capcheck.engine_info import EngineInfo
from capcheck.errors import BaselineError
from capcheck.results import SuiteResult
from capcheck.suite import GatedSuite
from capcheck.verdict import Policy, Status, Verdict, apply_holm, judge

log = logging.getLogger(__name__)

StaleMessage = Callable[[GatedSuite, baselines.Baseline], str]
"""The message for a baseline recorded for another version of its suite (with the fix)."""


class Mode(Protocol):
    def decide(self, suite: GatedSuite, result: SuiteResult, expected: baselines.Baseline | None) -> Verdict: ...

    def finish(self, verdicts: dict[str, Verdict]) -> None: ...


def _verdict(suite: GatedSuite, status: Status, tolerance: float, n: int) -> Verdict:
    return Verdict(suite.name, suite.metric, suite.direction, status, tolerance, n=n)


def _tolerance(policy: Policy, suite: GatedSuite) -> float:
    return policy.tolerance if policy.tolerance is not None else suite.tolerance


def _comparable(suite: GatedSuite, result: SuiteResult, expected: baselines.Baseline | None, tolerance: float,
                quick: bool, message: StaleMessage) -> baselines.Baseline | Verdict:
    """The baseline to compare with, or a STALE verdict when the fingerprints differ (lm-eval suites
    learn theirs only once they ran); warns when a quick baseline meets a full run."""
    assert expected is not None, "compared without a baseline: preflight reads every one"
    if expected.data["suite"]["fingerprint"] != suite.fingerprint:
        verdict = _verdict(suite, Status.STALE, tolerance, len(result.cases))
        verdict.candidate_score, verdict.base_score = result.score, expected.result.score
        verdict.message = message(suite, expected)
        return verdict
    if expected.quick and not quick:
        log.warning("baseline %s was recorded in quick mode; only its cases are compared", expected.path)
    return expected


class Judge:
    """Compare with the baselines, case by case (the gate)."""

    def __init__(self, policy: Policy, quick: bool, engine: EngineInfo, noise_floors: dict[str, noise.NoiseFloor],
                 stale_message: StaleMessage) -> None:
        self.policy, self.quick, self.engine = policy, quick, engine
        self.noise_floors, self.stale_message = noise_floors, stale_message

    def decide(self, suite: GatedSuite, result: SuiteResult, expected: baselines.Baseline | None) -> Verdict:
        tolerance = _tolerance(self.policy, suite)
        compared = _comparable(suite, result, expected, tolerance, self.quick, self.stale_message)
        if isinstance(compared, Verdict):
            return compared
        return judge(result, compared, tolerance, self.policy, candidate_engine=self.engine.name,
                     noise=self.noise_floors.get(suite.name), candidate_dtype=self.engine.dtype)

    def finish(self, verdicts: dict[str, Verdict]) -> None:
        if self.policy.holm:
            apply_holm(list(verdicts.values()), self.policy)


class Record:
    """Store the results as the base model's baselines; every file is written once all are built."""

    def __init__(self, policy: Policy, store: BaselineStore, checkpoint: Checkpoint, engine: EngineInfo, quick: bool,
                 probe: dict[str, Any] | None) -> None:
        self.policy, self.store, self.checkpoint, self.engine = policy, store, checkpoint, engine
        self.quick, self.probe = quick, probe
        self.pending: list[tuple[Path, dict[str, Any]]] = []

    def decide(self, suite: GatedSuite, result: SuiteResult, expected: baselines.Baseline | None) -> Verdict:
        tolerance = _tolerance(self.policy, suite)
        path = self.store.directory / f"{suite.slug}.json"
        try:
            data = baselines.to_json(result, suite, self.checkpoint, self.engine, quick=self.quick, probe=self.probe)
        except BaselineError as exc:  # unusable scores: this suite is not recorded, the others are
            verdict = _verdict(suite, Status.ERROR, tolerance, len(result.cases))
            verdict.message = str(exc)
            return verdict
        self.pending.append((path, data))
        verdict = _verdict(suite, Status.RECORDED, tolerance, len(result.cases))
        verdict.candidate_score = result.score
        verdict.message = f"recorded {path}"
        return verdict

    def finish(self, verdicts: dict[str, Verdict]) -> None:
        for path, data in self.pending:
            baselines.write(path, data)


class Calibrate:
    """Measure the noise floor: how far this engine's results stray from the baselines' with no change."""

    def __init__(self, policy: Policy, store: BaselineStore, checkpoint: Checkpoint, engine: EngineInfo, quick: bool,
                 batch_size: int, stale_message: StaleMessage) -> None:
        self.policy, self.store, self.checkpoint, self.engine = policy, store, checkpoint, engine
        self.quick, self.batch_size, self.stale_message = quick, batch_size, stale_message
        self.noise_floors: dict[str, noise.NoiseFloor] = {}

    def decide(self, suite: GatedSuite, result: SuiteResult, expected: baselines.Baseline | None) -> Verdict:
        tolerance = _tolerance(self.policy, suite)
        compared = _comparable(suite, result, expected, tolerance, self.quick, self.stale_message)
        if isinstance(compared, Verdict):
            return compared
        base = compared.engine
        runs = (f"{base.get('name')} {base.get('dtype')} (baseline) vs {self.engine.name} {self.engine.dtype} "
                f"batch {self.batch_size}")
        floor = noise.measure(result, compared, runs)
        self.noise_floors[suite.name] = floor
        verdict = _verdict(suite, Status.RECORDED, tolerance, floor.n)
        stored = compared.result.by_id
        paired = [(stored[c.id].score, c.score) for c in result.cases if c.id in stored]  # a quick run: its subset
        verdict.base_score = sum(b for b, _ in paired) / len(paired)
        verdict.candidate_score = sum(c for _, c in paired) / len(paired)
        verdict.message = f"noise floor: {floor.changed} of {floor.n} cases changed, drift {floor.drift:.4f} ({runs})"
        return verdict

    def finish(self, verdicts: dict[str, Verdict]) -> None:
        if not self.noise_floors:
            return
        model = {"id": self.checkpoint.alias or self.checkpoint.model, "fingerprint": self.checkpoint.fingerprint}
        path = noise.write(self.store.directory, self.noise_floors, model,
                           {**self.engine.to_dict(), "batch_size": self.batch_size})
        for verdict in verdicts.values():
            if verdict.status == Status.RECORDED:
                verdict.message += f"; written to {path}"

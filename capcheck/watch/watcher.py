"""The watcher: looks at a model while it trains and says when a capability started to go.

Each look runs the watch set (capcheck.watch.watch_set) on the model in memory, with no save
and no reload, in eval mode and without gradients; afterwards the model's train/eval modes
and every random generator are as they were. Each suite's look is paired case by case with
the base model's stored baselines and tested at the look's share of alpha (spending): a suite
is flagged when it is worse than its tolerance and its Holm-adjusted p-value (across the
look's suites) is below that share. The false-alarm rate of a whole run stays at most alpha.
"""
from __future__ import annotations

import contextlib
import logging
import math
import random
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from statistics import NormalDist
from typing import Any, Callable, Iterator, Sequence

from capcheck import stats
from capcheck.baseline import Baseline
from capcheck.baseline import read as read_baseline
from capcheck.errors import BaselineError, CapcheckError
from capcheck.results import SuiteResult
from capcheck.suite import Suite
from capcheck.watch import spending, watch_set

log = logging.getLogger(__name__)


def look_steps(steps: int, looks: int) -> list[int]:
    """`looks` steps spread evenly over a run of `steps`, the last at its end."""
    if not 1 <= looks <= steps:
        raise CapcheckError(f"watcher: {looks} looks do not fit in a run of {steps} steps; plan 1 to {steps} looks.")
    return [round(steps * k / looks) for k in range(1, looks + 1)]


@dataclass(frozen=True)
class SuiteLook:
    """One suite at one look."""

    suite: str
    metric: str
    direction: str
    n: int
    base_score: float
    score: float
    worse: float
    """Mean per-case worsening (positive = worse), in metric units."""
    tolerance: float
    p_value: float
    p_adjusted: float
    """Holm-adjusted across the look's suites with `holm`, else the suite's own p-value."""
    boundary: float | None
    """The score at or beyond which this look flags the suite (see `boundary`); None when no
    score could be flagged at this look."""
    regressed: bool


@dataclass(frozen=True)
class Look:
    """Every suite at one training step."""

    index: int
    """1 for the first look."""
    step: int
    level: float
    """The share of alpha this look tests at."""
    seconds: float
    suites: tuple[SuiteLook, ...]

    @property
    def regressed(self) -> list[str]:
        return [s.suite for s in self.suites if s.regressed]


@dataclass(frozen=True)
class Decision:
    p_adjusted: float
    regressed: bool


def decide(comparisons: dict[str, tuple[stats.Comparison, float]], level: float, holm: bool = False) -> dict[str, Decision]:
    """The look's rule: worse than tolerance, and a p-value below the look's level.

    With `holm`, the p-values are Holm-adjusted across the look's suites. As for the gate's
    categories (verdict.adjust_categories), that family leaves out suites whose smallest
    attainable p-value exceeds the level (Tarone's criterion: a suite where few cases changed
    can never be significant), which counts changed cases, not their direction; a suite left
    out gets an adjusted p-value of 1.
    """
    if holm:
        family = [n for n, (c, _) in comparisons.items() if c.p_min <= level]
        adjusted = dict(zip(family, stats.holm([comparisons[n][0].p_value for n in family])))
    else:
        adjusted = {n: c.p_value for n, (c, _) in comparisons.items()}
    return {n: Decision(adjusted.get(n, 1.0), c.worse > tolerance and adjusted.get(n, 1.0) < level)
            for n, (c, tolerance) in comparisons.items()}


def boundary(base_score: float, comparison: stats.Comparison, tolerance: float, level: float, family: int,
             higher_is_better: bool) -> float | None:
    """The score at or beyond which this look flags the suite (below it, or above it for a loss);
    None when no score could be flagged.

    For right/wrong cases it is exact given the look's changed cases: the fewest of them that
    must have got worse for McNemar's test to pass level / family and the worsening to pass the
    tolerance. Otherwise a normal approximation with this look's spread (the decision itself
    uses the paired bootstrap)."""
    n, limit = comparison.n, level / max(1, family)
    if n == 0:
        return None
    if comparison.test == "mcnemar-exact":
        changed = round(-math.log2(comparison.p_min)) if comparison.p_min < 1 else 0
        worse = next((w for w in range(changed + 1) if stats.mcnemar_one_sided(w, changed - w) < limit
                      and (2 * w - changed) / n > tolerance), None)
        if worse is None:
            return None
        margin = (2 * worse - changed) / n
    else:
        margin = max(tolerance, NormalDist().inv_cdf(1 - limit) * comparison.sd / math.sqrt(n))
    return base_score - margin if higher_is_better else base_score + margin


@contextlib.contextmanager
def evaluating(model: Any) -> Iterator[None]:
    """Eval mode and no gradients for the look; then every module's mode and the random
    generators (Python, NumPy, torch CPU and CUDA) exactly as they were."""
    import numpy as np
    import torch

    modes = [(m, m.training) for m in model.modules()]
    python_state, numpy_state = random.getstate(), np.random.get_state()
    torch_state = torch.get_rng_state()
    cuda_states = torch.cuda.get_rng_state_all() if torch.cuda.is_available() and torch.cuda.is_initialized() else None
    model.eval()
    try:
        with torch.no_grad():
            yield
    finally:
        for module, training in modes:
            module.training = training
        random.setstate(python_state)
        np.random.set_state(numpy_state)
        torch.set_rng_state(torch_state)
        if cuda_states is not None:
            torch.cuda.set_rng_state_all(cuda_states)


def read_baselines(folder: Path, pairs: list[tuple[Suite, Suite]]) -> dict[str, Baseline]:
    """Every watched suite's baseline, read and checked: all problems in one error, each with its fix."""
    found: dict[str, Baseline] = {}
    problems = []
    for full, subset in pairs:
        hint = f"capcheck record --model BASE --baselines {folder} --suites {full.name}"
        try:
            read = read_baseline(folder / f"{full.slug}.json", full, hint)
        except BaselineError as exc:
            problems.append(str(exc))
            continue
        lost = [c.id for c in subset.cases if c.id not in read.result.by_id]
        if read.data["suite"]["fingerprint"] != full.fingerprint:
            problems.append(f"baseline {read.path} was recorded for another version of suite '{full.name}'. "
                            f"Re-record it with:\n    {hint}")
        elif lost:
            problems.append(f"baseline {read.path} lacks {len(lost)} watch case(s) ({lost[0]!r}...): it was "
                            f"recorded in quick mode. Re-record it in full with:\n    {hint}")
        else:
            found[full.name] = read
    if problems:
        raise CapcheckError("watcher: the baselines cannot be used:\n" + "\n".join(problems))
    return found


def judge_look(watched: list[Suite], found: dict[str, Baseline], results: dict[str, SuiteResult],
               level: float, holm: bool) -> tuple[SuiteLook, ...]:
    """Each suite's look, paired case by case with its baseline and decided at `level`."""
    comparisons, base_scores = {}, {}
    for suite in watched:
        by_id = found[suite.name].result.by_id
        base = [by_id[c.id].score for c in results[suite.name].cases]
        candidate = [c.score for c in results[suite.name].cases]
        base_scores[suite.name] = sum(base) / len(base)
        comparisons[suite.name] = (stats.compare(base, candidate, suite.direction == "higher"), suite.tolerance)
    decisions = decide(comparisons, level, holm)
    looks = []
    for suite in watched:
        (comparison, tolerance), decision = comparisons[suite.name], decisions[suite.name]
        higher, base_score = suite.direction == "higher", base_scores[suite.name]
        looks.append(SuiteLook(
            suite.name, suite.metric, suite.direction, comparison.n, base_score,
            base_score - comparison.worse if higher else base_score + comparison.worse, comparison.worse,
            tolerance, comparison.p_value, decision.p_adjusted,
            boundary(base_score, comparison, tolerance, level, len(comparisons) if holm else 1, higher),
            decision.regressed))
    return tuple(looks)


@dataclass
class Watcher:
    """Looks at a model in training; `look` once per planned step.

    `looks` is the number of looks planned for the run: alpha is spent over them, so it must be
    fixed before the first. `baselines` is the base model's baseline folder (default: the
    embedded model's installed baselines); every watched suite's baseline is read and checked
    here, before training starts.
    """

    looks: int
    alpha: float = 0.05
    spending: str = "pocock"
    holm: bool = False
    """Holm-adjust across the look's suites: at most alpha for any false alarm in the run, not per suite."""
    baselines: Path | None = None
    suites: Sequence[str] | None = None
    """Suite names to watch (default: every suite in the watch set)."""
    batch_size: int = 32
    log: Callable[[str], None] = field(default=print, repr=False)
    timeline: list[Look] = field(default_factory=list, init=False)
    _pairs: list[tuple[Suite, Suite]] = field(default_factory=list, init=False, repr=False)
    _baselines: dict[str, Baseline] = field(default_factory=dict, init=False, repr=False)
    _levels: list[float] = field(default_factory=list, init=False, repr=False)

    def __post_init__(self) -> None:
        from capcheck import builtin
        from capcheck.embedded import ALIAS
        from capcheck.suites_loader import load_suite_files

        if self.spending not in spending.SPENDING:
            raise CapcheckError(f"watcher: spending {self.spending!r} must be one of {', '.join(spending.SPENDING)}.")
        try:
            self._levels = spending.look_levels(self.looks, self.alpha, self.spending)
        except ValueError as exc:
            raise CapcheckError(f"watcher: {exc}.") from exc
        folder = Path(self.baselines) if self.baselines is not None else builtin.baselines_dir() / ALIAS
        if not folder.is_dir():
            raise CapcheckError(f"watcher: baseline folder {folder} does not exist. Record the base model's "
                                f"baselines first: capcheck record --model BASE --baselines {folder}")
        pairs = watch_set.watch_suites(load_suite_files(builtin.suites_dir()))
        if self.suites is not None:
            unknown = sorted(set(self.suites) - {full.name for full, _ in pairs})
            if unknown:
                raise CapcheckError(f"watcher: no watch cases for suite(s) {', '.join(unknown)}; the watch set has "
                                    f"{', '.join(full.name for full, _ in pairs)}.")
            pairs = [p for p in pairs if p[0].name in self.suites]
        self._baselines = read_baselines(folder, pairs)
        self._pairs = pairs

    @property
    def watched(self) -> list[Suite]:
        """The watch subsets, one per suite."""
        return [subset for _, subset in self._pairs]

    def look(self, model: Any, tokenizer: Any, step: int) -> Look | None:
        """Run the watch set on `model` now; None (with a warning) past the planned looks."""
        from capcheck import plan
        from capcheck.engines.base import EngineConfig
        from capcheck.engines.hf import HFEngine

        index = len(self.timeline) + 1
        if index > self.looks:
            log.warning("watcher: look at step %d is past the %d planned; alpha is spent, so it is not run. "
                        "Plan more looks (Watcher(looks=...)).", step, self.looks)
            return None
        start = time.perf_counter()
        with evaluating(model):
            engine = HFEngine.from_model(model, tokenizer, EngineConfig(batch_size=self.batch_size))
            if index == 1:
                self._warn_on_dtype(engine.info.dtype)
            results = plan.run_suites(self.watched, engine)
        level = self._levels[index - 1]
        looks = judge_look(self.watched, self._baselines, results, level, self.holm)
        seen = Look(index, step, level, time.perf_counter() - start, looks)
        self.timeline.append(seen)
        self.log(_line(seen))
        return seen

    def _warn_on_dtype(self, dtype: str) -> None:
        recorded = sorted({str(b.engine.get("dtype", "")) for b in self._baselines.values()} - {"", dtype})
        if recorded:
            log.warning("watcher: the baselines were recorded in %s and the model trains in %s; what the dtype "
                        "alone changes counts as a change at every look. Record the base model's baselines in %s "
                        "for the watcher (capcheck record --dtype %s --baselines FOLDER).",
                        ", ".join(recorded), dtype, dtype, dtype)

    @property
    def first_regression(self) -> dict[str, int]:
        """Suite -> the first step at which it was flagged."""
        first: dict[str, int] = {}
        for seen in self.timeline:
            for name in seen.regressed:
                first.setdefault(name, seen.step)
        return first

    @property
    def flagged(self) -> bool:
        return bool(self.first_regression)

    @property
    def last_clean_step(self) -> int | None:
        """The last step looked at before any suite was flagged (None if the first look flagged)."""
        clean = None
        for seen in self.timeline:
            if seen.regressed:
                break
            clean = seen.step
        return clean

    def to_dict(self) -> dict[str, Any]:
        """The timeline as the watch report holds it (schemas/watch.schema.json)."""
        return {
            "watch_set_version": watch_set.version(),
            "alpha": self.alpha,
            "spending": self.spending,
            "holm": self.holm,
            "planned_looks": self.looks,
            "levels": self._levels,
            "suites": [s.name for s in self.watched],
            "looks": [{**{k: v for k, v in asdict(seen).items() if k != "suites"},
                       "suites": [asdict(s) for s in seen.suites]} for seen in self.timeline],
            "first_regression": self.first_regression,
            "last_clean_step": self.last_clean_step,
        }


def _line(seen: Look) -> str:
    flagged = f"FLAGGED {', '.join(seen.regressed)}" if seen.regressed else "no suite flagged"
    scores = ", ".join(f"{s.suite} {s.score:.3f}" for s in seen.suites)
    return f"capcheck watch: look {seen.index} at step {seen.step} ({seen.seconds:.1f}s, level {seen.level:.4f}): " \
           f"{flagged}; {scores}"

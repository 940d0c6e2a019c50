"""The machine-readable report: every verdict with its evidence and provenance.

One dict (schema: capcheck/schemas/report.schema.json) is the single source of the
Markdown and HTML reports too, and what `capcheck gate --report out.json` hands to a
model registry: model fingerprint, baseline fingerprints, per-suite verdicts, version.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Sequence

from capcheck.baseline import Baseline
from capcheck.outcome import SessionOutcome
from capcheck.verdict import CaseChange, Policy, Status, Verdict
from capcheck.version import __version__

SCHEMA_VERSION = 1
MAX_CASES_PER_SUITE = 500
"""Worsened cases kept per suite (worst first); the count is always complete."""
COULD_NOT_RUN = (Status.MISSING, Status.STALE, Status.ERROR)


@dataclass
class RunInfo:
    """Who was checked, with what, and how long it took (everything but the verdicts)."""

    model: dict[str, Any] = field(default_factory=dict)
    engine: dict[str, Any] | None = None
    baseline_dir: str | None = None
    baselines: dict[str, Baseline] = field(default_factory=dict)
    run: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


def num(value: float | None, digits: int = 6) -> float | None:
    """A JSON-safe rounded number (NaN and None become null)."""
    if value is None or math.isnan(value) or math.isinf(value):
        return None
    return round(value, digits) + 0.0


def delta_ci(verdict: Verdict) -> tuple[float, float] | None:
    """The 95% interval of candidate - base, in metric units."""
    c = verdict.comparison
    if c is None:
        return None
    sign = -1.0 if verdict.higher_is_better else 1.0
    low, high = sorted((sign * c.ci_low, sign * c.ci_high))
    return low + 0.0, high + 0.0


def exit_code(verdicts: Sequence[Verdict], policy: Policy, error: str | None = None) -> int:
    """The gate's exit code: 0 pass, 1 regressed (or inconclusive per policy), 2 could not run."""
    if error is not None or not verdicts or any(v.status in COULD_NOT_RUN for v in verdicts):
        return 2
    return 1 if any(v.failed(policy) for v in verdicts) else 0


def _case(change: CaseChange) -> dict[str, Any]:
    base, cand = change.base, change.candidate
    return {
        "id": cand.id, "category": cand.category or "-", "prompt": cand.prompt, "expected": cand.expected,
        "base_output": base.output, "candidate_output": cand.output,
        "base_score": num(base.score), "candidate_score": num(cand.score),
    }


def _baseline(baseline: Baseline | None) -> dict[str, Any] | None:
    if baseline is None:
        return None
    raw = baseline.path.read_bytes() if baseline.path.is_file() else b""
    return {
        "path": str(baseline.path),
        "sha256": hashlib.sha256(raw).hexdigest() if raw else None,
        "model_fingerprint": baseline.model.get("fingerprint"),
        "suite_fingerprint": baseline.data["suite"]["fingerprint"],
        "engine": f"{baseline.engine.get('name')} {baseline.engine.get('version')} {baseline.engine.get('dtype')}",
        "recorded_at": baseline.data.get("recorded_at"),
    }


def _categories(verdict: Verdict) -> list[dict[str, Any]]:
    tests = {t.name: t for t in verdict.category_tests}
    out = []
    for name, (base, cand, n) in verdict.categories.items():
        entry: dict[str, Any] = {"name": name, "base": num(base), "candidate": num(cand), "n": n}
        test = tests.get(name)
        if test is not None:
            entry.update(p_value=num(test.comparison.p_value), p_adjusted=num(test.p_adjusted), regressed=test.regressed)
        out.append(entry)
    return out


def suite_entry(verdict: Verdict, policy: Policy, baseline: Baseline | None = None) -> dict[str, Any]:
    c = verdict.comparison
    ci = delta_ci(verdict)
    return {
        "name": verdict.suite,
        "metric": verdict.metric,
        "direction": verdict.direction,
        "status": verdict.status.value,
        "failed": verdict.failed(policy),
        "within_noise": verdict.within_noise,
        "failed_by_category": verdict.failed_by_category,
        "n": verdict.n,
        "base_score": num(verdict.base_score),
        "candidate_score": num(verdict.candidate_score),
        "delta": num(verdict.delta),
        "ci95": [num(ci[0]), num(ci[1])] if ci else None,
        "p_value": num(c.p_value) if c else None,
        "p_adjusted": num(verdict.p_adjusted),
        "test": c.test if c else None,
        "tolerance": num(verdict.tolerance),
        "cases_needed": verdict.cases_needed,
        "noise_floor": verdict.noise.to_dict() if verdict.noise else None,
        "notes": list(verdict.notes),
        "message": verdict.message,
        "categories": _categories(verdict),
        "tiers": [{"name": k, "base": num(b), "candidate": num(cd), "n": n} for k, (b, cd, n) in verdict.tiers.items()],
        "worsened_count": len(verdict.worsened),
        "improved_count": len(verdict.improved),
        "worsened": [_case(ch) for ch in verdict.worsened[:MAX_CASES_PER_SUITE]],
        "baseline": _baseline(baseline),
    }


def build(verdicts: Sequence[Verdict], policy: Policy, info: RunInfo) -> dict[str, Any]:
    """The report as a plain dict (valid against report.schema.json)."""
    code = exit_code(verdicts, policy, info.error)
    return {
        "schema_version": SCHEMA_VERSION,
        "capcheck_version": __version__,
        "created_at": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "verdict": {0: "pass", 1: "fail", 2: "error"}[code],
        "exit_code": code,
        "error": info.error,
        "model": info.model,
        "engine": info.engine,
        "baseline_dir": info.baseline_dir,
        "policy": {"alpha": policy.alpha, "inconclusive_fails": policy.inconclusive_fails,
                   "holm": policy.holm, "tolerance_override": policy.tolerance},
        "run": info.run,
        "suites": [suite_entry(v, policy, info.baselines.get(v.suite)) for v in verdicts],
    }


@lru_cache(maxsize=None)
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    schema = json.loads(resources.files("capcheck.schemas").joinpath("report.schema.json").read_text())
    return Draft202012Validator(schema)


def validate(data: Any) -> list[str]:
    """Every schema error, with its JSON path ([] when valid)."""
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    return [f"at {'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message[:200]}" for e in errors]


def render(data: dict[str, Any]) -> str:
    errors = validate(data)
    if errors:  # our bug: never hand a registry a file that breaks its own schema
        raise ValueError("capcheck built an invalid report: " + "; ".join(errors[:5]))
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def info_from_outcome(outcome: SessionOutcome) -> RunInfo:
    """RunInfo of a finished session."""
    r = outcome.report
    model: dict[str, Any] = {"id": outcome.settings.model or "smollm2-135m-instruct"}
    if r.checkpoint is not None:
        cp = r.checkpoint
        model = {"id": cp.alias or cp.model, "fingerprint": cp.fingerprint,
                 "adapter": str(cp.adapter) if cp.adapter else None, "base": cp.base_slug}
    st = r.stats
    run = {"requests": st.requested, "unique_requests": st.unique, "engine_calls": len(st.calls),
           "generated_tokens": st.generated_tokens, "load_seconds": num(r.load_seconds, 3),
           "inference_seconds": num(r.run_seconds, 3), "quick": outcome.settings.quick}
    return RunInfo(
        model=model,
        engine=r.engine.to_dict() if r.engine is not None else None,
        baseline_dir=str(r.baseline_dir) if r.baseline_dir is not None else None,
        baselines=dict(outcome.baselines),
        run=run,
        error=str(outcome.error) if outcome.error is not None else None,
    )


def from_outcome(outcome: SessionOutcome) -> dict[str, Any]:
    return build(outcome.ordered_verdicts, outcome.policy, info_from_outcome(outcome))

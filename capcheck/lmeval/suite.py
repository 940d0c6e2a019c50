"""lm-eval tasks and groups as capcheck suites.

An LMEvalSuite names a task or group; its cases exist only once lm-eval has built the
task, so the suite is resolved when the session runs: lm-eval's logged samples become
per-case results (id `task/doc_id`), and the task versions, a hash of each task's
config and of its local data files make the fingerprint stored in the baseline.
"""
from __future__ import annotations

import hashlib
import json
import logging
import math
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

from capcheck.errors import CapcheckError
from capcheck.requests import Decoding
from capcheck.results import CaseResult, SuiteResult

log = logging.getLogger(__name__)
PROMPT_DISPLAY_CHARS = 300
SCORER_VERSION = "lm-eval-1"
# Config keys that hold where data lives on this machine, not what it is (covered by the data hash).
_LOCATION_KEYS = {"data_files", "data_dir", "cache_dir"}


@dataclass(frozen=True)
class Resolution:
    """What only lm-eval's run tells about a suite: its metric, the task versions and the fingerprint."""

    metric: str
    direction: str
    version: str
    """Task versions and config hashes, recorded in the baseline."""
    fingerprint: str


@dataclass(frozen=True)
class LMEvalSuite:
    """An lm-eval task or group gated like any capcheck suite.

    The metric is the mean per-sample value of one of the task's metrics (the first
    one by default), over every sample of every task in the group.
    """

    task: str
    include: str | None = None
    """Folder of extra task YAMLs (lm-eval's include_path)."""
    metric_name: str | None = None
    tolerance: float = 0.02
    limit: int | None = None
    """First N documents of each task (lm-eval's limit)."""
    num_fewshot: int | None = None
    quick_size: int = 60
    description: str = ""
    resolution: Resolution | None = field(default=None, compare=False, repr=False)
    """None until lm-eval has run the task: then a resolved copy of the suite carries it."""

    chance = None
    decoding = Decoding()  # lm-eval's own generation settings are part of the config hash

    @property
    def name(self) -> str:
        return f"lm-eval/{self.task}"

    @property
    def slug(self) -> str:
        return self.name.replace("/", "--")

    @property
    def metric(self) -> str:
        return self.resolution.metric if self.resolution else self.metric_name or "lm-eval metric"

    @property
    def direction(self) -> str:
        return self.resolution.direction if self.resolution else "higher"

    @property
    def version(self) -> str:
        return self.resolution.version if self.resolution else ""

    @property
    def fingerprint(self) -> str:
        if self.resolution is None:
            raise CapcheckError(f"suite {self.name} has not been run yet; its fingerprint comes from lm-eval's task config")
        return self.resolution.fingerprint

    def quick(self) -> "LMEvalSuite":
        limit = self.quick_size if self.limit is None else min(self.limit, self.quick_size)
        return replace(self, limit=limit)


def lm_eval_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("lm_eval") is not None


def _require_lm_eval() -> None:
    if not lm_eval_available():
        raise CapcheckError("lm-eval suites need the lm-eval package. Install it with `pip install 'capcheck[lm-eval]'`.")


def run_lm_eval(suites: Sequence[LMEvalSuite], engine: Any, stats: Any) -> dict[str, tuple[LMEvalSuite, SuiteResult]]:
    """Run every lm-eval suite in one lm-eval evaluation (one engine call per request kind);
    by suite name, the suite resolved by the run and its result."""
    _require_lm_eval()
    from lm_eval import simple_evaluate
    from lm_eval.tasks import TaskManager

    from capcheck.lmeval.adapter import EngineLM

    groups: dict[tuple, list[LMEvalSuite]] = {}
    for suite in suites:  # lm-eval applies limit and num_fewshot to a whole evaluation
        groups.setdefault((suite.include, suite.limit, suite.num_fewshot), []).append(suite)
    lm = EngineLM(engine, stats)
    results: dict[str, tuple[LMEvalSuite, SuiteResult]] = {}
    for (include, limit, fewshot), members in groups.items():
        names = [s.task for s in members]
        manager = _task_manager(TaskManager, include, tuple(names))
        try:
            out = simple_evaluate(model=lm, tasks=names, task_manager=manager, limit=limit, num_fewshot=fewshot,
                                  log_samples=True, bootstrap_iters=0)
        except CapcheckError:
            raise
        except Exception as exc:  # datasets and lm-eval raise many kinds; say which suite and why
            raise CapcheckError(_explain_failure(names, exc)) from exc
        assert out is not None
        for suite in members:
            results[suite.name] = to_suite_result(suite, out)
    return results


def check_tasks(suites: Sequence[LMEvalSuite]) -> None:
    """Raise CapcheckError naming any task lm-eval does not know (the preflight: before a model
    loads). The task index built here is kept for the run."""
    _require_lm_eval()
    from lm_eval.tasks import TaskManager

    groups: dict[str | None, list[str]] = {}
    for suite in suites:
        groups.setdefault(suite.include, []).append(suite.task)
    for include, names in groups.items():
        _task_manager(TaskManager, include, tuple(names))


@lru_cache(maxsize=8)
def _task_manager(factory: Any, include: str | None, names: tuple[str, ...]) -> Any:
    """lm-eval's task index; only the include folder when it has every task (indexing lm-eval's
    own ~15k task files takes half a minute). Kept per (include, names): the preflight's index
    serves the run."""
    if include is not None:
        if not Path(include).is_dir():
            raise CapcheckError(f"--lm-eval-include {include}: no such folder. Give the folder that holds your task YAMLs.")
        local = factory(include_path=include, include_defaults=False)
        if all(n in set(local.all_tasks) for n in names):
            return local
    manager = factory(include_path=include) if include else factory()
    _check_names(manager, names, include)
    return manager


def _check_names(manager: Any, names: Sequence[str], include: str | None) -> None:
    known = set(manager.all_tasks)
    missing = [n for n in names if n not in known]
    if missing:
        where = f" or in {include}" if include else "; give a folder of task YAMLs with --lm-eval-include DIR"
        raise CapcheckError(
            f"lm-eval has no task or group named {', '.join(map(repr, missing))} (among its {len(known)} "
            f"tasks{where}). Check the spelling (`lm-eval ls tasks` lists them)."
        )


def _explain_failure(names: list[str], exc: Exception) -> str:
    text = f"{type(exc).__name__}: {exc}"
    hint = ""
    if any(word in text for word in ("ConnectionError", "Couldn't reach", "offline", "resolve", "HF_HUB_OFFLINE", "Max retries")):
        hint = (" Its dataset must come from the Hugging Face hub, which cannot be reached from here: run where "
                "the hub is reachable once (datasets caches it), or use a task whose dataset_path is local "
                "(`dataset_path: json` with data_files).")
    return f"lm-eval could not run task(s) {', '.join(names)}: {text[:600]}.{hint}"


def to_suite_result(suite: LMEvalSuite, out: dict[str, Any]) -> tuple[LMEvalSuite, SuiteResult]:
    """The suite resolved by lm-eval's output (metric, versions, fingerprint) and its per-case
    results from the logged samples."""
    tasks = _leaf_tasks(suite.task, out)
    metric, direction = _pick_metric(suite, tasks, out)
    cases: list[CaseResult] = []
    resolved = {}
    for task in tasks:
        samples = out["samples"].get(task, [])
        first_filter = samples[0]["filter"] if samples else None
        for sample in samples:
            if sample["filter"] == first_filter:  # one row per document (the task's first filter)
                cases.append(_case(task, sample, metric))
        config = out["configs"].get(task, {})
        resolved[task] = {"version": str(out["versions"].get(task)), "config": config_hash(config),
                          "data": data_hash(config)}
    if not cases:
        raise CapcheckError(f"lm-eval task {suite.task} produced no samples; check its test split and --capcheck-quick/limit.")
    payload = {"scorer": SCORER_VERSION, "tasks": resolved, "metric": metric, "fewshot": suite.num_fewshot}
    resolution = Resolution(
        metric=metric, direction=direction,
        version="; ".join(f"{t} v{r['version']} config {r['config']}" for t, r in sorted(resolved.items())),
        fingerprint=hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16],
    )
    return replace(suite, resolution=resolution), SuiteResult(suite.name, resolution.fingerprint, metric, direction, tuple(cases))


def _leaf_tasks(name: str, out: dict[str, Any]) -> list[str]:
    """The tasks under a group (recursively), or the task itself."""
    subtasks = out.get("group_subtasks", {})
    if name in out["samples"]:
        return [name]
    leaves: list[str] = []
    for child in subtasks.get(name, []):
        leaves.extend(_leaf_tasks(child, out))
    if not leaves:
        raise CapcheckError(f"lm-eval returned no samples for {name!r}; it may be a tag or an empty group.")
    return leaves


def _pick_metric(suite: LMEvalSuite, tasks: list[str], out: dict[str, Any]) -> tuple[str, str]:
    samples = out["samples"][tasks[0]]
    names = list(samples[0]["metrics"]) if samples else []
    metric = suite.metric_name or (names[0] if names else "")
    for task in tasks:
        rows = out["samples"][task]
        if rows and metric not in rows[0]["metrics"]:
            raise CapcheckError(
                f"lm-eval task {task} has no per-sample metric {metric!r}; its metrics are "
                f"{', '.join(rows[0]['metrics'])}. Pass one of them as metric=..."
            )
        if rows and not _is_number(rows[0][metric]):
            raise CapcheckError(
                f"lm-eval task {task}: metric {metric!r} is not a per-sample number (it is aggregated "
                f"over the corpus, e.g. perplexity or BLEU), so it cannot be compared case by case. "
                f"Pick a per-sample metric (for example acc or exact_match) with metric=..."
            )
    higher = out.get("higher_is_better", {}).get(tasks[0], {}).get(metric, True)
    return metric, "higher" if higher in (True, None) else "lower"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, bool)) and not (isinstance(value, float) and math.isnan(value))


def _case(task: str, sample: dict[str, Any], metric: str) -> CaseResult:
    arguments = sample["arguments"]
    prompt = str(arguments[0][0]) if arguments and arguments[0] else ""
    responses = sample["filtered_resps"]
    details: dict[str, Any] = {"doc_hash": sample.get("doc_hash", "")}
    if arguments and len(arguments) > 1 and all(isinstance(r, (list, tuple)) for r in responses):
        # Multiple choice: one log-likelihood per option; show the option the model preferred.
        logprobs = [float(r[0]) for r in responses]
        details["logprobs"] = [round(x, 4) for x in logprobs]
        best = max(range(len(logprobs)), key=logprobs.__getitem__)
        output = str(arguments[best][1]).strip()
    else:
        output = str(responses[0] if isinstance(responses, list) and len(responses) == 1 else responses)
    target = sample.get("target")
    if isinstance(target, int) and len(arguments) > target >= 0 and len(arguments[target]) > 1:
        target = arguments[target][1]
    return CaseResult(
        id=f"{task}/{sample['doc_id']}",
        score=float(sample[metric]),
        category=task,
        prompt=prompt[-PROMPT_DISPLAY_CHARS:],
        expected=str(target).strip(),
        output=output[:PROMPT_DISPLAY_CHARS],
        details=details,
    )


def _stable(value: Any) -> Any:
    """JSON-able, machine-independent form of a task config (functions by name, no addresses)."""
    if isinstance(value, dict):
        return {str(k): _stable(v) for k, v in value.items() if k not in _LOCATION_KEYS}
    if isinstance(value, (list, tuple)):
        return [_stable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if callable(value):
        return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', type(value).__name__)}"
    return type(value).__name__


def config_hash(config: dict[str, Any]) -> str:
    blob = json.dumps(_stable(config), sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(blob).hexdigest()[:12]


def data_hash(config: dict[str, Any]) -> str | None:
    """Hash of the task's local data files (so edited data makes the baseline stale); None for hub data."""
    files = (config.get("dataset_kwargs") or {}).get("data_files")
    if not files:
        return None
    paths = files.values() if isinstance(files, dict) else files if isinstance(files, list) else [files]
    digest = hashlib.sha256()
    for entry in paths:
        for path in ([entry] if isinstance(entry, str) else entry):
            p = Path(path)
            digest.update(p.read_bytes() if p.is_file() else str(path).encode())
    return digest.hexdigest()[:12]

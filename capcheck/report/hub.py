"""A gate report as Hugging Face Hub evaluation results: one `.eval_results/*.yaml` per suite.

Format followed: https://huggingface.co/docs/hub/eval-results and its specification
https://github.com/huggingface/hub-docs/blob/main/eval_results.yaml (also what
huggingface_hub's `EvalResultEntry` writes). Each file is a YAML list of entries; capcheck
writes one entry per file, with only the documented keys:

    - dataset: {id: <suite name>, task_id: default}
      value: <candidate score>
      date: <report created_at, ISO-8601 UTC>
      source: {url: <source_url>, name: capcheck gate}   # only with source_url: url is required
      evaluation_framework: capcheck
      notes: "capcheck=0.1.0; gate=fail; status=regressed; failed=true; ..."

The format has no field for a verdict, so capcheck's evidence lives in `notes` (the
spec's free-text "details about the evaluation setup"), as `key=value` pairs joined by
"; " that `notes_fields` reads back: capcheck (version), gate (the whole gate's verdict),
status, failed, metric, direction, base, delta, ci95 ("low,high"), p, p_adjusted, test,
tolerance, n, model_fingerprint (the candidate), baseline_sha256,
baseline_model_fingerprint, suite_fingerprint. A key whose value is unknown is left out.
Unknown top-level keys are avoided on purpose: the Hub validates these files at push time.

The Hub links a result to a leaderboard only when `dataset.id` is a registered Benchmark
dataset; capcheck writes the suite name there, so a suite named after its Hub benchmark
(`org/name`) links and any other suite is kept in the repository as a plain record.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import yaml

from capcheck.atomic import write_text_atomic
from capcheck.errors import CapcheckError

FOLDER = ".eval_results"
PREFIX = "capcheck_"
"""Marks capcheck's files so they never collide with hand-written ones (e.g. hle.yaml)."""
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
_MAX_SLUG = 100


def file_name(suite: str) -> str:
    """The stable, filesystem- and URL-safe file name of `suite`'s results."""
    slug = suite.replace("/", "--")  # as the baseline files are named (Suite.slug)
    safe = _UNSAFE.sub("_", slug)
    if safe != slug or len(safe) > _MAX_SLUG or safe.startswith("."):
        # A lossy mapping: a hash of the real name keeps two such suites apart.
        digest = hashlib.sha256(suite.encode("utf-8")).hexdigest()[:8]
        safe = f"{safe.lstrip('.')[:_MAX_SLUG]}-{digest}"
    return f"{PREFIX}{safe}.yaml"


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)  # round-trips exactly through float()
    return str(value).replace(";", ",")  # ';' separates the pairs


def notes(report: dict[str, Any], suite: dict[str, Any]) -> str:
    """capcheck's evidence for one suite, as "key=value; ..." (None values left out)."""
    baseline = suite.get("baseline") or {}
    ci = suite.get("ci95")
    fields: dict[str, Any] = {
        "capcheck": report.get("capcheck_version"),
        "gate": report.get("verdict"),
        "status": suite.get("status"),
        "failed": suite.get("failed"),
        "metric": suite.get("metric"),
        "direction": suite.get("direction"),
        "base": suite.get("base_score"),
        "delta": suite.get("delta"),
        "ci95": f"{_text(ci[0])},{_text(ci[1])}" if ci and None not in ci else None,
        "p": suite.get("p_value"),
        "p_adjusted": suite.get("p_adjusted"),
        "test": suite.get("test"),
        "tolerance": suite.get("tolerance"),
        "n": suite.get("n"),
        "model_fingerprint": (report.get("model") or {}).get("fingerprint"),
        "baseline_sha256": baseline.get("sha256"),
        "baseline_model_fingerprint": baseline.get("model_fingerprint"),
        "suite_fingerprint": baseline.get("suite_fingerprint"),
    }
    return "; ".join(f"{key}={_text(value)}" for key, value in fields.items() if value is not None)


def notes_fields(text: str) -> dict[str, str]:
    """The pairs of a `notes` string that capcheck wrote (values as strings)."""
    pairs = (part.partition("=") for part in text.split("; ") if part)
    return {key: value for key, _, value in pairs}


def entry(report: dict[str, Any], suite: dict[str, Any], source_url: str | None = None) -> dict[str, Any]:
    """One `.eval_results` entry for one suite of `report`."""
    data: dict[str, Any] = {
        "dataset": {"id": suite["name"], "task_id": "default"},
        "value": suite["candidate_score"],
        "date": report["created_at"],
    }
    if source_url:
        data["source"] = {"url": source_url, "name": "capcheck gate"}
    data["evaluation_framework"] = "capcheck"
    data["notes"] = notes(report, suite)
    return data


def write_eval_results(report: dict[str, Any], repo_dir: Path, *, source_url: str | None = None) -> list[Path]:
    """Write one `.eval_results/capcheck_<suite>.yaml` per scored suite of `report`; their paths.

    Each file is replaced atomically; other files in `.eval_results/` are left alone. A
    suite without a candidate score (it could not run) gets no file: the format requires
    a value.
    """
    repo_dir = Path(repo_dir)
    if not repo_dir.is_dir():
        raise CapcheckError(
            f"--hub-eval-results {repo_dir}: no such folder; pass the local clone of the model "
            "repository (e.g. from `hf download ORG/MODEL --local-dir DIR`), whose .eval_results/ gets the files."
        )
    folder = repo_dir / FOLDER
    if folder.exists() and not folder.is_dir():
        raise CapcheckError(f"{folder} is a file; the Hub reads evaluation results from a folder of that name: move it away.")
    scored = [s for s in report.get("suites", []) if s.get("candidate_score") is not None]
    names: dict[str, str] = {}
    for suite in scored:
        name = file_name(suite["name"])
        if name in names:
            raise CapcheckError(
                f"suites {names[name]!r} and {suite['name']!r} map to the same file {FOLDER}/{name}; rename one of them."
            )
        names[name] = suite["name"]
    written = []
    for suite in scored:
        path = folder / file_name(suite["name"])
        text = yaml.safe_dump([entry(report, suite, source_url)], sort_keys=False, allow_unicode=True, width=1000)
        write_text_atomic(path, text)
        written.append(path)
    return written

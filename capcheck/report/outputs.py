"""Everything a run writes besides its verdicts: report files, an MLflow run, Hub eval results.

`check` runs in the preflight, before any model loads, so an output that cannot be
written costs seconds, not a whole run; `write_all` runs once every verdict is known.
"""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Any

from capcheck.errors import CapcheckError
from capcheck.outcome import SessionOutcome
from capcheck.settings import Settings


def report_paths(settings: Settings, base: Path) -> list[Path]:
    """--capcheck-report paths, relative ones taken from `base` (where the run started)."""
    return [path if path.is_absolute() else base / path for path in map(Path, settings.report)]


def check(settings: Settings, base: Path) -> None:
    """Raise CapcheckError when an output of this run could not be written."""
    for path in report_paths(settings, base):
        folder = path.parent
        if path.is_dir():
            raise CapcheckError(f"--capcheck-report {path} is a folder; give a file name such as {path / 'capcheck.json'}.")
        if not folder.is_dir():
            raise CapcheckError(
                f"--capcheck-report {path}: the folder {folder} does not exist. Create it first "
                f"(`mkdir -p {folder}`) or write the report elsewhere."
            )
        if not os.access(folder, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
            raise CapcheckError(f"--capcheck-report {path} cannot be written (no permission); pick a writable place.")
    if settings.mlflow and importlib.util.find_spec("mlflow") is None:
        raise CapcheckError(f"--mlflow {settings.mlflow} needs MLflow, which is not installed: "
                            "pip install 'capcheck[mlflow]'.")
    if settings.hub_eval_results:
        repo = Path(settings.hub_eval_results)
        repo = repo if repo.is_absolute() else base / repo
        if not repo.is_dir():
            raise CapcheckError(
                f"--hub-eval-results {repo}: no such folder. Pass the local clone of the model's Hub repository "
                "(its .eval_results/ folder is created there)."
            )


def write_all(outcome: SessionOutcome, base: Path) -> list[str]:
    """Write every output of a finished session; one line per output for the summary."""
    from capcheck.report.files import write_report
    from capcheck.report.json_report import from_outcome

    settings = outcome.settings
    report = from_outcome(outcome)
    lines = []
    for path in report_paths(settings, base):
        try:
            write_report(report, path)
            lines.append(f"capcheck report: {path}")
        except OSError as exc:
            lines.append(f"capcheck report: {path} NOT written ({exc}); check that the folder exists and is writable")
    if settings.mlflow:
        lines.append(_mlflow(report, settings))
    if settings.hub_eval_results:
        lines.append(_hub(report, settings, base))
    return lines


def _mlflow(report: dict[str, Any], settings: Settings) -> str:
    from capcheck.report.mlflow_run import log_gate

    assert settings.mlflow is not None
    try:
        run_id = log_gate(report, settings.mlflow, experiment=settings.mlflow_experiment)
    except CapcheckError as exc:
        return f"capcheck mlflow: NOT logged ({exc})"
    return f"capcheck mlflow: run {run_id} in experiment '{settings.mlflow_experiment}' at {settings.mlflow}"


def _hub(report: dict[str, Any], settings: Settings, base: Path) -> str:
    from capcheck.report.hub import write_eval_results

    assert settings.hub_eval_results is not None
    repo = Path(settings.hub_eval_results)
    repo = repo if repo.is_absolute() else base / repo
    try:
        written = write_eval_results(report, repo)
    except (CapcheckError, OSError) as exc:
        return f"capcheck hub eval results: NOT written ({exc})"
    return f"capcheck hub eval results: {len(written)} files in {repo / '.eval_results'}"

"""A gate report as one MLflow run: per-suite metrics, verdict tags, the report as an artifact.

Needs the optional extra `pip install 'capcheck[mlflow]'` (mlflow-skinny, plus SQLAlchemy
and Alembic for a local `sqlite:///mlflow.db` store). Keys follow MLflow's rules for
metric and tag names (alphanumerics, `_ - . /` and spaces; a normalized relative path;
at most 250 characters); a suite's name is used as is when it fits them:

    metrics  capcheck.score/<suite>  capcheck.base_score/<suite>  capcheck.delta/<suite>
             capcheck.ci95_low/<suite>  capcheck.ci95_high/<suite>  capcheck.p_value/<suite>
    tags     capcheck.verdict (pass|fail|error)  capcheck.exit_code  capcheck.version
             capcheck.model  capcheck.model_fingerprint  capcheck.error
             capcheck.status/<suite>  capcheck.failed/<suite> (true|false)
             capcheck.baseline_sha256/<suite>  capcheck.baseline_model_fingerprint/<suite>
             capcheck.suite_fingerprint/<suite>
    params   capcheck.alpha  capcheck.inconclusive_fails  capcheck.holm  capcheck.tolerance_override
    artifact capcheck-report.json (the report exactly as `--report verdict.json` writes it)

A value the report does not know (null) is left out.
"""
from __future__ import annotations

import hashlib
import re
import time
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from capcheck.errors import CapcheckError

ARTIFACT = "capcheck-report.json"
MAX_KEY = 250  # MLflow's limit on a metric, param or tag key
MAX_TAG_VALUE = 5000  # MLflow cuts longer tag values (8000 now, 5000 on older servers): cut them ourselves
_BATCH_TAGS = 100  # MLflow's per-batch limit on params + tags
_BATCH_METRICS = 1000
_UNSAFE = re.compile(r"[^A-Za-z0-9_.\- /]")  # colons are legal except on Windows: avoid them
SUITE_METRICS = {"score": "candidate_score", "base_score": "base_score", "delta": "delta", "p_value": "p_value"}


def key(prefix: str, suite: str) -> str:
    """`prefix/suite` as a valid MLflow key, stable per suite (a hash marks a changed name)."""
    safe = _UNSAFE.sub("_", suite)
    safe = "/".join(part if part not in ("", ".", "..") else "_" for part in safe.split("/"))
    room = MAX_KEY - len(prefix) - 1
    if safe != suite or len(safe) > room:
        digest = hashlib.sha256(suite.encode("utf-8")).hexdigest()[:8]
        safe = f"{safe[: room - 9]}-{digest}"
    return f"{prefix}/{safe}"


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)[:MAX_TAG_VALUE]


def metrics(report: dict[str, Any]) -> dict[str, float]:
    """The run's metrics: key -> value."""
    out: dict[str, float] = {}
    for suite in report.get("suites", []):
        name = suite["name"]
        for metric, field in SUITE_METRICS.items():
            if suite.get(field) is not None:
                out[key(f"capcheck.{metric}", name)] = float(suite[field])
        ci = suite.get("ci95") or (None, None)
        for metric, value in zip(("ci95_low", "ci95_high"), ci):
            if value is not None:
                out[key(f"capcheck.{metric}", name)] = float(value)
    return out


def tags(report: dict[str, Any]) -> dict[str, str]:
    """The run's tags: key -> value."""
    model = report.get("model") or {}
    out = {
        "capcheck.verdict": report.get("verdict"),
        "capcheck.exit_code": report.get("exit_code"),
        "capcheck.version": report.get("capcheck_version"),
        "capcheck.model": model.get("id"),
        "capcheck.model_fingerprint": model.get("fingerprint"),
        "capcheck.error": report.get("error"),
    }
    for suite in report.get("suites", []):
        name, baseline = suite["name"], suite.get("baseline") or {}
        out[key("capcheck.status", name)] = suite.get("status")
        out[key("capcheck.failed", name)] = suite.get("failed")
        out[key("capcheck.baseline_sha256", name)] = baseline.get("sha256")
        out[key("capcheck.baseline_model_fingerprint", name)] = baseline.get("model_fingerprint")
        out[key("capcheck.suite_fingerprint", name)] = baseline.get("suite_fingerprint")
    return {k: _text(v) for k, v in out.items() if v is not None}


def params(report: dict[str, Any]) -> dict[str, str]:
    """The gate's policy, as run params."""
    return {f"capcheck.{k}": _text(v) for k, v in (report.get("policy") or {}).items() if v is not None}


def _chunks(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def shown(uri: str) -> str:
    """`uri` fit for a log: a password in it (postgresql://user:secret@host/db) is masked."""
    parts = urlsplit(uri)
    if parts.password is None:
        return uri
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


def _why(exc: Exception, uri: str) -> str:
    """The error's own message, without a trailing period and with `uri` masked."""
    return str(getattr(exc, "message", None) or exc).strip().rstrip(".").replace(uri, shown(uri))


def _experiment_id(client: Any, name: str) -> str:
    from mlflow.exceptions import MlflowException

    found = client.get_experiment_by_name(name)
    if found is not None:
        return str(found.experiment_id)
    try:
        return str(client.create_experiment(name))
    except MlflowException:  # another gate created it in between
        found = client.get_experiment_by_name(name)
        if found is None:
            raise
        return str(found.experiment_id)


def log_gate(
    report: dict[str, Any], tracking_uri: str, *, experiment: str = "capcheck", run_name: str | None = None
) -> str:
    """Log `report` as a new run of `experiment` in the MLflow store at `tracking_uri`; the run id."""
    try:
        from mlflow import MlflowClient
        from mlflow.entities import Metric, Param, RunTag
        from mlflow.exceptions import MlflowException
    except ImportError as exc:
        raise CapcheckError(
            f"--mlflow {shown(tracking_uri)}: MLflow is not installed ({exc}); "
            "install it with `pip install 'capcheck[mlflow]'`."
        ) from exc
    from capcheck.report.json_report import render

    where = shown(tracking_uri)
    text = render(report)  # first: an invalid report never reaches the registry
    model = (report.get("model") or {}).get("id", "model")
    try:
        client = MlflowClient(tracking_uri=tracking_uri)
        run = client.create_run(_experiment_id(client, experiment), run_name=run_name or f"capcheck gate {model}")
    except (MlflowException, OSError) as exc:
        raise CapcheckError(
            f"--mlflow {where}: could not start a run in experiment {experiment!r}: {_why(exc, tracking_uri)}. "
            "Check the tracking URI (e.g. sqlite:///mlflow.db or http://host:5000) and that the store is reachable."
        ) from exc
    run_id = str(run.info.run_id)
    try:
        now = int(time.time() * 1000)
        ms = [Metric(k, v, now, 0) for k, v in metrics(report).items()]
        kv = [Param(k, v) for k, v in params(report).items()] + [RunTag(k, v) for k, v in tags(report).items()]
        for part in _chunks(ms, _BATCH_METRICS):
            client.log_batch(run_id, metrics=part)
        for part in _chunks(kv, _BATCH_TAGS):
            client.log_batch(run_id, params=[p for p in part if isinstance(p, Param)],
                             tags=[t for t in part if isinstance(t, RunTag)])
        client.log_text(run_id, text, ARTIFACT)
    except (MlflowException, OSError) as exc:  # OSError: a local artifact folder that cannot be written
        client.set_terminated(run_id, "FAILED")
        raise CapcheckError(f"--mlflow {where}: logging run {run_id} failed: {_why(exc, tracking_uri)}.") from exc
    except BaseException:
        client.set_terminated(run_id, "FAILED")
        raise
    client.set_terminated(run_id, "FINISHED")  # a failed gate is still a finished run: its verdict is a tag
    return run_id

"""MLflow: one run per gate in a real local sqlite store, read back through MLflow's own client."""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from capcheck.errors import CapcheckError
from capcheck.report.json_report import RunInfo, build
from capcheck.report.mlflow_run import ARTIFACT, key, log_gate
from capcheck.verdict import Policy, Status, Verdict


@pytest.fixture(scope="module")
def mlflow() -> Any:
    """The mlflow package; skips the test when the optional extra is not installed."""
    module = pytest.importorskip("mlflow", reason="MLflow is an optional extra: pip install 'capcheck[mlflow]'")
    pytest.importorskip("sqlalchemy", reason="a local sqlite store needs SQLAlchemy: pip install 'capcheck[mlflow]'")
    return module


@pytest.fixture(scope="module")
def empty_store(mlflow: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, empty sqlite store: creating one takes seconds, copying it none."""
    path = tmp_path_factory.mktemp("mlflow") / "empty.db"
    mlflow.MlflowClient(f"sqlite:///{path}").search_experiments()  # creates the tables
    return path


@pytest.fixture
def store(empty_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    # A sqlite store puts artifacts in ./mlruns of the working directory: keep them in tmp_path.
    monkeypatch.chdir(tmp_path)
    shutil.copyfile(empty_store, tmp_path / "mlflow.db")
    return f"sqlite:///{tmp_path / 'mlflow.db'}"


@pytest.fixture
def report(verdicts) -> dict:
    vs, baselines = verdicts()
    return build(vs, Policy(), RunInfo(model={"id": "ft", "fingerprint": "candfp42"}, baselines=baselines))


def test_a_gate_is_one_run_with_every_metric_tag_and_the_report(report: dict, store: str, tmp_path: Path,
                                                                mlflow: Any) -> None:
    run_id = log_gate(report, store, run_name="gate of ft")
    run = mlflow.MlflowClient(store).get_run(run_id)
    assert run.info.status == "FINISHED" and run.info.run_name == "gate of ft"
    assert Path(run.info.artifact_uri).is_relative_to(tmp_path / "mlruns")  # MLflow's default: ./mlruns
    expected_metrics = {}
    expected_tags = {
        "capcheck.verdict": "fail", "capcheck.exit_code": "1", "capcheck.version": report["capcheck_version"],
        "capcheck.model": "ft", "capcheck.model_fingerprint": "candfp42",
    }
    for suite in report["suites"]:
        name = suite["name"]
        expected_metrics.update({
            f"capcheck.score/{name}": suite["candidate_score"], f"capcheck.base_score/{name}": suite["base_score"],
            f"capcheck.delta/{name}": suite["delta"], f"capcheck.p_value/{name}": suite["p_value"],
            f"capcheck.ci95_low/{name}": suite["ci95"][0], f"capcheck.ci95_high/{name}": suite["ci95"][1],
        })
        expected_tags.update({
            f"capcheck.status/{name}": suite["status"], f"capcheck.failed/{name}": str(suite["failed"]).lower(),
            f"capcheck.baseline_sha256/{name}": suite["baseline"]["sha256"],
            f"capcheck.baseline_model_fingerprint/{name}": "basefp0123",
            f"capcheck.suite_fingerprint/{name}": f"fp-{name}",
        })
    assert run.data.metrics == expected_metrics
    assert {k: v for k, v in run.data.tags.items() if k.startswith("capcheck.")} == expected_tags
    assert run.data.tags["capcheck.status/grammar/minimal-pairs"] == "regressed"
    assert run.data.tags["capcheck.failed/grammar/minimal-pairs"] == "true"
    assert run.data.tags["capcheck.status/reasoning"] == "pass"
    assert run.data.params == {"capcheck.alpha": "0.05", "capcheck.inconclusive_fails": "true", "capcheck.holm": "false"}
    local = mlflow.MlflowClient(store).download_artifacts(run_id, ARTIFACT, str(tmp_path / "back"))
    assert json.loads(Path(local).read_text(encoding="utf-8")) == json.loads(json.dumps(report))


def test_two_gates_are_two_runs_in_one_experiment(report: dict, store: str, verdicts, mlflow: Any) -> None:
    first = log_gate(report, store, experiment="ft-gates")
    vs, baselines = verdicts()
    passing = build(vs[1:], Policy(), RunInfo(model={"id": "ft2", "fingerprint": "candfp43"}, baselines=baselines))
    second = log_gate(passing, store, experiment="ft-gates")
    client = mlflow.MlflowClient(store)
    experiment = client.get_experiment_by_name("ft-gates")
    assert experiment is not None
    runs = client.search_runs([experiment.experiment_id], order_by=["attributes.start_time ASC"])
    assert first != second and sorted(r.info.run_id for r in runs) == sorted([first, second])
    one, two = client.get_run(first), client.get_run(second)
    assert one.info.experiment_id == two.info.experiment_id == experiment.experiment_id
    assert (one.data.tags["capcheck.verdict"], two.data.tags["capcheck.verdict"]) == ("fail", "pass")
    assert two.data.tags["capcheck.model_fingerprint"] == "candfp43" and two.info.run_name == "capcheck gate ft2"
    assert "capcheck.score/grammar/minimal-pairs" in one.data.metrics
    assert "capcheck.score/grammar/minimal-pairs" not in two.data.metrics  # nothing leaks from the first run
    found = client.search_runs([experiment.experiment_id], filter_string="tags.`capcheck.verdict` = 'pass'")
    assert [r.info.run_id for r in found] == [second]


def test_nulls_are_left_out_and_odd_suite_names_become_valid_keys(store: str, mlflow: Any) -> None:
    missing = Verdict("odd:name/../x", "accuracy", "higher", Status.MISSING, 0.02, message="no baseline")
    data = build([missing], Policy(), RunInfo(model={"id": "m"}))
    run = mlflow.MlflowClient(store).get_run(log_gate(data, store))
    status_key = key("capcheck.status", "odd:name/../x")
    assert ":" not in status_key and "/../" not in status_key
    assert run.data.tags[status_key] == "missing" and run.data.tags["capcheck.verdict"] == "error"
    assert run.data.metrics == {} and "capcheck.model_fingerprint" not in run.data.tags
    assert key("capcheck.status", "odd:name/../x") == status_key  # stable
    assert key("capcheck.score", "grammar/minimal-pairs") == "capcheck.score/grammar/minimal-pairs"
    assert len(key("capcheck.baseline_model_fingerprint", "s" * 400)) <= 250


def test_a_store_that_cannot_be_opened_is_a_clear_error(report: dict, tmp_path: Path, mlflow: Any,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a-file").write_text("")
    with pytest.raises(CapcheckError, match="could not start a run in experiment 'capcheck'.*Check the tracking URI"):
        log_gate(report, f"sqlite:///{tmp_path / 'a-file' / 'mlflow.db'}")
    with pytest.raises(CapcheckError, match="^--mlflow nosuchscheme://x: could not start a run"):
        log_gate(report, "nosuchscheme://x")
    assert not (tmp_path / "mlruns").exists() and not list(tmp_path.glob("*.db"))  # nothing logged anywhere


def test_without_mlflow_the_error_names_the_extra(report: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs with or without MLflow installed: it hides MLflow either way."""
    monkeypatch.setitem(sys.modules, "mlflow", None)  # what `import mlflow` sees when it is not installed
    with pytest.raises(CapcheckError, match=r"pip install 'capcheck\[mlflow\]'") as raised:
        log_gate(report, "postgresql://gate:s3cret@db.internal:5432/mlflow")
    assert "s3cret" not in str(raised.value) and "postgresql://gate:***@db.internal:5432/mlflow" in str(raised.value)

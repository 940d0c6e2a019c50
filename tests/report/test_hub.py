"""Hub `.eval_results/`: one YAML per suite in the documented format, read back with safe_load."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from capcheck.errors import CapcheckError
from capcheck.report.hub import file_name, notes_fields, write_eval_results
from capcheck.report.json_report import RunInfo, build
from capcheck.verdict import Policy, Status, Verdict

SPEC_KEYS = {"dataset", "value", "verifyToken", "date", "source", "evaluation_framework", "notes"}
"""The top-level keys https://huggingface.co/docs/hub/eval-results documents."""


@pytest.fixture
def report(verdicts) -> dict:
    vs, baselines = verdicts()
    return build(vs, Policy(), RunInfo(model={"id": "ft", "fingerprint": "candfp42"}, baselines=baselines))


def test_one_file_per_suite_carries_every_field(report: dict, tmp_path: Path) -> None:
    repo = tmp_path / "model"
    repo.mkdir()
    paths = write_eval_results(report, repo, source_url="https://ci.example/runs/7")
    assert [p.name for p in paths] == [
        "capcheck_grammar--minimal-pairs.yaml", "capcheck_reasoning.yaml", "capcheck_fluency.yaml"]
    assert all(p.parent == repo / ".eval_results" for p in paths)
    for path, suite in zip(paths, report["suites"]):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert isinstance(data, list) and len(data) == 1
        (item,) = data
        assert set(item) <= SPEC_KEYS
        assert item["dataset"] == {"id": suite["name"], "task_id": "default"}
        assert item["value"] == suite["candidate_score"] and isinstance(item["value"], float)
        assert item["date"] == report["created_at"]  # a string, not a YAML timestamp
        assert item["source"] == {"url": "https://ci.example/runs/7", "name": "capcheck gate"}
        assert item["evaluation_framework"] == "capcheck"
        fields = notes_fields(item["notes"])
        baseline = suite["baseline"]
        expected = {
            "capcheck": report["capcheck_version"], "gate": "fail", "status": suite["status"],
            "failed": "true" if suite["failed"] else "false", "metric": suite["metric"],
            "direction": suite["direction"], "test": suite["test"], "n": str(suite["n"]),
            "model_fingerprint": "candfp42", "baseline_sha256": baseline["sha256"],
            "baseline_model_fingerprint": "basefp0123", "suite_fingerprint": f"fp-{suite['name']}",
        }
        assert {k: fields[k] for k in expected} == expected
        for name, field in (("base", "base_score"), ("delta", "delta"), ("p", "p_value"), ("tolerance", "tolerance")):
            assert float(fields[name]) == suite[field], name
        low, high = (float(x) for x in fields["ci95"].split(","))
        assert [low, high] == suite["ci95"]
        assert "p_adjusted" not in fields  # null without Holm: left out, not written as "None"
    grammar = notes_fields(yaml.safe_load(paths[0].read_text())[0]["notes"])
    assert grammar["status"] == "regressed" and grammar["failed"] == "true" and float(grammar["delta"]) < 0


def test_huggingface_hub_reads_the_files(report: dict, tmp_path: Path) -> None:
    """The Hub client's own parser of the format accepts them (it raises on a missing required key)."""
    hub = pytest.importorskip("huggingface_hub", reason="huggingface_hub comes with transformers")
    paths = write_eval_results(report, tmp_path, source_url="https://ci.example/runs/7")
    (entry,) = hub.parse_eval_result_entries(yaml.safe_load(paths[0].read_text()))
    grammar = report["suites"][0]
    assert (entry.dataset_id, entry.task_id, entry.value) == ("grammar/minimal-pairs", "default", grammar["candidate_score"])
    assert entry.source_url == "https://ci.example/runs/7" and entry.date == report["created_at"]
    assert notes_fields(entry.notes)["status"] == "regressed"


def test_rewrites_its_own_files_and_leaves_others_alone(report: dict, tmp_path: Path) -> None:
    folder = tmp_path / ".eval_results"
    folder.mkdir()
    (folder / "hle.yaml").write_text("- dataset: {id: cais/hle, task_id: default}\n  value: 20.9\n")
    stale = folder / "capcheck_reasoning.yaml"
    stale.write_text("old\n")
    os.chmod(stale, 0o644)
    write_eval_results(report, tmp_path)
    assert (folder / "hle.yaml").read_text().endswith("value: 20.9\n")
    again = yaml.safe_load(stale.read_text())
    assert again[0]["value"] == report["suites"][1]["candidate_score"] and "source" not in again[0]
    assert stale.stat().st_mode & 0o777 == 0o644
    assert sorted(p.name for p in folder.iterdir()) == [  # no temp files left behind
        "capcheck_fluency.yaml", "capcheck_grammar--minimal-pairs.yaml", "capcheck_reasoning.yaml", "hle.yaml"]


def test_a_suite_that_could_not_run_gets_no_file(tmp_path: Path) -> None:
    missing = Verdict("s", "accuracy", "higher", Status.MISSING, 0.02, message="no baseline for suite 's'")
    data = build([missing], Policy(), RunInfo(model={"id": "m"}))
    assert write_eval_results(data, tmp_path) == []


def test_file_names_are_safe_stable_and_distinct() -> None:
    assert file_name("grammar/minimal-pairs") == "capcheck_grammar--minimal-pairs.yaml"
    suites = ("a b/c", "a_b/c", "../etc", "x" * 300, "x" * 301, "ünï/cøde")
    odd = [file_name(n) for n in suites]
    assert odd == [file_name(n) for n in suites]  # stable
    assert len(set(odd)) == len(odd)  # a lossy mapping adds a hash of the real name
    for name in odd:
        assert name.startswith("capcheck_") and name.endswith(".yaml") and len(name) < 130
        assert all(c.isascii() and (c.isalnum() or c in "._-") for c in name), name


def test_two_suites_with_one_file_name_are_refused(report: dict, tmp_path: Path) -> None:
    report["suites"][1]["name"] = "grammar--minimal-pairs"
    with pytest.raises(CapcheckError, match="same file .*rename one"):
        write_eval_results(report, tmp_path)
    assert not (tmp_path / ".eval_results").exists()  # refused before writing anything


def test_refuses_a_folder_that_does_not_exist(report: dict, tmp_path: Path) -> None:
    with pytest.raises(CapcheckError, match="no such folder.*local clone of the model"):
        write_eval_results(report, tmp_path / "nope")
    (tmp_path / ".eval_results").write_text("")
    with pytest.raises(CapcheckError, match="is a file"):
        write_eval_results(report, tmp_path)

"""The JSON report: valid against its schema, complete for a registry, honest exit codes."""
from __future__ import annotations

import json
import math

from capcheck.report import json_report
from capcheck.report.json_report import RunInfo, build, exit_code
from capcheck.verdict import Policy, Status, Verdict


def test_report_is_valid_and_carries_the_evidence(verdicts) -> None:
    vs, baselines = verdicts()
    data = build(vs, Policy(), RunInfo(model={"id": "ft", "fingerprint": "abc"}, baselines=baselines))
    assert json_report.validate(data) == []
    text = json_report.render(data)
    again = json.loads(text)
    assert again == json.loads(json.dumps(data)) and text.endswith("\n")
    assert again["verdict"] == "fail" and again["exit_code"] == 1
    grammar, reasoning, fluency = again["suites"]
    assert grammar["status"] == "regressed" and grammar["failed"] and grammar["worsened_count"] == 20
    assert grammar["delta"] < 0 and grammar["ci95"][0] < grammar["delta"] < grammar["ci95"][1]
    assert {c["category"] for c in grammar["worsened"]} == {"agreement", "npi"}
    assert grammar["worsened"][0]["candidate_output"].startswith("The boxes near the plate seems")
    assert grammar["baseline"]["model_fingerprint"] == "basefp0123" and len(grammar["baseline"]["sha256"]) == 64
    assert reasoning["status"] == "pass" and reasoning["delta"] == 0 and not reasoning["failed"]
    assert fluency["direction"] == "lower" and fluency["test"] == "paired-bootstrap"


def test_nan_scores_become_null_and_statuses_set_the_exit_code() -> None:
    missing = Verdict("s", "accuracy", "higher", Status.MISSING, 0.02, message="no baseline for suite 's'")
    data = build([missing], Policy(), RunInfo(model={"id": "m"}))
    assert json_report.validate(data) == []
    assert data["suites"][0]["base_score"] is None and data["exit_code"] == 2 and data["verdict"] == "error"
    passing = Verdict("s", "accuracy", "higher", Status.PASS, 0.02)
    inconclusive = Verdict("t", "accuracy", "higher", Status.INCONCLUSIVE, 0.02)
    assert exit_code([passing], Policy()) == 0
    assert exit_code([passing, inconclusive], Policy()) == 1
    assert exit_code([passing, inconclusive], Policy(inconclusive_fails=False)) == 0
    assert exit_code([passing], Policy(), error="engine failed") == 2
    assert exit_code([], Policy()) == 2
    assert math.isnan(missing.base_score)


def test_schema_rejects_a_broken_report_with_json_paths(verdicts) -> None:
    vs, baselines = verdicts()
    data = build(vs, Policy(), RunInfo(model={"id": "m"}, baselines=baselines))
    data["suites"][0]["status"] = "fine"
    del data["suites"][1]["n"]
    data["exit_code"] = 7
    errors = json_report.validate(data)
    assert any(e.startswith("at suites/0/status") for e in errors)
    assert any(e.startswith("at suites/1") and "'n'" in e for e in errors)
    assert any(e.startswith("at exit_code") for e in errors)

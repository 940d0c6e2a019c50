"""An lm-eval task gated on the embedded model with the hf engine, end to end (slow)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def hf_loaded() -> None:
    """Load the model once out here: modules first imported inside an in-process pytester run
    are dropped from sys.modules after it, and torch's then crash the garbage collector."""
    from capcheck.checkpoint import resolve
    from capcheck.engines import EngineConfig
    from capcheck.engines.hf import HFEngine

    HFEngine(resolve(None), EngineConfig(threads=1)).close()


def test_record_then_pass_on_the_embedded_model(pytester: pytest.Pytester, task_dir: Path, hf_loaded: None) -> None:
    pytester.makepyprojecttoml('[tool.capcheck]\nsuites = "project"\nengine = "hf"\n')
    options = ("-p", "no:cacheprovider", "--capcheck-no-cache", "--capcheck-threads", "1",
               "--lm-eval-tasks", "capcheck_arith_mc", "--lm-eval-include", str(task_dir))
    pytester.runpytest(*options, "--capcheck-record").assert_outcomes(passed=1)
    [path] = (pytester.path / "baselines").rglob("*.json")
    data = json.loads(path.read_text())
    assert data["engine"]["name"] == "hf" and data["engine"]["dtype"] == "float32"
    assert len(data["cases"]) == 24 and data["suite"]["metric"] == "acc"
    logprobs = data["cases"][0]["details"]["logprobs"]
    assert len(logprobs) == 4 and all(x < 0 for x in logprobs)  # real log-likelihoods per option
    again = pytester.runpytest(*options)
    again.assert_outcomes(passed=1)
    assert "lm-eval/capcheck_arith_mc" in again.stdout.str()

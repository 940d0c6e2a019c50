"""The vllm engine on the built-in suites, through the plugin: agreement with the hf engine.

The committed baselines were recorded with the hf engine in float32. Here the whole
plugin flow (`pytest suites --engine vllm --dtype float32 --capcheck-record`) runs once
in a subprocess on the embedded model, and its recorded per-case results are compared
with the hf baselines:

- greedy replies are identical on at least 99% of generated cases;
- log-likelihoods agree within 1e-3 per token;
- judged as a candidate against the hf baselines, every suite passes (a baseline
  recorded with one engine passes with the other).

Skipped where vllm is not installed (run in .venv-vllm: `make test-vllm`).
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from capcheck import baseline as baselines
from capcheck.cases import ChoiceCase, PassageCase
from capcheck.results import CaseResult
from capcheck.suite import Suite
from capcheck.suites_loader import load_suite_files
from capcheck.verdict import Policy, Status, judge

REPO = Path(__file__).resolve().parents[2]
HF_BASELINES = REPO / "baselines" / "smollm2-135m-instruct"
SKIP_REASON = "vllm is not installed here; run `make test-vllm` (uses .venv-vllm)"
LOGPROB_TOLERANCE_PER_TOKEN = 1e-3
ROUNDING = 1e-4
"""Baselines store log-probabilities rounded to 4 decimals."""

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def suites() -> dict[str, Suite]:
    return {s.name: s for s in load_suite_files(REPO / "suites")}


@pytest.fixture(scope="module")
def vllm_recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Baselines recorded by the vllm engine through the pytest plugin (one vLLM start).

    CAPCHECK_VLLM_RECORDED=DIR reuses a folder recorded earlier by the same command.
    """
    if os.environ.get("CAPCHECK_VLLM_RECORDED"):
        return Path(os.environ["CAPCHECK_VLLM_RECORDED"])
    pytest.importorskip("vllm", reason=SKIP_REASON)
    out = tmp_path_factory.mktemp("vllm-baselines")
    env = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "suites", "-p", "no:cacheprovider", "-q",
         "--engine", "vllm", "--dtype", "float32", "--capcheck-record", "--baselines", str(out)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=1800,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    assert "engine vllm" in proc.stdout, proc.stdout[-2000:]
    folders = [p for p in out.iterdir() if p.is_dir()]
    assert len(folders) == 1, folders
    return folders[0]


def _pairs(suite: Suite, recorded: Path) -> list[tuple[CaseResult, CaseResult, object]]:
    ours = baselines.read(recorded / f"{suite.slug}.json", suite, "").result.by_id
    theirs = baselines.read(HF_BASELINES / f"{suite.slug}.json", suite, "").result.by_id
    assert ours.keys() == theirs.keys()
    cases = {c.id: c for c in suite.cases}
    return [(ours[i], theirs[i], cases[i]) for i in sorted(ours)]


def test_greedy_replies_agree_on_99_percent_of_generated_cases(suites: dict[str, Suite], vllm_recorded: Path) -> None:
    same = total = 0
    differing: list[str] = []
    for suite in suites.values():
        for ours, theirs, case in _pairs(suite, vllm_recorded):
            if isinstance(case, (ChoiceCase, PassageCase)):
                continue
            total += 1
            if ours.output == theirs.output:
                same += 1
            else:
                differing.append(f"{suite.name}:{ours.id}")
    assert total > 400
    assert same / total >= 0.99, f"{same}/{total} identical; differing: {differing[:20]}"


def test_log_likelihoods_agree_within_1e_3_per_token(suites: dict[str, Suite], vllm_recorded: Path) -> None:
    from transformers import AutoTokenizer

    from capcheck.checkpoint import resolve

    tokenizer = AutoTokenizer.from_pretrained(resolve(None).model)
    checked = 0
    for suite in suites.values():
        for ours, theirs, case in _pairs(suite, vllm_recorded):
            if isinstance(case, ChoiceCase):
                for option, a, b in zip(case.options, ours.details["logprobs"], theirs.details["logprobs"]):
                    tokens = max(1, len(tokenizer(option, add_special_tokens=False)["input_ids"]))
                    assert abs(a - b) <= LOGPROB_TOLERANCE_PER_TOKEN * tokens + ROUNDING, (suite.name, ours.id, option, a, b)
                    checked += 1
            elif isinstance(case, PassageCase):
                # The score is the mean loss per token.
                assert abs(ours.score - theirs.score) <= LOGPROB_TOLERANCE_PER_TOKEN + ROUNDING, (suite.name, ours.id)
                checked += 1
    assert checked > 2000


def test_a_vllm_run_passes_against_hf_baselines(suites: dict[str, Suite], vllm_recorded: Path) -> None:
    policy = Policy()
    for suite in suites.values():
        candidate = baselines.read(vllm_recorded / f"{suite.slug}.json", suite, "").result
        expected = baselines.read(HF_BASELINES / f"{suite.slug}.json", suite, "")
        verdict = judge(candidate, expected, suite.tolerance, policy, candidate_engine="vllm")
        assert verdict.status in (Status.PASS, Status.IMPROVED), (suite.name, verdict.status, verdict.message)

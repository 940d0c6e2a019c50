"""Verdict rule at its boundaries, and baseline files: stable, validated, atomic, clear errors."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from capcheck import baseline as baselines
from capcheck import noise
from capcheck.cases import ChoiceCase, PassageCase
from capcheck.checkpoint import Checkpoint
from capcheck.engines.base import EngineInfo
from capcheck.errors import BaselineError
from capcheck.results import CaseResult, SuiteResult
from capcheck.suite import Suite
from capcheck.verdict import Policy, Status, judge

N = 200


def suite(n: int = N, direction: str = "higher") -> Suite:
    if direction == "lower":  # losses above 1 are a passage suite's; a choice suite's scores lie in [0, 1]
        return Suite("s", tuple(PassageCase(id=f"c/{i}", text=f"text {i}", category=f"k{i % 2}") for i in range(n)),
                     metric="mean_loss", direction="lower")
    return Suite("s", tuple(ChoiceCase(id=f"c/{i}", options=("a", "b"), answer=0, category=f"k{i % 2}") for i in range(n)))


def result(scores: list[float], direction: str = "higher") -> SuiteResult:
    return SuiteResult("s", suite(len(scores)).fingerprint, "accuracy", direction,
                       tuple(CaseResult(id=f"c/{i}", score=s, category=f"k{i % 2}", output=f"out {s}") for i, s in enumerate(scores)))


def stored(scores: list[float], tmp_path: Path, direction: str = "higher") -> baselines.Baseline:
    s = suite(len(scores), direction)
    data = baselines.to_json(result(scores, direction), s, Checkpoint(model="/m", alias="m"), EngineInfo("hf", "t", "float32"))
    data["model"]["fingerprint"] = "f"
    path = tmp_path / "s.json"
    baselines.write(path, data)
    return baselines.read(path, s, "pytest --capcheck-record")


def flips(worse: int, better: int = 0) -> tuple[list[float], list[float]]:
    base = [1.0] * worse + [0.0] * better + [1.0] * (N - worse - better)
    cand = [0.0] * worse + [1.0] * better + [1.0] * (N - worse - better)
    return base, cand


def test_identical_results_pass_with_zero_delta(tmp_path: Path) -> None:
    base, _ = flips(0)
    verdict = judge(result(base), stored(base, tmp_path), 0.02, Policy())
    assert verdict.status == Status.PASS and verdict.delta == 0


def test_a_rerun_with_full_precision_scores_pairs_exactly_with_its_stored_baseline(tmp_path: Path) -> None:
    """Stored scores keep 6 decimals; the same run's full floats must not count as changes."""
    scores = [(i % 3) / 3 for i in range(N)]  # 0.333..., 0.666...: not exact at 6 decimals
    verdict = judge(result(scores), stored(scores, tmp_path), 0.02, Policy())
    assert verdict.status == Status.PASS and verdict.delta == 0
    assert not verdict.worsened and not verdict.improved
    assert noise.measure(result(scores), stored(scores, tmp_path)).changed == 0


def test_worse_within_tolerance_passes(tmp_path: Path) -> None:
    base, cand = flips(4)  # 0.02 worse: not beyond a 0.02 tolerance
    assert judge(result(cand), stored(base, tmp_path), 0.02, Policy()).status == Status.PASS


def test_worse_beyond_tolerance_and_significant_regresses(tmp_path: Path) -> None:
    base, cand = flips(10)  # 0.05 worse, 10 vs 0 flips: p = 2**-10
    verdict = judge(result(cand), stored(base, tmp_path), 0.02, Policy())
    assert verdict.status == Status.REGRESSED
    assert verdict.failed(Policy())
    assert len(verdict.worsened) == 10 and verdict.categories["k0"][2] == N // 2


def test_worse_beyond_tolerance_but_not_significant_is_inconclusive(tmp_path: Path) -> None:
    base, cand = flips(14, better=8)  # net 6 of 200 = 0.03 worse; 14 vs 8 flips: p ~ 0.14
    verdict = judge(result(cand), stored(base, tmp_path), 0.02, Policy())
    assert verdict.status == Status.INCONCLUSIVE and verdict.cases_needed
    assert verdict.failed(Policy())
    assert not verdict.failed(Policy(inconclusive_fails=False))


def test_better_beyond_tolerance_and_significant_is_improved(tmp_path: Path) -> None:
    base, cand = flips(0, better=10)
    verdict = judge(result(cand), stored(base, tmp_path), 0.02, Policy())
    assert verdict.status == Status.IMPROVED and not verdict.failed(Policy())


def test_lower_is_better_direction(tmp_path: Path) -> None:
    base = [2.0 + 0.01 * (i % 7) for i in range(N)]
    worse = [b + 0.2 for b in base]
    better = [b - 0.2 for b in base]
    assert judge(result(worse, "lower"), stored(base, tmp_path, "lower"), 0.05, Policy()).status == Status.REGRESSED
    assert judge(result(better, "lower"), stored(base, tmp_path, "lower"), 0.05, Policy()).status == Status.IMPROVED


def test_quick_run_is_paired_with_the_matching_baseline_cases(tmp_path: Path) -> None:
    base, _ = flips(0)
    subset = SuiteResult("s", "x", "accuracy", "higher", result(base).cases[:20])
    verdict = judge(subset, stored(base, tmp_path), 0.02, Policy())
    assert verdict.n == 20 and verdict.status == Status.PASS


def test_baseline_file_is_stable_sorted_json(tmp_path: Path) -> None:
    base, _ = flips(0)
    stored(base, tmp_path)
    text = (tmp_path / "s.json").read_text()
    data = json.loads(text)
    assert text == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert data["schema_version"] == 1 and data["suite"]["fingerprint"] == suite().fingerprint


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"schema_version": 99}', "schema version 99"),
        ('{"schema_version": 1, "suite": {}}', "does not match the baseline schema"),
    ],
)
def test_bad_baseline_files_give_clear_errors_and_stay_untouched(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "s.json"
    path.write_text(content)
    with pytest.raises(BaselineError, match=message) as info:
        baselines.read(path, suite(), "pytest suites --capcheck-record")
    assert "--capcheck-record" in str(info.value)
    assert path.read_text() == content


def test_truncated_baseline_is_reported(tmp_path: Path) -> None:
    base, _ = flips(0)
    stored(base, tmp_path)
    path = tmp_path / "s.json"
    path.write_text(path.read_text()[:500])
    with pytest.raises(BaselineError, match="truncated"):
        baselines.read(path, suite(), "hint")


def test_baseline_of_another_suite_is_refused(tmp_path: Path) -> None:
    base, _ = flips(0)
    stored(base, tmp_path)
    other = Suite("other", suite().cases)
    with pytest.raises(BaselineError, match="belongs to suite 's'"):
        baselines.read(tmp_path / "s.json", other, "hint")


def test_missing_baseline_names_the_record_command(tmp_path: Path) -> None:
    with pytest.raises(BaselineError, match="pytest suites --capcheck-record"):
        baselines.read(tmp_path / "nope.json", suite(), "pytest suites --capcheck-record")


def test_a_lookup_says_what_it_found(tmp_path: Path) -> None:
    """found, missing, stale or unreadable: a typed answer, not an exception's text to search."""
    stored([1.0] * 10, tmp_path)
    path, hint, s = tmp_path / "s.json", "capcheck record -k s", suite(10)
    found = baselines.lookup(path, s, hint, s.fingerprint)
    assert found.status == "found" and found.baseline is not None and not found.problem
    assert baselines.lookup(tmp_path / "nope.json", s, hint, s.fingerprint).status == "missing"
    stale = baselines.lookup(path, s, hint, "0123456789abcdef")
    assert stale.status == "stale" and stale.baseline is not None
    assert "fingerprint" in stale.problem and "now 0123456789abcdef" in stale.problem and hint in stale.problem
    assert baselines.lookup(path, s, hint, None).status == "found"  # an lm-eval suite's fingerprint comes later
    path.write_text(path.read_text()[:40])
    broken = baselines.lookup(path, s, hint, s.fingerprint)
    assert broken.status == "unreadable" and broken.baseline is None and "may be truncated" in broken.problem

"""The engine noise floor and Holm's correction in the verdict, at their boundaries."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from capcheck import noise
from capcheck.baseline import Baseline
from capcheck.errors import BaselineError
from capcheck.noise import NoiseFloor
from capcheck.results import CaseResult, SuiteResult
from capcheck.verdict import Policy, Status, apply_holm, judge

N = 200


def result(scores: list[float], direction: str = "higher", fingerprint: str = "fp") -> SuiteResult:
    return SuiteResult("s", fingerprint, "accuracy", direction,
                       tuple(CaseResult(id=f"c/{i}", score=s, category=f"k{i % 2}") for i, s in enumerate(scores)))


def baseline(scores: list[float], direction: str = "higher") -> Baseline:
    r = result(scores, direction)
    data = {"suite": {"name": "s", "fingerprint": "fp", "metric": "accuracy", "direction": direction},
            "model": {"id": "m", "fingerprint": "f"}, "engine": {"name": "hf", "version": "t", "dtype": "float32"}}
    return Baseline(r, data, Path("s.json"))


def flips(worse: int, n: int = N) -> list[float]:
    return [0.0] * worse + [1.0] * (n - worse)


def floor(changed: int, drift: float = 0.0, n: int = N, fingerprint: str = "fp") -> NoiseFloor:
    return NoiseFloor(n=n, changed=changed, worsened=changed, drift=drift, suite_fingerprint=fingerprint)


def test_measure_counts_changed_and_worsened_cases() -> None:
    base = baseline([1.0] * 10 + [0.0] * 10)
    rerun = result([0.0, 0.0] + [1.0] * 8 + [1.0] + [0.0] * 9)  # 2 worse, 1 better
    measured = noise.measure(rerun, base, "hf float32 vs hf float32 batch 5")
    assert (measured.n, measured.changed, measured.worsened) == (20, 3, 2)
    assert measured.drift == pytest.approx(1 / 20)
    lower = noise.measure(result([2.1, 2.0], "lower"), baseline([2.0, 2.0], "lower"))
    assert (lower.changed, lower.worsened) == (1, 1) and lower.drift == pytest.approx(0.05)


@pytest.mark.parametrize(("worse", "status", "within"), [(12, Status.PASS, True), (13, Status.REGRESSED, False)])
def test_flips_up_to_the_noise_floor_are_never_a_regression(worse: int, status: Status, within: bool) -> None:
    # Without a noise floor both are regressions (12 vs 0 flips: p = 2**-12).
    assert judge(result(flips(worse)), baseline(flips(0)), 0.02, Policy()).status == Status.REGRESSED
    verdict = judge(result(flips(worse)), baseline(flips(0)), 0.02, Policy(), noise=floor(changed=12))
    assert verdict.status == status and verdict.within_noise is within and verdict.failed(Policy()) is not within


def test_noise_floor_scales_to_a_quick_subset() -> None:
    # 12 changed of 200 is 6 of 100: a quick run of 100 cases with 6 flips is noise, 7 is not.
    assert floor(12).allowed_flips(100) == 6
    sub = baseline(flips(0))
    six = SuiteResult("s", "fp", "accuracy", "higher", result(flips(6, 100)).cases)
    seven = SuiteResult("s", "fp", "accuracy", "higher", result(flips(7, 100)).cases)
    assert judge(six, sub, 0.02, Policy(), noise=floor(12)).within_noise
    assert judge(seven, sub, 0.02, Policy(), noise=floor(12)).status == Status.REGRESSED


def test_continuous_scores_use_the_drift() -> None:
    base = [2.0 + 0.01 * (i % 7) for i in range(N)]
    worse = [b + 0.2 for b in base]
    assert judge(result(worse, "lower"), baseline(base, "lower"), 0.05, Policy(),
                 noise=floor(N, drift=0.2)).within_noise
    assert judge(result(worse, "lower"), baseline(base, "lower"), 0.05, Policy(),
                 noise=floor(N, drift=0.19)).status == Status.REGRESSED


def test_noise_floor_of_another_suite_version_is_ignored_with_a_note() -> None:
    verdict = judge(result(flips(10)), baseline(flips(0)), 0.02, Policy(), noise=floor(50, fingerprint="old"))
    assert verdict.status == Status.REGRESSED and verdict.noise is None
    assert any("capcheck calibrate" in note for note in verdict.notes)


def test_noise_file_round_trips_merges_and_rejects_bad_files(tmp_path: Path) -> None:
    path = noise.write(tmp_path, {"a": floor(3)}, {"id": "m", "fingerprint": "f"}, {"name": "hf", "batch_size": 5})
    noise.write(tmp_path, {"b": floor(4, drift=0.01)}, {"id": "m", "fingerprint": "f"}, {"name": "hf", "batch_size": 5})
    assert set(noise.read(tmp_path)) == {"a", "b"} and noise.read(tmp_path)["b"].drift == 0.01
    text = path.read_text()
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    path.write_text('{"schema_version": 1, "suites": {"a": {"n": 0}}}')
    with pytest.raises(BaselineError, match=r"(?s)does not match its schema:\n  at \(top\).*at suites/a") as info:
        noise.read(tmp_path)
    assert "capcheck calibrate" in str(info.value)
    assert noise.read(tmp_path / "nowhere") == {}


def test_holm_at_the_boundary() -> None:
    # Two suites, each 6 vs 0 flips: p = 1/64 = 0.0156 alone; Holm: 2 * 0.0156 = 0.031 < 0.05, both regress.
    # With 5 vs 0 flips (p = 0.031) Holm doubles the smaller to 0.0625: no longer significant.
    def pair(worse: int) -> list:
        return [judge(result(flips(worse)), baseline(flips(0)), 0.02, Policy(holm=True)) for _ in range(2)]

    six = pair(6)
    apply_holm(six, Policy(holm=True))
    assert [v.status for v in six] == [Status.REGRESSED] * 2 and six[0].p_adjusted == pytest.approx(2 / 64)
    five = pair(5)
    assert [v.status for v in five] == [Status.REGRESSED] * 2  # before adjustment
    apply_holm(five, Policy(holm=True))
    assert [v.status for v in five] == [Status.INCONCLUSIVE] * 2 and five[0].p_adjusted == pytest.approx(2 / 32)
    assert five[0].p_value == five[0].p_adjusted and five[0].cases_needed


def test_holm_family_skips_suites_that_were_not_compared() -> None:
    from capcheck.verdict import Verdict

    missing = Verdict("m", "accuracy", "higher", Status.MISSING, 0.02)
    one = [judge(result(flips(5)), baseline(flips(0)), 0.02, Policy(holm=True)), missing]
    apply_holm(one, Policy(holm=True))
    assert one[0].status == Status.REGRESSED and one[0].p_adjusted == pytest.approx(1 / 32)
    assert missing.p_adjusted is None and missing.status == Status.MISSING


def test_a_dtype_other_than_the_baselines_says_how_to_account_for_it() -> None:
    same = judge(result(flips(0)), baseline(flips(0)), 0.02, Policy(), candidate_dtype="float32")
    assert not any("dtype" in n for n in same.notes)
    other = judge(result(flips(0)), baseline(flips(0)), 0.02, Policy(), candidate_dtype="bfloat16")
    assert any("recorded in float32, candidate run in bfloat16" in n and "capcheck calibrate --dtype bfloat16" in n
               for n in other.notes)
    calibrated = judge(result(flips(0)), baseline(flips(0)), 0.02, Policy(), candidate_dtype="bfloat16", noise=floor(3))
    assert not any("dtype" in n for n in calibrated.notes)  # a measured noise floor already accounts for it

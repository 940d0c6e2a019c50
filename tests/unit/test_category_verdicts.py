"""Category verdicts: a collapsed skill fails its suite even when other skills rise.

Built on real baseline files and the real judge; the simulation at the end checks the
stated multiplicity control (Holm over the judged categories, Tarone's filter) by drawing
thousands of no-change runs.
"""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from capcheck import baseline as baselines
from capcheck.cases import ChoiceCase
from capcheck.checkpoint import Checkpoint
from capcheck.engines.base import EngineInfo
from capcheck.noise import NoiseFloor
from capcheck.report.console import plain_table
from capcheck.report.explain import explain
from capcheck.results import CaseResult, SuiteResult
from capcheck.suite import Suite
from capcheck.verdict import MIN_CATEGORY_CASES, Policy, Status, apply_holm, judge

TOLERANCE = 0.05


def _suite(categories: list[str]) -> Suite:
    return Suite("s", tuple(ChoiceCase(id=f"{c}/{i:03d}", options=("a", "b"), answer=0, category=c)
                            for i, c in enumerate(categories)))


def _result(categories: list[str], scores: list[float]) -> SuiteResult:
    return SuiteResult("s", _suite(categories).fingerprint, "accuracy", "higher",
                       tuple(CaseResult(id=f"{c}/{i:03d}", score=s, category=c) for i, (c, s) in enumerate(zip(categories, scores))))


def _baseline(categories: list[str], scores: list[float], tmp_path: Path) -> baselines.Baseline:
    suite = _suite(categories)
    data = baselines.to_json(_result(categories, scores), suite, Checkpoint(model="/m", alias="m"), EngineInfo("hf", "t", "float32"))
    path = tmp_path / "s.json"
    baselines.write(path, data)
    return baselines.read(path, suite, "pytest --capcheck-record")


def _instructions_like() -> tuple[list[str], list[float], list[float]]:
    """Bullets 8/15 -> 0/15 while no-commas rises 2/15 -> 10/15: the suite's mean holds."""
    categories, base, cand = [], [], []
    for name, b, c in (("bullet_points", [1] * 8 + [0] * 7, [0] * 15), ("no_commas", [1] * 2 + [0] * 13, [1] * 10 + [0] * 5),
                       ("word_count", [1] * 9 + [0] * 6, [1] * 9 + [0] * 6), ("json", [1] * 5 + [0] * 10, [1] * 5 + [0] * 10)):
        categories += [name] * 15
        base += [float(x) for x in b]
        cand += [float(x) for x in c]
    return categories, base, cand


def test_a_collapsed_category_fails_the_suite_whose_mean_held(tmp_path: Path) -> None:
    categories, base, cand = _instructions_like()
    verdict = judge(_result(categories, cand), _baseline(categories, base, tmp_path), TOLERANCE, Policy())
    assert verdict.candidate_score == verdict.base_score  # 8 lost, 8 gained
    assert verdict.status == Status.REGRESSED and verdict.failed_by_category
    assert [t.name for t in verdict.regressed_categories] == ["bullet_points"]
    # Rising no_commas is judged on its own and does not offset the bullets.
    assert not next(t for t in verdict.category_tests if t.name == "no_commas").regressed
    message = explain(verdict)
    assert "regressed in 1 category" in message and "bullet_points 1.0000" not in message
    assert "bullet_points 0.5333 -> 0.0000 (n=15, p=0.0039" in message
    assert "regressed (in bullet_points)" in plain_table([verdict])


def test_unchanged_categories_do_not_dilute_the_correction(tmp_path: Path) -> None:
    # One category loses 6 of 15 (p = 1/64); ten others lose 1 case each and can never be
    # significant (Tarone), so Holm's family is that one category and 1/64 < 0.05.
    categories = [f"k{i // 15:02d}" for i in range(165)]
    base = [1.0] * 165
    cand = [0.0 if i < 6 or i % 15 == 0 else 1.0 for i in range(165)]
    verdict = judge(_result(categories, cand), _baseline(categories, base, tmp_path), 0.1, Policy())
    assert verdict.comparison is not None and verdict.comparison.worse < 0.1  # the suite alone passes
    judged = [t for t in verdict.category_tests if t.p_adjusted is not None]
    assert [t.name for t in judged] == ["k00"] and judged[0].p_adjusted == pytest.approx(1 / 64)
    assert verdict.status == Status.REGRESSED and verdict.failed_by_category


def test_holm_across_changing_categories_can_leave_a_loss_unproven(tmp_path: Path) -> None:
    # Six categories, each with 6 changed cases, so every one is in the family: k0 loses 6
    # (p = 1/64), the others lose 3 and gain 3. Holm makes k0's p 6/64 = 0.094: not significant,
    # and a category that is only inconclusive does not fail the suite.
    categories, base, cand = [], [], []
    for k in range(6):
        b = [1.0] * 6 + [0.0] * 6 + [1.0] * 3
        c = [0.0] * 6 + [0.0] * 6 + [1.0] * 3 if k == 0 else [0.0] * 3 + [1.0] * 3 + [1.0] * 3 + [0.0] * 3 + [1.0] * 3
        categories += [f"k{k}"] * 15
        base += b
        cand += c
    verdict = judge(_result(categories, cand), _baseline(categories, base, tmp_path), 0.1, Policy())
    k0 = verdict.category_tests[0]
    assert k0.comparison.p_value == pytest.approx(1 / 64) and k0.p_adjusted == pytest.approx(6 / 64)
    assert all(t.p_adjusted is not None for t in verdict.category_tests)
    assert not verdict.regressed_categories and verdict.status == Status.PASS


def test_small_categories_are_shown_but_not_judged(tmp_path: Path) -> None:
    n = MIN_CATEGORY_CASES - 1
    categories = ["a"] * n + ["b"] * 40
    base = [1.0] * (n + 40)
    cand = [0.0] * n + [1.0] * 40  # all of 'a' lost: p = 2^-9, but 'a' is too small to judge alone
    verdict = judge(_result(categories, cand), _baseline(categories, base, tmp_path), 0.5, Policy())
    assert verdict.categories["a"] == (1.0, 0.0, n)
    assert all(t.p_adjusted is None for t in verdict.category_tests)
    assert verdict.status == Status.PASS  # 9 of 49 worse: below the suite's 0.5 tolerance


def test_a_category_loss_within_the_noise_floor_is_not_a_regression(tmp_path: Path) -> None:
    categories, base, cand = _instructions_like()
    baseline = _baseline(categories, base, tmp_path)
    floor = NoiseFloor(suite_fingerprint=baseline.data["suite"]["fingerprint"], n=60, changed=40, worsened=20, drift=0.0)
    verdict = judge(_result(categories, cand), baseline, TOLERANCE, Policy(), noise=floor)
    assert not verdict.regressed_categories and verdict.category_tests[0].within_noise
    assert verdict.status == Status.PASS


def test_session_holm_pools_every_suites_categories(tmp_path: Path) -> None:
    categories, base, cand = _instructions_like()
    verdicts = []
    for k in range(3):
        folder = tmp_path / str(k)
        folder.mkdir()
        verdicts.append(judge(_result(categories, cand), _baseline(categories, base, folder), TOLERANCE, Policy(holm=True)))
    assert all(v.status == Status.REGRESSED for v in verdicts)  # each suite alone: 1/256 x 2 judged
    apply_holm(verdicts, Policy(holm=True))
    bullets = [t for v in verdicts for t in v.category_tests if t.name == "bullet_points"]
    assert all(t.p_adjusted == pytest.approx(6 / 256) for t in bullets)  # 6 judged categories in the session
    assert all(v.status == Status.REGRESSED for v in verdicts)


def test_no_change_runs_fail_by_category_at_most_alpha_of_the_time(tmp_path: Path) -> None:
    """3,000 simulated reruns of an unchanged model: every case keeps its base outcome, except
    that each flips with probability 0.15 in either direction alike (engine noise). The share of
    runs that any category fails must stay at most alpha (plus Monte Carlo error)."""
    rng = random.Random(7)
    categories = [f"k{i // 15:02d}" for i in range(165)]
    base = [float(rng.random() < 0.5) for _ in categories]
    baseline = _baseline(categories, base, tmp_path)
    runs, failed = 3000, 0
    for _ in range(runs):
        cand = [1.0 - b if rng.random() < 0.15 else b for b in base]
        verdict = judge(_result(categories, cand), baseline, 0.0, Policy())
        failed += bool(verdict.regressed_categories)
    rate = failed / runs
    assert rate <= 0.05 + 3 * (0.05 * 0.95 / runs) ** 0.5, rate
    assert failed > 0  # the simulation does reach the tests' margin: a filter that dropped every category would not


def test_reports_carry_category_tests_and_tiers(tmp_path: Path) -> None:
    from capcheck.report import markdown
    from capcheck.report.json_report import RunInfo, build, validate

    categories, base, cand = _instructions_like()
    tiers = ["common", "specialist"] * 30
    results = [SuiteResult("s", _suite(categories).fingerprint, "accuracy", "higher", tuple(
        CaseResult(id=f"{c}/{i:03d}", score=s, category=c, tier=t) for i, (c, s, t) in enumerate(zip(categories, scores, tiers))))
        for scores in (base, cand)]
    data = baselines.to_json(results[0], _suite(categories), Checkpoint(model="/m", alias="m"), EngineInfo("hf", "t", "float32"))
    assert data["tiers"] == {"common": pytest.approx(0.4), "specialist": pytest.approx(0.4)}
    path = tmp_path / "s.json"
    baselines.write(path, data)
    verdict = judge(results[1], baselines.read(path, _suite(categories), "x"), TOLERANCE, Policy())
    report = build([verdict], Policy(), RunInfo(model={"id": "m"}))
    assert validate(report) == []
    suite = report["suites"][0]
    assert suite["failed_by_category"] is True
    bullets = next(c for c in suite["categories"] if c["name"] == "bullet_points")
    assert bullets["regressed"] is True and bullets["p_adjusted"] == pytest.approx(2 / 256, abs=1e-6)
    assert next(c for c in suite["categories"] if c["name"] == "json")["p_adjusted"] is None  # not judged: nothing changed
    assert [t["name"] for t in suite["tiers"]] == ["common", "specialist"]
    text = markdown.render(report)
    assert "| bullet_points | 15 | 0.5333 | 0.0000 | -0.5333 | 0.0078 **regressed** |" in text
    assert "| tier | n | base | candidate |" in text

"""Judge results recorded with --capcheck-record (for another model) against the committed baselines.

A model's full run recorded once can then be compared without running it again:

    pytest suites --model NOISY --capcheck-record --baselines /tmp/noisy   # run once
    python scripts/judge_recorded.py /tmp/noisy/<model-slug> [--baselines baselines/smollm2-135m-instruct]

Prints one line per suite: base and candidate score, delta, p-value and verdict (with the
categories that regressed on their own, docs/statistics.md), the tiers, then the categories
that moved most.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from capcheck import baseline as baselines
from capcheck.report.explain import regressed_category
from capcheck.suites_loader import load_suite_files
from capcheck.verdict import Policy, judge

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("recorded", type=Path)
    parser.add_argument("--baselines", type=Path, default=ROOT / "baselines" / "smollm2-135m-instruct")
    args = parser.parse_args()
    policy = Policy()
    for suite in load_suite_files(ROOT / "suites"):
        if not (args.recorded / f"{suite.slug}.json").is_file():
            print(f"{suite.name:22} not recorded")
            continue
        candidate = baselines.read(args.recorded / f"{suite.slug}.json", suite, "").result
        expected = baselines.read(args.baselines / f"{suite.slug}.json", suite, "")
        verdict = judge(candidate, expected, suite.tolerance, policy)
        c = verdict.comparison
        delta = f"{verdict.candidate_score - verdict.base_score:+.4f}"
        p = f"{verdict.p_value:.2g}" if c else "n/a"
        print(f"{suite.name:22} n={verdict.n:5} base {verdict.base_score:.4f} candidate {verdict.candidate_score:.4f} "
              f"delta {delta} p={p} -> {verdict.status.value}"
              + (f" (category: {', '.join(t.name for t in verdict.regressed_categories)})" if verdict.failed_by_category else ""))
        for test in verdict.regressed_categories:
            print(f"    category regressed: {regressed_category(test)}")
        if verdict.tiers:
            print("    tiers: " + "; ".join(f"{k} {b:.3f}->{v:.3f} (n={n})" for k, (b, v, n) in verdict.tiers.items()))
        moved = sorted(verdict.categories.items(), key=lambda kv: abs(kv[1][1] - kv[1][0]), reverse=True)[:3]
        print("    " + "; ".join(f"{k} {b:.3f}->{v:.3f}" for k, (b, v, _) in moved))


if __name__ == "__main__":
    main()

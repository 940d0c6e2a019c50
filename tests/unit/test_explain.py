"""Failure messages: flipped cases grouped by category, worst first, aligned word diffs, capped."""
from __future__ import annotations

from pathlib import Path

from capcheck.baseline import Baseline
from capcheck.report.explain import MAX_CASES_SHOWN, aligned, explain, word_diff
from capcheck.results import CaseResult, SuiteResult
from capcheck.verdict import Policy, judge


def run(scores: dict[str, list[float]], outputs: bool = True):
    cases, base_cases = [], []
    for category, values in scores.items():
        for i, value in enumerate(values):
            cid = f"{category}/{i}"
            base_cases.append(CaseResult(id=cid, score=1.0, category=category, prompt=f"Say it {i}",
                                         expected="The cat sat on the mat.", output="The cat sat on the mat."))
            cases.append(CaseResult(id=cid, score=value, category=category, prompt=f"Say it {i}",
                                    expected="The cat sat on the mat.",
                                    output="The dog sat on a mat." if value < 1 else "The cat sat on the mat."))
    base = SuiteResult("s", "fp", "accuracy", "higher", tuple(base_cases))
    data = {"suite": {"name": "s", "fingerprint": "fp"}, "engine": {"name": "hf"}, "model": {}}
    return judge(SuiteResult("s", "fp", "accuracy", "higher", tuple(cases)), Baseline(base, data, Path("s.json")), 0.02, Policy())


def test_aligned_diff_lines_up_words() -> None:
    top, bottom = aligned("The cat sat on the mat.", "The dog sat on a mat.")
    assert top == "The cat sat on the mat." and bottom == "The dog sat on a   mat."
    assert [top.index("mat"), top.index("sat")] == [bottom.index("mat"), bottom.index("sat")]
    assert aligned("a b c", "a c") == ("a b c", "a · c")
    assert word_diff("The cat sat", "The dog sat") == "The [-cat-] {+dog+} sat"


def test_cases_are_grouped_by_category_worst_first_and_capped() -> None:
    verdict = run({"npi": [0.0] * 2 + [1.0] * 18, "agreement": [0.0] * 9 + [1.0] * 11, "ellipsis": [1.0] * 20,
                   "islands": [0.0] * 1 + [1.0] * 19})
    text = explain(verdict, "every worsened case, by category: report.html")
    lines = text.splitlines()
    groups = [line.strip() for line in lines if line.startswith("  ") and not line.startswith("    ") and " worse" in line]
    assert groups == ["agreement: 9 worse, worst 3:", "npi: 2 worse:", "islands: 1 worse:"]
    assert "worst 6 of 12 worsened cases: by category, worst first" in text
    assert text.count("    - ") == 6 <= MAX_CASES_SHOWN
    first = text.index("    - agreement/0")
    block = text[first:].splitlines()[:6]
    assert block[1].strip() == "prompt:    Say it 0" and block[2].strip() == "expected:  The cat sat on the mat."
    assert block[3] == "        base:      The cat sat on the mat."
    assert block[4] == "        candidate: The dog sat on a   mat."
    assert block[5].strip() == "diff:      The [-cat-] {+dog+} sat on [-the-] {+a+} mat."
    assert lines[-1] == "every worsened case, by category: report.html"


def test_many_categories_share_the_budget() -> None:
    verdict = run({f"k{i}": [0.0] * (10 - i) + [1.0] * 30 for i in range(6)})
    text = explain(verdict)
    assert "(3 of 6 categories)" in text and text.count("    - ") == MAX_CASES_SHOWN
    assert text.index("  k0: 10 worse") < text.index("  k1: 9 worse") < text.index("  k2: 8 worse")


def test_multi_line_fields_stay_indented_under_their_label() -> None:
    from capcheck.report.explain import _case_lines
    from capcheck.verdict import CaseChange

    base = CaseResult(id="d/0", score=3.0, category="d", prompt="Vet: Hello.\nOwner: She stopped eating.", output="")
    cand = CaseResult(id="d/0", score=6.0, category="d", prompt="Vet: Hello.\nOwner: She stopped eating.", output="")
    lines = "\n".join(_case_lines(CaseChange(base, cand))).splitlines()
    assert lines[1] == "        prompt:    Vet: Hello."
    assert lines[2] == "                   Owner: She stopped eating."

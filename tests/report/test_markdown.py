"""The Markdown report: a pull-request comment with a table and a collapsed section per failed suite."""
from __future__ import annotations

from capcheck.report import markdown
from capcheck.report.json_report import RunInfo, build
from capcheck.verdict import Policy


def test_table_lists_every_suite_and_details_only_failed_ones(verdicts) -> None:
    vs, baselines = verdicts()
    text = markdown.render(build(vs, Policy(), RunInfo(model={"id": "ft", "fingerprint": "abc"}, baselines=baselines)))
    assert text.startswith("### ❌ capcheck: fail")
    table = [line for line in text[: text.index("<details>")].splitlines() if line.startswith("| ")]
    assert [row.split(" | ")[0] for row in table[1:]] == ["| grammar/minimal-pairs", "| reasoning", "| fluency"]
    assert "❌ regressed" in table[1] and "✅ pass" in table[2]
    assert text.count("<details>") == 1 and text.count("</details>") == 1
    section = text[text.index("<details>"):]
    assert "<summary><b>grammar/minimal-pairs</b>: regressed" in section
    assert "| agreement | 30 | 1.0000 | 0.6667 | -0.3333 |" in section
    assert "Worst 10 of 20 worsened cases:" in section
    assert "- base:      The boxes near the plate seem heavy 0." in section
    assert "+ candidate: The boxes near the plate seems heavy <script>" in section  # inside a code block: inert
    assert "diff: The boxes near the plate [-seem-] {+seems+} heavy [-0.-] {+<script>alert(1)</script> | x+}" in section
    assert section.count("```") == 2


def test_model_text_cannot_break_the_table_or_the_code_block(verdicts) -> None:
    vs, baselines = verdicts()
    data = build(vs, Policy(holm=True), RunInfo(model={"id": "m"}, baselines=baselines))
    data["suites"][1]["name"] = "re|asoning"
    data["suites"][0]["worsened"][0]["candidate_output"] = "x ``` y\nsecond line"
    text = markdown.render(data)
    assert "| re\\|asoning | 90 |" in text and "Holm-adjusted" in text
    assert text.count("```") == 2 and "x ''' y ⏎ second line" in text


def test_passing_run_has_no_details() -> None:
    data = build([], Policy(), RunInfo(model={"id": "m"}))
    data["verdict"], data["exit_code"] = "pass", 0
    assert "<details>" not in markdown.render(data)

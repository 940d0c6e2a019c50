"""The HTML report: self-contained, escaped, and rendered for real in headless Chromium."""
from __future__ import annotations

import re
from pathlib import Path

from browser import chromium, console_lines, needs_chromium

from capcheck.report import html
from capcheck.report.json_report import RunInfo, build
from capcheck.verdict import Policy


def page(verdicts) -> str:
    vs, baselines = verdicts()
    info = RunInfo(model={"id": "ft", "fingerprint": "abc123"}, engine={"name": "hf", "version": "t", "dtype": "float32"},
                   baseline_dir="baselines/base", baselines=baselines)
    return html.render(build(vs, Policy(), info))


def test_page_is_self_contained_and_escapes_model_text(verdicts) -> None:
    text = page(verdicts)
    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text, re.I), "no external URL of any kind"
    assert not re.search(r"<(link|img|iframe)\b|\bsrc=", text), "nothing loaded from elsewhere"
    assert text.count("<script>") == 1  # ours; the model's <script> is shown as text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert text.count('class="suite-row"') == 3 and text.count("<tr data-suite=") == 20
    assert "<del>seem</del> <ins>seems</ins>" in text


@needs_chromium
def test_console_check_catches_a_broken_page(tmp_path: Path) -> None:
    """The check below can fail: a page with a script error shows up in the console lines."""
    broken = tmp_path / "broken.html"
    broken.write_text("<!DOCTYPE html><p id=a>x</p><script>document.getElementById('a').textContent='ran'; nope();</script>")
    run = chromium("--dump-dom", broken.as_uri())
    assert 'id="a">ran<' in run.stdout
    assert any("nope is not defined" in line for line in console_lines(run.stderr))


@needs_chromium
def test_chromium_renders_the_report_without_console_errors(verdicts, tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    path.write_text(page(verdicts), encoding="utf-8")
    run = chromium("--dump-dom", path.as_uri())
    assert run.returncode == 0, run.stderr[-2000:]
    assert console_lines(run.stderr) == []
    dom = run.stdout
    assert '<svg id="chart"' in dom and dom.count('class="candidate"') == 3 and dom.count('class="ci"') == 3
    assert "20 of 20 cases shown" in dom  # the inline script ran
    assert '<span id="verdict" class="badge"' in dom and ">fail<" in dom

    # The search filters rows in the browser: open the page with #q=... and count visible rows.
    filtered = chromium("--dump-dom", path.as_uri() + "#q=grammar/minimal-pairs/003")
    assert console_lines(filtered.stderr) == []
    assert "1 of 20 cases shown" in filtered.stdout
    assert filtered.stdout.count('style="display: none;"') == 19

    shot = tmp_path / "report.png"
    chromium(f"--screenshot={shot}", "--window-size=1280,1400", "--hide-scrollbars", path.as_uri())
    assert shot.is_file() and shot.stat().st_size > 10_000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

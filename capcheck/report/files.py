"""--capcheck-report PATH: the report format follows the file's suffix."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from capcheck.atomic import write_text_atomic
from capcheck.settings import check_report_path


def render(data: dict[str, Any], suffix: str) -> str:
    from capcheck.report import html, json_report, markdown

    renderers = {".json": json_report.render, ".md": markdown.render, ".html": html.render}
    return renderers[suffix.lower()](data)


def write_report(report: dict[str, Any], path: Path) -> None:
    """Write a report dict (json_report.from_outcome) to `path` in the format its suffix names,
    atomically: an old report is never left half-written."""
    check_report_path(str(path))
    write_text_atomic(path, render(report, path.suffix))

"""The readable diff of a failed suite: numbers first, then what changed, case by case."""
from __future__ import annotations

import difflib

from capcheck.verdict import CaseChange, Status, Verdict

MAX_CASES_SHOWN = 5
MAX_FIELD_CHARS = 240
MAX_MESSAGE_CHARS = 6000


def fmt(value: float) -> str:
    return "n/a" if value != value else f"{value:.4f}"


def clip(text: str, limit: int = MAX_FIELD_CHARS) -> str:
    text = " ".join(text.split()) if "\n" not in text else text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def word_diff(old: str, new: str) -> str:
    """Words removed as [-word-] and added as {+word+}, aligned on the common words."""
    a, b = old.split(), new.split()
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.extend(a[i1:i2])
        if op in ("delete", "replace"):
            out.append("[-" + " ".join(a[i1:i2]) + "-]")
        if op in ("insert", "replace"):
            out.append("{+" + " ".join(b[j1:j2]) + "+}")
    return " ".join(out)


def headline(verdict: Verdict) -> str:
    c = verdict.comparison
    parts = [
        f"suite {verdict.suite}: {verdict.status.value.upper()}",
        f"{verdict.metric} ({verdict.direction} is better) {fmt(verdict.base_score)} -> {fmt(verdict.candidate_score)}",
        f"delta {verdict.delta + 0.0:+.4f}",
        f"tolerance {verdict.tolerance:.4f}",
    ]
    if c is not None:
        sign = -1 if verdict.higher_is_better else 1
        low, high = sorted((sign * c.ci_low, sign * c.ci_high))
        parts.append(f"95% CI [{low:+.4f}, {high:+.4f}], p={c.p_value:.3g} ({c.test}, n={c.n})")
    return "; ".join(parts)


def explain(verdict: Verdict, report_hint: str = "") -> str:
    """The failure message of a suite: what, by how much, where, and the worst cases."""
    if verdict.status in (Status.STALE, Status.MISSING, Status.ERROR):
        return f"suite {verdict.suite}: {verdict.status.value.upper()}: {verdict.message}"
    lines = [headline(verdict)]
    lines.append(f"cases worse: {len(verdict.worsened)}, better: {len(verdict.improved)}, of {verdict.n}")
    if verdict.status == Status.INCONCLUSIVE:
        need = f"about {verdict.cases_needed} cases" if verdict.cases_needed else "more cases"
        lines.append(f"the worsening is beyond tolerance but not significant; {need} would decide it")
    lines.extend(f"note: {note}" for note in verdict.notes)
    changed = [(k, v) for k, v in verdict.categories.items() if abs(v[1] - v[0]) > 1e-12]
    if len(verdict.categories) > 1 and changed:
        lines.append("by category (base -> candidate, n):")
        worst_first = sorted(changed, key=lambda kv: (kv[1][1] - kv[1][0]) * (1 if verdict.higher_is_better else -1))
        for name, (base, cand, n) in worst_first[:12]:
            lines.append(f"  {name:32s} {fmt(base)} -> {fmt(cand)}  ({cand - base:+.4f}, n={n})")
    shown = verdict.worsened[:MAX_CASES_SHOWN]
    if shown:
        lines.append(f"worst {len(shown)} of {len(verdict.worsened)} worsened cases:")
        for change in shown:
            lines.extend(_case_lines(change))
    text = "\n".join(lines)
    if len(text) > MAX_MESSAGE_CHARS:
        text = text[:MAX_MESSAGE_CHARS] + "\n… (cut; the full list is in the --capcheck-report file)"
    if report_hint:
        text += "\n" + report_hint
    return text


def _case_lines(change: CaseChange) -> list[str]:
    base, cand = change.base, change.candidate
    head = f"  - {cand.id}" + (f" [{cand.category}]" if cand.category else "")
    head += f" score {fmt(base.score)} -> {fmt(cand.score)}"
    lines = [head]
    if cand.prompt:
        lines.append(f"      prompt:    {clip(cand.prompt)}")
    if cand.expected:
        lines.append(f"      expected:  {clip(cand.expected)}")
    if base.output or cand.output:
        lines.append(f"      base:      {clip(base.output)}")
        lines.append(f"      candidate: {clip(cand.output)}")
        if base.output and cand.output and base.output != cand.output:
            lines.append(f"      diff:      {clip(word_diff(base.output, cand.output))}")
    return lines

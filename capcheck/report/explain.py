"""The readable diff of a failed suite: numbers first, then what changed, case by case."""
from __future__ import annotations

import difflib

from capcheck.verdict import CaseChange, CategoryTest, Status, Verdict

MAX_CASES_SHOWN = 8
MAX_CATEGORIES_SHOWN = 4
MAX_CASES_PER_CATEGORY = 3
MAX_FIELD_CHARS = 240
MAX_MESSAGE_CHARS = 6000


def fmt(value: float) -> str:
    return "n/a" if value != value else f"{value:.4f}"


def clip(text: str, limit: int = MAX_FIELD_CHARS) -> str:
    text = " ".join(text.split()) if "\n" not in text else text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def diff_segments(old: str, new: str) -> list[tuple[str, str, str]]:
    """(op, old words, new words) runs of a word-level diff; op is equal/delete/insert/replace."""
    a, b = old.split(), new.split()
    return [(op, " ".join(a[i1:i2]), " ".join(b[j1:j2]))
            for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()]


def word_diff(old: str, new: str) -> str:
    """Words removed as [-word-] and added as {+word+}, aligned on the common words."""
    out: list[str] = []
    for op, removed, added in diff_segments(old, new):
        if op == "equal":
            out.append(removed)
        if op in ("delete", "replace"):
            out.append("[-" + removed + "-]")
        if op in ("insert", "replace"):
            out.append("{+" + added + "+}")
    return " ".join(out)


def aligned(old: str, new: str) -> tuple[str, str]:
    """Both texts word by word, each differing run padded to the same width, so they line up."""
    top: list[str] = []
    bottom: list[str] = []
    for op, removed, added in diff_segments(old, new):
        if op == "equal":
            top.append(removed)
            bottom.append(added)
            continue
        width = max(len(removed), len(added))
        top.append(removed.ljust(width) if removed else "·" * len(added))
        bottom.append(added.ljust(width) if added else "·" * len(removed))
    return " ".join(top).rstrip(), " ".join(bottom).rstrip()


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
        if verdict.p_adjusted is not None:
            parts.append(f"Holm-adjusted p={verdict.p_adjusted:.3g}")
    return "; ".join(parts)


def explain(verdict: Verdict, report_hint: str = "") -> str:
    """The failure message of a suite: what, by how much, where, and the worst cases."""
    if verdict.status in (Status.STALE, Status.MISSING, Status.ERROR):
        return f"suite {verdict.suite}: {verdict.status.value.upper()}: {verdict.message}"
    lines = [headline(verdict)]
    lines.extend(category_lines(verdict))
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
    if verdict.tiers and len(verdict.tiers) > 1:
        lines.append("by tier (base -> candidate, n): " + "; ".join(
            f"{name} {fmt(base)} -> {fmt(cand)} (n={n})" for name, (base, cand, n) in verdict.tiers.items()))
    lines.extend(flipped_by_category(verdict))
    text = "\n".join(lines)
    if len(text) > MAX_MESSAGE_CHARS:
        text = text[:MAX_MESSAGE_CHARS] + "\n… (cut)"
    if report_hint and verdict.worsened:
        text += "\n" + report_hint
    return text


def regressed_category(test: CategoryTest) -> str:
    """'bullet_points 0.5333 -> 0.1333 (n=15, p=0.0039, Holm 0.031)'."""
    c = test.comparison
    return (f"{test.name} {fmt(test.base_score)} -> {fmt(test.candidate_score)} "
            f"(n={c.n}, p={c.p_value:.2g}, Holm-adjusted {test.p_adjusted:.2g})")


def category_lines(verdict: Verdict) -> list[str]:
    """Why a suite failed on a category: the categories that regressed on their own."""
    failed = verdict.regressed_categories
    if not failed:
        return []
    family = sum(1 for t in verdict.category_tests if t.p_adjusted is not None)
    lines = [f"regressed in {len(failed)} categor{'y' if len(failed) == 1 else 'ies'} "
             f"(each worse than tolerance with significance, Holm-adjusted over {family} categories), "
             "whatever the suite's mean did:"]
    lines.extend(f"  {regressed_category(t)}" for t in failed)
    return lines


def by_category(verdict: Verdict) -> list[tuple[str, list[CaseChange]]]:
    """Worsened cases grouped by category, the category with the largest total worsening first."""
    sign = 1 if verdict.higher_is_better else -1
    groups: dict[str, list[CaseChange]] = {}
    for change in verdict.worsened:  # already worst first within each group
        groups.setdefault(change.candidate.category or "-", []).append(change)
    return sorted(groups.items(), key=lambda kv: (sum(sign * ch.change for ch in kv[1]), kv[0]))


def flipped_by_category(verdict: Verdict) -> list[str]:
    """The worst cases of the worst categories, each with prompt, expected, outputs and a word diff."""
    groups = by_category(verdict)
    budget = MAX_CASES_SHOWN
    # Few categories get more cases each; many categories share the budget.
    per_category = max(MAX_CASES_PER_CATEGORY, MAX_CASES_SHOWN // max(1, min(len(groups), MAX_CATEGORIES_SHOWN)))
    body: list[str] = []
    categories_shown = 0
    for name, changes in groups[:MAX_CATEGORIES_SHOWN]:
        shown = changes[: min(per_category, budget)]
        if not shown:
            break
        budget -= len(shown)
        categories_shown += 1
        label = "(no category)" if name == "-" else name
        body.append(f"  {label}: {len(changes)} worse" + (f", worst {len(shown)}:" if len(shown) < len(changes) else ":"))
        for change in shown:
            body.extend(_case_lines(change))
    if not body:
        return []
    shown_total = MAX_CASES_SHOWN - budget
    head = f"worst {shown_total} of {len(verdict.worsened)} worsened cases: by category, worst first"
    if categories_shown < len(groups):
        head += f" ({categories_shown} of {len(groups)} categories)"
    return [head] + body


def _case_lines(change: CaseChange) -> list[str]:
    base, cand = change.base, change.candidate
    head = f"    - {cand.id}"
    head += f" score {fmt(base.score)} -> {fmt(cand.score)}"
    lines = [head]
    pad = "        "

    def field(label: str, text: str) -> str:
        # Continuation lines of a multi-line value stay under the value, not at the margin.
        return f"{pad}{label:<11}" + text.replace("\n", "\n" + pad + " " * 11)

    if cand.prompt:
        lines.append(field("prompt:", clip(cand.prompt)))
    if cand.expected:
        lines.append(field("expected:", clip(cand.expected)))
    if base.output or cand.output:
        old, new = clip(base.output), clip(cand.output)
        flat_old, flat_new = " ".join(base.output.split()), " ".join(cand.output.split())
        if flat_old and flat_new and flat_old != flat_new and max(len(flat_old), len(flat_new)) <= MAX_FIELD_CHARS:
            old, new = aligned(flat_old, flat_new)  # short enough to line up word by word
        lines.append(field("base:", old))
        lines.append(field("candidate:", new))
        if base.output and cand.output and base.output != cand.output:
            lines.append(field("diff:", clip(word_diff(base.output, cand.output))))
    return lines

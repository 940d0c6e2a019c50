"""The Markdown report: a pull-request comment with the summary and, per failed suite, the evidence.

Built from the JSON report dict, so both always agree. Failed suites get a collapsed
<details> section (categories, then the worst cases with a word diff); GitHub caps a
comment at 65,536 characters, so the cases are cut well before that.
"""
from __future__ import annotations

import html
from typing import Any

from capcheck.report.explain import clip, word_diff

MAX_CHARS = 60000
CASES_PER_SUITE = 10
MARKS = {"pass": "✅", "improved": "✅", "recorded": "📝", "regressed": "❌", "inconclusive": "⚠️",
         "stale": "❌", "missing": "❌", "error": "❌"}


def _cell(text: str) -> str:
    return html.escape(text, quote=False).replace("|", "\\|").replace("\n", " ")


def _num(value: float | None, digits: int = 4) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _delta(suite: dict[str, Any]) -> str:
    if suite["delta"] is None:
        return ""
    text = f"{suite['delta']:+.4f}"
    if suite["ci95"]:
        text += f" [{suite['ci95'][0]:+.3f}, {suite['ci95'][1]:+.3f}]"
    return text


def _p(suite: dict[str, Any]) -> str:
    if suite["p_value"] is None:
        return ""
    p = f"{suite['p_value']:.3g}"
    return p + (f" (Holm {suite['p_adjusted']:.3g})" if suite["p_adjusted"] is not None else "")


def _category_p(category: dict[str, Any]) -> str:
    if category.get("p_adjusted") is None:
        return ""
    return f"{category['p_adjusted']:.2g}" + (" **regressed**" if category.get("regressed") else "")


def _status(suite: dict[str, Any]) -> str:
    text = f"{MARKS.get(suite['status'], '')} {suite['status']}"
    return text + (" (within noise floor)" if suite["within_noise"] else "")


def render(data: dict[str, Any]) -> str:
    failed = [s for s in data["suites"] if s["failed"]]
    model = data["model"]
    title = {"pass": "✅ capcheck: pass", "fail": "❌ capcheck: fail", "error": "❌ capcheck: could not run"}[data["verdict"]]
    lines = [f"### {title}", ""]
    who = f"Model `{model['id']}`" + (f" + adapter `{model['adapter']}`" if model.get("adapter") else "")
    if model.get("fingerprint"):
        who += f" (fingerprint `{model['fingerprint']}`)"
    lines.append(f"{who}; {len(data['suites'])} suite(s), {len(failed)} failed.")
    if data["error"]:
        lines += ["", f"**Error:** {_cell(data['error'])}"]
    lines += ["", "| suite | n | base | candidate | delta [95% CI] | p | tol | verdict |", "|---|---:|---:|---:|---|---:|---:|---|"]
    for s in data["suites"]:
        lines.append(f"| {_cell(s['name'])} | {s['n']} | {_num(s['base_score'])} | {_num(s['candidate_score'])} | "
                     f"{_delta(s)} | {_p(s)} | {_num(s['tolerance'], 3)} | {_status(s)} |")
    policy = data["policy"]
    lines += ["", f"A suite fails when it is worse than its tolerance with one-sided p < {policy['alpha']}"
              + (" (Holm-adjusted across suites)" if policy["holm"] else "")
              + f"; inconclusive {'fails' if policy['inconclusive_fails'] else 'passes'}."]
    text = "\n".join(lines) + "\n"
    for s in failed:
        section = _details(s)
        if len(text) + len(section) > MAX_CHARS:
            text += "\n_(more failed suites are cut here; see the JSON or HTML report)_\n"
            break
        text += section
    return text


def _details(s: dict[str, Any]) -> str:
    lines = ["", "<details>", f"<summary><b>{_cell(s['name'])}</b>: {s['status']}, {s['metric']} "
             f"{_num(s['base_score'])} → {_num(s['candidate_score'])}, {s['worsened_count']} case(s) worse, "
             f"{s['improved_count']} better</summary>", ""]
    if s["message"]:
        lines += [f"{_cell(s['message'])}", ""]
    for note in s["notes"]:
        lines.append(f"- note: {_cell(note)}")
    if s["cases_needed"]:
        lines.append(f"- not significant: about {s['cases_needed']} cases would decide it")
    moved = [c for c in s["categories"] if c["base"] != c["candidate"]]
    if len(s["categories"]) > 1 and moved:
        lines += ["", "| category | n | base | candidate | change | p (Holm) |", "|---|---:|---:|---:|---:|---|"]
        sign = 1 if s["direction"] == "higher" else -1
        for c in sorted(moved, key=lambda c: sign * ((c["candidate"] or 0) - (c["base"] or 0))):
            lines.append(f"| {_cell(c['name'])} | {c['n']} | {_num(c['base'])} | {_num(c['candidate'])} | "
                         f"{(c['candidate'] or 0) - (c['base'] or 0):+.4f} | {_category_p(c)} |")
    tiers = s.get("tiers") or []
    if len(tiers) > 1:
        lines += ["", "| tier | n | base | candidate |", "|---|---:|---:|---:|"]
        lines += [f"| {_cell(t['name'])} | {t['n']} | {_num(t['base'])} | {_num(t['candidate'])} |" for t in tiers]
    cases = s["worsened"][:CASES_PER_SUITE]
    if cases:
        lines += ["", f"Worst {len(cases)} of {s['worsened_count']} worsened cases:", "", "```diff"]
        for case in cases:
            lines.append(f"# {case['id']} [{case['category']}] score {_num(case['base_score'])} -> {_num(case['candidate_score'])}")
            for label, key in (("prompt", "prompt"), ("expected", "expected")):
                if case[key]:
                    lines.append(f"  {label}: {_code(case[key])}")
            lines.append(f"- base:      {_code(case['base_output'])}")
            lines.append(f"+ candidate: {_code(case['candidate_output'])}")
            if case["base_output"] and case["candidate_output"]:
                lines.append(f"  diff: {_code(word_diff(case['base_output'], case['candidate_output']))}")
        lines.append("```")
    lines += ["", "</details>", ""]
    return "\n".join(lines)


def _code(text: str) -> str:
    """Model text inside the diff block: one line, and no fence that would end the block early."""
    return " ⏎ ".join(clip(text, 300).splitlines()).replace("`" * 3, "'" * 3)

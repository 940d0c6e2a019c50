"""The HTML report: one self-contained page (inline CSS, SVG and JS; no external URL).

Sections: the verdict and provenance, a chart of base vs candidate per suite with the
candidate's 95% interval, per-category breakdowns, and a searchable table of every
worsened case with a word diff. Built from the JSON report dict.
"""
from __future__ import annotations

import html
from typing import Any

from capcheck.report.explain import diff_segments

COLOURS = {"pass": "#2e7d32", "improved": "#00838f", "recorded": "#1565c0", "regressed": "#c62828",
           "inconclusive": "#ef6c00", "stale": "#6a1b9a", "missing": "#6a1b9a", "error": "#c62828"}
ROW_HEIGHT = 34
CHART_WIDTH = 840
LABEL_WIDTH = 230
PLOT_WIDTH = 380

CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;max-width:1200px;color:#1a1a1a;padding:0 16px}
h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
.meta{color:#555;font-size:13px} .badge{display:inline-block;padding:2px 10px;border-radius:10px;color:#fff;font-weight:600}
table{border-collapse:collapse;width:100%;font-size:13px} th,td{border-bottom:1px solid #eee;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#fafafa} td.num{text-align:right;font-variant-numeric:tabular-nums}
details{margin:6px 0} summary{cursor:pointer;font-weight:600}
del{background:#ffebee;color:#b71c1c;text-decoration:line-through} ins{background:#e8f5e9;color:#1b5e20;text-decoration:none}
#search{width:320px;padding:5px 8px;font-size:14px;margin:0 8px 8px 0} .out{white-space:pre-wrap;max-width:260px}
.count{color:#555} svg text{font:12px system-ui,sans-serif}
"""

SCRIPT = """
(function(){
  var input=document.getElementById('search'), pick=document.getElementById('suite-filter');
  var rows=Array.prototype.slice.call(document.querySelectorAll('#cases tbody tr'));
  var count=document.getElementById('shown');
  function apply(){
    var q=input.value.toLowerCase(), s=pick.value, n=0;
    rows.forEach(function(r){
      var ok=(!s||r.getAttribute('data-suite')===s)&&(!q||r.textContent.toLowerCase().indexOf(q)>=0);
      r.style.display=ok?'':'none'; if(ok){n++;}
    });
    count.textContent=n+' of '+rows.length+' cases shown';
  }
  // A link ending in #q=word opens the page already filtered.
  if(location.hash.indexOf('#q=')===0){input.value=decodeURIComponent(location.hash.slice(3));}
  input.addEventListener('input',apply); pick.addEventListener('change',apply); apply();
})();
"""


def e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _num(value: float | None, digits: int = 4) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def html_diff(old: str, new: str) -> str:
    """Word diff with <del> for words the candidate lost and <ins> for words it gained."""
    parts = []
    for op, removed, added in diff_segments(old, new):
        if op == "equal":
            parts.append(e(removed))
            continue
        if removed:
            parts.append(f"<del>{e(removed)}</del>")
        if added:
            parts.append(f"<ins>{e(added)}</ins>")
    return " ".join(parts)


def chart(suites: list[dict[str, Any]]) -> str:
    """Inline SVG: per suite, base (grey diamond) and candidate (dot) with its 95% interval.

    Each row has its own scale, because suites use different metrics (accuracy, loss).
    """
    rows = [s for s in suites if s["base_score"] is not None and s["candidate_score"] is not None]
    height = 30 + ROW_HEIGHT * max(len(rows), 1)
    out = [f'<svg id="chart" role="img" aria-label="base vs candidate per suite" width="{CHART_WIDTH}" '
           f'height="{height}" viewBox="0 0 {CHART_WIDTH} {height}">',
           f'<text x="{LABEL_WIDTH}" y="14" fill="#555">◆ base   ● candidate with 95% interval (each row on its own scale)</text>']
    for i, s in enumerate(rows):
        y = 36 + i * ROW_HEIGHT
        base, cand = s["base_score"], s["candidate_score"]
        low, high = (base + s["ci95"][0], base + s["ci95"][1]) if s["ci95"] and None not in s["ci95"] else (cand, cand)
        lo, hi = min(base, cand, low), max(base, cand, high)
        pad = (hi - lo) * 0.15 or max(abs(hi) * 0.05, 0.01)
        lo, hi = lo - pad, hi + pad

        def x(v: float, lo: float = lo, hi: float = hi) -> float:
            return LABEL_WIDTH + (v - lo) / (hi - lo) * PLOT_WIDTH

        colour = COLOURS.get(s["status"], "#333")
        out.append(f'<g class="suite-row" data-suite="{e(s["name"])}">')
        out.append(f'<text x="{LABEL_WIDTH - 8}" y="{y + 4}" text-anchor="end">{e(s["name"])}</text>')
        out.append(f'<line x1="{LABEL_WIDTH}" y1="{y}" x2="{LABEL_WIDTH + PLOT_WIDTH}" y2="{y}" stroke="#e0e0e0"/>')
        out.append(f'<line class="ci" x1="{x(low):.1f}" y1="{y}" x2="{x(high):.1f}" y2="{y}" stroke="{colour}" stroke-width="3"/>')
        for edge in (low, high):
            out.append(f'<line x1="{x(edge):.1f}" y1="{y - 6}" x2="{x(edge):.1f}" y2="{y + 6}" stroke="{colour}" stroke-width="2"/>')
        bx = x(base)
        out.append(f'<path class="base" d="M{bx:.1f} {y - 7} L{bx + 7:.1f} {y} L{bx:.1f} {y + 7} L{bx - 7:.1f} {y} Z" fill="#9e9e9e"/>')
        out.append(f'<circle class="candidate" cx="{x(cand):.1f}" cy="{y}" r="6" fill="{colour}"/>')
        out.append(f'<text x="{LABEL_WIDTH + PLOT_WIDTH + 10}" y="{y + 4}" fill="{colour}">'
                   f'{_num(base)} → {_num(cand)} {e(s["status"])}</text>')
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


def _summary_table(data: dict[str, Any]) -> str:
    head = "<tr><th>suite</th><th>n</th><th>base</th><th>candidate</th><th>delta [95% CI]</th><th>p</th><th>tol</th><th>verdict</th></tr>"
    body = []
    for s in data["suites"]:
        delta = "" if s["delta"] is None else f"{s['delta']:+.4f}"
        if s["ci95"] and None not in s["ci95"]:
            delta += f" [{s['ci95'][0]:+.3f}, {s['ci95'][1]:+.3f}]"
        p = "" if s["p_value"] is None else f"{s['p_value']:.3g}"
        if s["p_adjusted"] is not None:
            p += f" (Holm {s['p_adjusted']:.3g})"
        status = e(s["status"]) + (" (within noise)" if s["within_noise"] else "")
        body.append(f'<tr><td>{e(s["name"])}</td><td class="num">{s["n"]}</td><td class="num">{_num(s["base_score"])}</td>'
                    f'<td class="num">{_num(s["candidate_score"])}</td><td>{delta}</td><td class="num">{p}</td>'
                    f'<td class="num">{_num(s["tolerance"], 3)}</td>'
                    f'<td><span class="badge" style="background:{COLOURS.get(s["status"], "#333")}">{status}</span></td></tr>')
    return f'<table id="summary"><thead>{head}</thead><tbody>{"".join(body)}</tbody></table>'


def _categories(s: dict[str, Any]) -> str:
    if not s["categories"]:
        return ""
    sign = 1 if s["direction"] == "higher" else -1
    cats = sorted(s["categories"], key=lambda c: sign * ((c["candidate"] or 0) - (c["base"] or 0)))
    rows = []
    for c in cats:
        change = (c["candidate"] or 0) - (c["base"] or 0)
        colour = "#c62828" if sign * change < 0 else ("#2e7d32" if change else "#555")
        judged = "" if c.get("p_adjusted") is None else f'{c["p_adjusted"]:.2g}' + (" regressed" if c.get("regressed") else "")
        rows.append(f'<tr><td>{e(c["name"])}</td><td class="num">{c["n"]}</td><td class="num">{_num(c["base"])}</td>'
                    f'<td class="num">{_num(c["candidate"])}</td><td class="num" style="color:{colour}">{change:+.4f}</td>'
                    f'<td class="num">{judged}</td></tr>')
    tiers = "".join(f'<tr><td>{e(t["name"])}</td><td class="num">{t["n"]}</td><td class="num">{_num(t["base"])}</td>'
                    f'<td class="num">{_num(t["candidate"])}</td></tr>' for t in s.get("tiers") or [])
    tier_table = (f'<table class="tiers"><thead><tr><th>tier</th><th>n</th><th>base</th><th>candidate</th></tr></thead>'
                  f'<tbody>{tiers}</tbody></table>') if tiers else ""
    opened = " open" if s["failed"] else ""
    msg = f'<p>{e(s["message"])}</p>' if s["message"] else ""
    notes = "".join(f"<p class=meta>note: {e(n)}</p>" for n in s["notes"])
    return (f'<details class="categories"{opened}><summary>{e(s["name"])}: {e(s["status"])}, '
            f'{s["worsened_count"]} worse, {s["improved_count"]} better</summary>{msg}{notes}'
            f'<table><thead><tr><th>category</th><th>n</th><th>base</th><th>candidate</th><th>change</th>'
            f'<th>p (Holm)</th></tr></thead><tbody>{"".join(rows)}</tbody></table>{tier_table}</details>')


SHOWN_STATUSES = ("regressed", "inconclusive")
"""Suites whose worsened cases are listed; in a passing suite they are within tolerance (and for
continuous scores nearly every case moves a little)."""


def _cases(data: dict[str, Any]) -> str:
    rows = []
    for s in data["suites"]:
        if s["status"] not in SHOWN_STATUSES:
            continue
        for c in s["worsened"]:
            diff = html_diff(c["base_output"], c["candidate_output"]) if c["base_output"] and c["candidate_output"] else ""
            rows.append(f'<tr data-suite="{e(s["name"])}"><td>{e(s["name"])}</td><td>{e(c["category"])}</td>'
                        f'<td>{e(c["id"])}</td><td class="out">{e(c["prompt"])}</td><td class="out">{e(c["expected"])}</td>'
                        f'<td class="out">{e(c["base_output"])}</td><td class="out">{e(c["candidate_output"])}</td>'
                        f'<td class="out">{diff}</td><td class="num">{_num(c["base_score"], 3)} → {_num(c["candidate_score"], 3)}</td></tr>')
    options = "".join(f'<option value="{e(s["name"])}">{e(s["name"])}</option>'
                      for s in data["suites"] if s["worsened"] and s["status"] in SHOWN_STATUSES)
    return ('<input id="search" type="search" placeholder="search cases (id, prompt, output…)">'
            f'<select id="suite-filter"><option value="">all suites</option>{options}</select> '
            '<span id="shown" class="count"></span>'
            '<table id="cases"><thead><tr><th>suite</th><th>category</th><th>case</th><th>prompt</th><th>expected</th>'
            '<th>base output</th><th>candidate output</th><th>word diff</th><th>score</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def render(data: dict[str, Any]) -> str:
    model = data["model"]
    verdict = data["verdict"]
    colour = {"pass": COLOURS["pass"], "fail": COLOURS["regressed"], "error": COLOURS["error"]}[verdict]
    who = e(model["id"]) + (f" + adapter {e(model['adapter'])}" if model.get("adapter") else "")
    engine = data["engine"] or {}
    policy = data["policy"]
    meta = (f'model {who} (fingerprint {e(model.get("fingerprint", "n/a"))}); engine {e(engine.get("name", "n/a"))} '
            f'{e(engine.get("version", ""))} {e(engine.get("dtype", ""))}; baselines {e(data["baseline_dir"])}; '
            f'capcheck {e(data["capcheck_version"])}, {e(data["created_at"])}')
    rule = (f'A suite fails when it is worse than its tolerance with one-sided p &lt; {policy["alpha"]}'
            + (" (Holm-adjusted across suites)" if policy["holm"] else "")
            + f'; inconclusive {"fails" if policy["inconclusive_fails"] else "passes"}.')
    error = f'<p style="color:#c62828"><b>Error:</b> {e(data["error"])}</p>' if data["error"] else ""
    total = sum(len(s["worsened"]) for s in data["suites"] if s["status"] in SHOWN_STATUSES)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>capcheck report: {verdict}</title><style>{CSS}</style></head>
<body>
<h1>capcheck report <span id="verdict" class="badge" style="background:{colour}">{e(verdict)}</span></h1>
<p class="meta">{meta}</p>{error}
<h2>Suites</h2>
{_summary_table(data)}
<p class="meta">{rule}</p>
<h2>Base vs candidate</h2>
{chart(data["suites"])}
<h2>By category</h2>
{"".join(_categories(s) for s in data["suites"])}
<h2>Worsened cases of the suites that did not pass ({total})</h2>
{_cases(data)}
<script>{SCRIPT}</script>
</body></html>
"""

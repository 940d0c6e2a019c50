"""The watch report: the timeline as JSON (schemas/watch.schema.json) and as an HTML page with
one chart per suite (score against step, the look's boundary dashed, flagged looks in red)."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from capcheck.atomic import write_text_atomic
from capcheck.errors import CapcheckError
from capcheck.report.html import COLOURS, CSS, e
from capcheck.watch.watcher import Watcher

SCHEMA = Path(__file__).parent.parent / "schemas" / "watch.schema.json"
SUFFIXES = (".json", ".html")
WIDTH, HEIGHT, PAD = 460, 190, 44


@lru_cache(maxsize=1)
def _validator() -> Any:
    import jsonschema

    return jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))


def check_path(path: Path) -> None:
    """Refuse a report path capcheck cannot write, before training starts."""
    if path.suffix not in SUFFIXES:
        raise CapcheckError(f"watch report {path}: the suffix must be one of {', '.join(SUFFIXES)}.")
    if not path.parent.is_dir():
        raise CapcheckError(f"watch report {path}: folder {path.parent} does not exist; create it first.")


def to_json(data: dict[str, Any]) -> str:
    errors = sorted(_validator().iter_errors(data), key=lambda err: list(err.path))
    if errors:
        raise ValueError(f"watch report does not match its schema: {errors[0].message}")
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def write(watcher: Watcher, path: Path) -> None:
    """Write the timeline so far (atomically: a reader never sees half a file)."""
    data = watcher.to_dict()
    text = to_json(data) if path.suffix == ".json" else render(data)
    write_text_atomic(path, text)


def _chart(name: str, looks: list[dict[str, Any]]) -> str:
    rows = [s for look in looks for s in look["suites"] if s["suite"] == name]
    steps = [look["step"] for look in looks if any(s["suite"] == name for s in look["suites"])]
    if not rows:
        return ""
    edges = [(step, r["boundary"]) for step, r in zip(steps, rows) if r["boundary"] is not None]
    values = [r["score"] for r in rows] + [b for _, b in edges] + [rows[0]["base_score"]]
    lo, hi = min(values), max(values)
    pad = (hi - lo) * 0.1 or 0.05
    lo, hi = lo - pad, hi + pad
    first, last = 0, max(steps)

    def x(step: float) -> float:
        return PAD + (step - first) / ((last - first) or 1) * (WIDTH - 2 * PAD)

    def y(v: float) -> float:
        return HEIGHT - PAD + (lo - v) / (hi - lo) * (HEIGHT - 2 * PAD)

    base = rows[0]["base_score"]
    line = " ".join(f"{x(s):.1f},{y(r['score']):.1f}" for s, r in zip([0] + steps, [{"score": base}] + rows))
    edge = " ".join(f"{x(step):.1f},{y(b):.1f}" for step, b in edges)
    out = [f'<svg class="timeline" data-suite="{e(name)}" role="img" aria-label="{e(name)} score against step" '
           f'width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}">',
           f'<text x="{PAD}" y="16">{e(name)} ({e(rows[0]["metric"])}, {e(rows[0]["direction"])} is better)</text>',
           f'<line class="base" x1="{PAD}" y1="{y(base):.1f}" x2="{WIDTH - PAD}" y2="{y(base):.1f}" stroke="#9e9e9e"/>',
           f'<polyline class="boundary" points="{edge}" fill="none" stroke="#c62828" stroke-dasharray="5 4"/>',
           f'<polyline class="score" points="{line}" fill="none" stroke="#1565c0" stroke-width="2"/>']
    out += [f'<line class="edge" x1="{x(step) - 7:.1f}" y1="{y(b):.1f}" x2="{x(step) + 7:.1f}" y2="{y(b):.1f}" '
            f'stroke="#c62828" stroke-width="2"/>' for step, b in edges]  # a lone boundary shows too
    for step, r in zip(steps, rows):
        colour = COLOURS["regressed"] if r["regressed"] else COLOURS["pass"]
        edge_text = "none" if r["boundary"] is None else f"{r['boundary']:.4f}"
        out.append(f'<circle class="{"flagged" if r["regressed"] else "look"}" cx="{x(step):.1f}" cy="{y(r["score"]):.1f}" '
                   f'r="4" fill="{colour}"><title>step {step}: {r["score"]:.4f} (boundary {edge_text}, '
                   f'p adjusted {r["p_adjusted"]:.3g})</title></circle>')
        out.append(f'<text x="{x(step):.1f}" y="{HEIGHT - PAD + 16}" text-anchor="middle">{step}</text>')
    out.append(f'<text x="{PAD - 4}" y="{y(hi - pad):.1f}" text-anchor="end">{hi - pad:.2f}</text>')
    out.append(f'<text x="{PAD - 4}" y="{y(lo + pad):.1f}" text-anchor="end">{lo + pad:.2f}</text>')
    out.append("</svg>")
    return "\n".join(out)


def render(data: dict[str, Any]) -> str:
    first = data["first_regression"]
    if first:
        verdict = "; ".join(f"{e(n)} regressed at step {s}" for n, s in sorted(first.items(), key=lambda i: i[1]))
        badge = f'<span class="badge" style="background:{COLOURS["regressed"]}">forgetting</span> {verdict}'
    else:
        badge = f'<span class="badge" style="background:{COLOURS["pass"]}">no suite flagged</span>'
    looks = data["looks"]
    family = "across the suites (Holm)" if data["holm"] else "per suite"
    clean = data["last_clean_step"] if data["last_clean_step"] is not None else "none"
    meta = (f'{len(looks)} of {data["planned_looks"]} planned looks; alpha {data["alpha"]} spent '
            f'{e(data["spending"])}-style, {family}; watch set version {data["watch_set_version"]}; '
            f'last clean step: {clean}')
    charts = "\n".join(_chart(name, looks) for name in data["suites"])
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>capcheck watch</title>'
            f'<style>{CSS} svg.timeline{{margin:6px 12px 6px 0}}</style></head><body>'
            f'<h1>capcheck watch</h1><p>{badge}</p><p class="meta">{meta}</p>'
            f'<p class="meta">Blue: the suite\'s score on the watch set at each look (the first point is the base '
            f'model\'s); grey: the base score; red: the boundary a look flags at or past (none where this look could '
            f'flag no score: too few cases changed).</p>'
            f'<div id="timelines">{charts}</div></body></html>\n')

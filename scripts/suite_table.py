"""Score several models on every suite and print the Markdown table of docs/suites.md.

    python scripts/suite_table.py [--quick] [--noise 0.01,0.02] [--model DIR ...] [--out table.md]

The embedded model's column is its committed baseline; `--noise` adds noisy copies of it
(made once under the capcheck cache). Each model is run through the same session code as the gate and
judged against the committed baselines.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from capcheck.damage import add_noise
from capcheck.paths import cache_dir
from capcheck.session import CapcheckSession
from capcheck.settings import Settings
from capcheck.suites_loader import load_suite_files

REPO = Path(__file__).resolve().parents[1]


def noisy_copy(std: float) -> Path:
    out = cache_dir() / "models" / f"smollm2-135m-instruct-noise-{std}"
    if not out.exists():
        add_noise(None, out, std, seed=0)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--noise", default="0.01,0.02")
    parser.add_argument("--model", action="append", default=[])
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    suites = load_suite_files(REPO / "suites")
    # The embedded model's own column is its committed baseline (recorded by the same code).
    models: list[tuple[str, str | None]] = [(f"noise {s}", str(noisy_copy(float(s)))) for s in args.noise.split(",") if s]
    models += [(Path(m).name, m) for m in args.model]
    columns = []
    for label, model in models:
        session = CapcheckSession(Settings(model=model, engine="hf", quick=args.quick), REPO)
        for suite in suites:
            session.add_suite(suite)
        start = time.perf_counter()
        verdicts = {s.name: session.verdict(s.name) for s in suites}
        print(f"{label}: {time.perf_counter() - start:.0f}s", flush=True)
        columns.append((label, verdicts))
    head = "| suite | cases | metric | chance | tolerance | embedded | " + " | ".join(label for label, _ in columns) + " |"
    lines = [head, "|" + "---|" * (6 + len(columns))]
    for suite in suites:
        cells = [f"{columns[0][1][suite.name].base_score:.3f}" if columns else "-"]
        for _, verdicts in columns:
            v = verdicts[suite.name]
            cells.append(f"{v.candidate_score:.3f} ({v.status.value})")
        chance = "-" if suite.chance is None else f"{suite.chance:g}"
        lines.append(f"| {suite.name} | {len(suite.cases)} | {suite.metric} ({suite.direction}) | {chance} | "
                     f"{suite.tolerance:g} | " + " | ".join(cells) + " |")
    text = "\n".join(lines) + "\n"
    print(text)
    for label, verdicts in columns[1:]:
        print(f"\n{label}, per category (base -> candidate):")
        for name, v in verdicts.items():
            moved = sorted(v.categories.items(), key=lambda kv: kv[1][1] - kv[1][0])
            print(f"  {name}: " + ", ".join(f"{k} {b:.2f}->{c:.2f}" for k, (b, c, _) in moved[:4]))
    if args.out:
        Path(args.out).write_text(text)


if __name__ == "__main__":
    main()

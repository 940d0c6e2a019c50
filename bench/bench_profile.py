"""Where the gate's time goes, and the floor that this machine's decode rate sets under it.

    .venv/bin/python bench/bench_profile.py [--quick] [--suites suites] [--batch-size 32]

In one process, with the gate's own engine settings (hf, float32, default threads and
streams, no result cache):

1. loads the engine and runs every suite through the planner as the gate does, timing each
   engine call (requests, prompt tokens, generated tokens, the longest reply) and the work
   outside the engine (planning, checking replies, statistics);
2. measures the model's decoding rate on this machine: the seconds of one decoding step at
   batch 1 and at batch 64 behind a 256-token cache, and the prefill rate of a 32 x 256 batch;
3. prints the profile, then the time each engine call would take at those rates, with
   perfect scheduling (the "floor"):
   - a generation call needs at least `longest reply` sequential steps, each no faster than
     one step at batch 1, and its tokens come no faster than batch 64's rate, after its
     prompts are prefilled: floor = max(longest x step(1), generated / rate(64)) + prompt / prefill,
     where a turn continuing a kept conversation cache counts only its new prompt tokens;
   - a scoring call runs its prompt tokens (each shared context once) at the prefill rate.
   The rates come from one stream of two threads, and the engine runs two streams of one
   thread, so the engine can beat the floor by a few percent. Where it takes about its
   floor, scheduling has nothing left to give: only fewer tokens or faster kernels would.

Measured here on 2026-12-04 (2 CPU cores): docs/scaling.md, "Where the gate's time goes".
"""
from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


@dataclass
class Call:
    kind: str
    requests: int
    seconds: float
    prompt_tokens: int
    generated: int = 0
    longest: int = 0


class TimingEngine:
    """Wraps an engine; times every call and counts its tokens."""

    abilities: frozenset[str] = frozenset()

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.calls: list[Call] = []

    @property
    def info(self) -> Any:
        return self.engine.info

    def _timed(self, kind: str, requests: list, run: Any, prompt_tokens: int) -> Any:
        start = time.perf_counter()
        out = run(requests)
        self.calls.append(Call(kind, len(requests), time.perf_counter() - start, prompt_tokens))
        return out

    def generate(self, requests):  # type: ignore[no-untyped-def]
        from capcheck.engines import prompts

        tokenizer = self.engine.tokenizer
        tokens = sum(len(prompts.prompt_ids(tokenizer, r.prompt)) for r in requests)
        reused = self.engine.kept.reused_tokens
        out = self._timed("generate", list(requests), self.engine.generate, tokens)
        # Turns that continue a kept conversation cache prefill only their new tokens.
        self.calls[-1].prompt_tokens -= self.engine.kept.reused_tokens - reused
        self.calls[-1].generated = sum(c.n_tokens for c in out)
        self.calls[-1].longest = max((c.n_tokens for c in out), default=0)
        return out

    def loglikelihood(self, requests):  # type: ignore[no-untyped-def]
        from capcheck.engines import prompts

        tokenizer = self.engine.tokenizer
        pairs = [prompts.context_continuation_ids(tokenizer, r.context, r.continuation) for r in requests]
        # Options sharing a context run it once: count each distinct context once.
        tokens = sum(len(c) for c in {tuple(ctx) for ctx, _ in pairs}) + sum(len(cont) for _, cont in pairs)
        return self._timed("loglikelihood", list(requests), self.engine.loglikelihood, tokens)

    def loglikelihood_rolling(self, requests):  # type: ignore[no-untyped-def]
        out = self._timed("rolling", list(requests), self.engine.loglikelihood_rolling, 0)
        self.calls[-1].prompt_tokens = sum(r.n_tokens for r in out)
        return out

    def close(self) -> None:
        pass


def decode_rates(model: Any, torch: Any) -> tuple[float, float, float]:
    """(seconds per step at batch 1, tokens/s at batch 64, prefill tokens/s) behind a 256-token cache."""
    from transformers import DynamicCache

    def step_seconds(batch: int, steps: int = 12) -> float:
        ids = torch.randint(100, 1000, (batch, 256))
        with torch.inference_mode():
            cache = DynamicCache()
            out = model(input_ids=ids, past_key_values=cache, use_cache=True, logits_to_keep=1)
            token = out.logits[:, -1].argmax(-1, keepdim=True)
            model(input_ids=token, past_key_values=cache, use_cache=True)  # warm-up step
            start = time.perf_counter()
            for _ in range(steps):
                out = model(input_ids=token, past_key_values=cache, use_cache=True)
                token = out.logits[:, -1].argmax(-1, keepdim=True)
            return (time.perf_counter() - start) / steps

    one = step_seconds(1)
    wide = 64 / step_seconds(64)
    ids = torch.randint(100, 1000, (32, 256))
    with torch.inference_mode():
        model(input_ids=ids[:4], logits_to_keep=1)  # warm-up
        start = time.perf_counter()
        model(input_ids=ids, logits_to_keep=1)
        prefill = ids.numel() / (time.perf_counter() - start)
    return one, wide, prefill


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suites", default=str(REPO / "suites"))
    parser.add_argument("--quick", action="store_true", help="the --capcheck-quick subsets")
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()

    import torch

    from capcheck import checkpoint as checkpoints
    from capcheck.engines import EngineConfig, load_engine
    from capcheck.plan import run_suites
    from capcheck.suites_loader import load_suite_files

    suites = load_suite_files(Path(args.suites))
    if args.quick:
        suites = [s.quick() for s in suites]
    checkpoint = checkpoints.resolve(None)
    start = time.perf_counter()
    engine = load_engine("hf", checkpoint, EngineConfig(batch_size=args.batch_size))
    load = time.perf_counter() - start
    timing = TimingEngine(engine)
    start = time.perf_counter()
    run_suites(suites, timing)
    run = time.perf_counter() - start
    in_engine = sum(c.seconds for c in timing.calls)
    one, wide, prefill = decode_rates(engine.model, torch)

    print(f"gate profile ({'quick' if args.quick else 'full'}), hf float32, torch threads {torch.get_num_threads()}")
    print(f"decoding here: one step at batch 1 {one * 1000:.1f} ms; batch 64 {wide:.0f} tok/s; prefill {prefill:.0f} tok/s")
    print(f"{'call':>16s} {'requests':>9s} {'prompt tok':>11s} {'generated':>10s} {'longest':>8s} {'seconds':>8s} {'floor s':>8s}")
    floors = []
    for i, c in enumerate(timing.calls, 1):
        if c.kind == "generate":
            floor = max(c.longest * one, c.generated / wide) + c.prompt_tokens / prefill
        else:
            floor = c.prompt_tokens / prefill
        floors.append(floor)
        print(f"{f'{i}. {c.kind}':>16s} {c.requests:9d} {c.prompt_tokens:11d} {c.generated:10d} {c.longest:8d} "
              f"{c.seconds:8.1f} {floor:8.1f}")
    floor = sum(floors)
    print(f"load {load:.1f} s; engine calls {in_engine:.1f} s; outside the engine (planning, checks, statistics) "
          f"{run - in_engine:.1f} s; load + run {load + run:.1f} s")
    print(f"floor of the engine calls {floor:.1f} s; load + floor {load + floor:.1f} s "
          f"(the engine took {in_engine / floor:.2f}x its floor)")


if __name__ == "__main__":
    main()

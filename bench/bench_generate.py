"""Greedy generation: the hf engine's refilled stream vs batch-at-a-time decoding.

    python bench/bench_generate.py [--suites suites] [--full] [--batch-size 32] [--threads 1]

Runs the gate's generation requests (quick subsets unless --full; multi-turn waves
included, as the gate sends them) in one process:
(1) through the hf engine: every greedy request in one batch that is refilled as rows end,
    longest allowed replies first, shared prompt prefixes prefilled once, joining prompts
    chunked by length, shared key/value heads read in place, and a conversation's cache kept
    from one turn wave to the next;
(2) the engine calls again, twice, engine warm: with the multi-turn hint stripped (every turn
    prefills its whole history again, as before KV reuse) and as sent (kept caches);
(3) through a reference loop, the engine's previous design: requests grouped by decoding,
    sorted by length, batches of --batch-size that drop finished rows but are never
    refilled, transformers' default SDPA attention.
Prints the wall times per call of (2) and how many replies are identical, then (1) against
(3): both wall times, their ratio and how many replies are identical.
"""
from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def reference_generate(model: Any, tokenizer: Any, requests: list, batch_size: int, stop_ids: list[int]) -> list[str]:
    """Batch-at-a-time greedy decoding (rows leave when done; batches are not refilled)."""
    import torch
    from transformers import DynamicCache

    from capcheck.engines import prompts

    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else stop_ids[0]
    texts: list[str] = [""] * len(requests)
    groups: dict[Any, list[int]] = {}
    for index, request in enumerate(requests):
        groups.setdefault(request.decoding, []).append(index)
    for decoding, indices in groups.items():
        ids = {i: prompts.prompt_ids(tokenizer, requests[i].prompt) for i in indices}
        order = sorted(indices, key=lambda i: -len(ids[i]))
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            width = max(len(ids[i]) for i in chunk)
            input_ids = torch.tensor([[pad] * (width - len(ids[i])) + ids[i] for i in chunk])
            mask = torch.tensor([[0] * (width - len(ids[i])) + [1] * len(ids[i]) for i in chunk])
            cache = DynamicCache()
            out: dict[int, list[int]] = {i: [] for i in chunk}
            alive = list(chunk)
            with torch.inference_mode():
                logits = model(input_ids=input_ids, attention_mask=mask, position_ids=(mask.cumsum(-1) - 1).clamp(min=0),
                               past_key_values=cache, use_cache=True, logits_to_keep=1).logits
                while True:
                    step = logits[:, -1].argmax(-1)
                    keep = []
                    for position, (row, token) in enumerate(zip(alive, step.tolist())):
                        out[row].append(token)
                        if token not in stop_ids and len(out[row]) < decoding.max_tokens:
                            keep.append(position)
                    if not keep:
                        break
                    if len(keep) < len(alive):
                        selected = torch.tensor(keep)
                        cache.batch_select_indices(selected)
                        mask, step = mask[selected], step[selected]
                        alive = [alive[i] for i in keep]
                    mask = torch.cat([mask, mask.new_ones((len(alive), 1))], dim=-1)
                    logits = model(input_ids=step[:, None], attention_mask=mask, position_ids=mask.sum(-1, keepdim=True) - 1,
                                   past_key_values=cache, use_cache=True).logits
            for row in chunk:
                tokens = out[row]
                cut = next((k for k, t in enumerate(tokens) if t in stop_ids), len(tokens))
                texts[row] = tokenizer.decode(tokens[:cut], skip_special_tokens=True).strip()
    return texts


def replay(engine: Any, calls: list, hints: bool) -> tuple[list[float], list[list[str]]]:
    """Send the recorded generate calls again, in order, with or without the `continues`
    hint: (seconds per call, replies per call)."""
    engine.kept.clear()
    seconds, replies = [], []
    for requests, _ in calls:
        start = time.perf_counter()
        out = engine.generate(requests if hints else [replace(r, continues=False) for r in requests])
        seconds.append(time.perf_counter() - start)
        replies.append([c.text for c in out])
    return seconds, replies


class RecordingEngine:
    """Passes calls through to an engine; keeps the generate requests and times them."""

    abilities: frozenset[str] = frozenset()

    def __init__(self, engine: Any) -> None:
        self.engine, self.calls, self.seconds = engine, [], 0.0

    @property
    def info(self) -> Any:
        return self.engine.info

    def generate(self, requests):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        out = self.engine.generate(requests)
        self.seconds += time.perf_counter() - start
        self.calls.append((list(requests), [c.text for c in out]))
        return out

    def loglikelihood(self, requests):  # type: ignore[no-untyped-def]
        return self.engine.loglikelihood(requests)

    def loglikelihood_rolling(self, requests):  # type: ignore[no-untyped-def]
        return self.engine.loglikelihood_rolling(requests)

    def close(self) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suites", default=str(REPO / "suites"))
    parser.add_argument("--full", action="store_true", help="full suites instead of the quick subsets")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()

    import torch
    from transformers import AutoModelForCausalLM

    from capcheck import checkpoint as checkpoints
    from capcheck.engines import EngineConfig, load_engine
    from capcheck.plan import run_suites
    from capcheck.suite import case_kinds
    from capcheck.suites_loader import load_suite_files

    torch.set_num_threads(args.threads)
    suites = load_suite_files(Path(args.suites))
    if not args.full:
        suites = [s.quick() for s in suites]
    checkpoint = checkpoints.resolve(None)
    engine = load_engine("hf", checkpoint, EngineConfig(batch_size=args.batch_size, threads=args.threads))
    recorder = RecordingEngine(engine)
    run_suites([s for s in suites if case_kinds(s) & {"completion", "conversation"}], recorder)
    before, before_replies = replay(engine, recorder.calls, hints=False)
    engine.kept.reused_tokens = 0
    after, after_replies = replay(engine, recorder.calls, hints=True)
    same_turns = sum(a == b for x, y in zip(before_replies, after_replies) for a, b in zip(x, y))
    print("engine calls (the first holds the completions and first turns; then one per turn wave):")
    print(f"  history prefilled again: {' '.join(f'{t:.1f}' for t in before)} s, {sum(before):.1f} s in all")
    print(f"  kept caches continued:   {' '.join(f'{t:.1f}' for t in after)} s, {sum(after):.1f} s in all "
          f"(ratio {sum(after) / sum(before):.3f}; waves after the first {sum(after[1:]) / sum(before[1:]):.3f})")
    print(f"  prompt tokens reused: {engine.kept.reused_tokens}, kept at most {engine.kept.peak_bytes / 2**20:.0f} MiB; "
          f"identical replies: {same_turns}/{sum(map(len, after_replies))}")
    reference = AutoModelForCausalLM.from_pretrained(checkpoint.model, dtype=torch.float32, attn_implementation="sdpa").eval()
    start = time.perf_counter()
    same = total = 0
    for requests, texts in recorder.calls:
        ref = reference_generate(reference, engine.tokenizer, requests, args.batch_size, engine._stop_ids)
        same += sum(a == b for a, b in zip(texts, ref))
        total += len(texts)
    ref_seconds = time.perf_counter() - start
    print(f"generation requests: {total} in {len(recorder.calls)} engine calls ({'full' if args.full else 'quick'} suites), "
          f"{args.threads} thread(s), batch size {args.batch_size}")
    print(f"hf engine (refilled stream) {recorder.seconds:.1f}s, batch-at-a-time reference {ref_seconds:.1f}s")
    print(f"ratio engine/reference: {recorder.seconds / ref_seconds:.3f}; identical replies: {same}/{total}")


if __name__ == "__main__":
    main()

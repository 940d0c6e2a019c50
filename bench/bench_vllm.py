"""Wall time of the same greedy chat requests through capcheck's vllm engine, bare vLLM and the hf engine.

    .venv-vllm/bin/python bench/bench_vllm.py [--n 32] [--max-tokens 64] [--startup]

Bare vLLM is one `LLM.generate` on the engine's own `LLM`, with the same token ids and
equivalent SamplingParams, so capcheck-vllm / bare-vllm is capcheck's overhead
(rendering, tokenizing, decoding). hf / capcheck-vllm is what vLLM buys over the
transformers engine. `--startup` also times an engine start with enforce_eager off
(torch.compile). Each generation is run `--repeat` times; the best time counts.
"""
from __future__ import annotations

import argparse
import time
from typing import Callable, TypeVar

from capcheck.checkpoint import resolve
from capcheck.engines import EngineConfig
from capcheck.requests import Decoding, GenerateRequest, LoglikelihoodRequest, RollingRequest, chat

T = TypeVar("T")

SUBJECTS = ["the sea", "a library", "winter", "a bicycle", "the moon", "bread", "a garden", "trains"]
ASKS = [
    "Write two sentences about {}.",
    "Give three facts about {}.",
    "Describe {} to a child.",
    "What is one common use of {}?",
]


def requests(n: int, max_tokens: int) -> list[GenerateRequest]:
    questions = [ask.format(subject) for ask in ASKS for subject in SUBJECTS]
    decoding = Decoding(max_tokens=max_tokens)
    return [GenerateRequest(chat(("user", questions[i % len(questions)])), decoding) for i in range(n)]


def best_of(repeat: int, run: Callable[[], T]) -> tuple[float, T]:
    best, result = timed(run)
    for _ in range(repeat - 1):
        seconds, result = timed(run)
        best = min(best, seconds)
    return best, result


def timed(make: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    made = make()
    return time.perf_counter() - start, made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=32)
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--dtype", default="float32")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--startup", action="store_true", help="also time a start without enforce_eager")
    args = parser.parse_args()

    from vllm import SamplingParams
    from vllm.inputs import TokensPrompt

    from capcheck.engines import prompts
    from capcheck.engines.hf import HFEngine
    from capcheck.engines.vllm import VLLMEngine

    checkpoint = resolve(None)
    reqs = requests(args.n, args.max_tokens)
    start_s, engine = timed(lambda: VLLMEngine(checkpoint, EngineConfig(dtype=args.dtype)))
    print(f"vllm engine start (enforce_eager on): {start_s:.1f}s")

    ids = [TokensPrompt(prompt_token_ids=prompts.prompt_ids(engine.tokenizer, r.prompt)) for r in reqs]
    bare_params = SamplingParams(temperature=0.0, max_tokens=args.max_tokens, stop_token_ids=engine._stop_ids)
    bare_s, bare_out = best_of(args.repeat, lambda: engine._llm.generate(ids, bare_params, use_tqdm=False))
    ours_s, ours = best_of(args.repeat, lambda: engine.generate(reqs))
    tokens = sum(c.n_tokens for c in ours)
    same = sum(
        str(engine.tokenizer.decode(list(o.outputs[0].token_ids), skip_special_tokens=True)).strip() == c.text
        for o, c in zip(bare_out, ours)
    )
    # Scoring agreement on the replies themselves: as a continuation of their chat, and rolling.
    scoring = [LoglikelihoodRequest(r.prompt, c.text) for r, c in zip(reqs, ours) if c.text]
    rolling = [RollingRequest(c.text) for c in ours if c.text]
    score_s, vllm_scores = timed(lambda: engine.loglikelihood(scoring) + engine.loglikelihood_rolling(rolling))
    engine.close()

    hf_start, hf = timed(lambda: HFEngine(checkpoint, EngineConfig(dtype=args.dtype, batch_size=args.n)))
    hf_s, hf_out = best_of(1, lambda: hf.generate(reqs))
    hf_same = sum(a.text == b.text for a, b in zip(hf_out, ours))
    hf_score_s, hf_scores = timed(lambda: hf.loglikelihood(scoring) + hf.loglikelihood_rolling(rolling))
    hf.close()

    print(f"{args.n} chat prompts, {args.max_tokens} tokens max, greedy, {args.dtype}; {tokens} tokens generated")
    print(f"  bare vLLM LLM.generate : {bare_s:7.2f}s")
    print(f"  capcheck vllm engine   : {ours_s:7.2f}s   (same text as bare: {same}/{args.n})")
    print(f"  capcheck hf engine     : {hf_s:7.2f}s   (same text as vllm: {hf_same}/{args.n}; start {hf_start:.1f}s)")
    print(f"  capcheck-vllm / bare-vllm = {ours_s / bare_s:.3f}")
    print(f"  hf / capcheck-vllm        = {hf_s / ours_s:.2f}")
    per_token = [abs(a.logprob - b.logprob) / a.n_tokens for a, b in zip(vllm_scores, hf_scores)]
    scored = sum(a.n_tokens for a in vllm_scores)
    print(f"scoring {len(scoring)} replies + {len(rolling)} rolling ({scored} tokens): vllm {score_s:.2f}s, "
          f"hf {hf_score_s:.2f}s; |vllm - hf| per token max {max(per_token):.2e}, "
          f"mean {sum(per_token) / len(per_token):.2e}; same n_tokens "
          f"{sum(a.n_tokens == b.n_tokens for a, b in zip(vllm_scores, hf_scores))}/{len(per_token)}; "
          f"same is_greedy {sum(a.is_greedy == b.is_greedy for a, b in zip(vllm_scores, hf_scores))}/{len(per_token)}")

    if args.startup:
        config = EngineConfig(dtype=args.dtype, extra={"enforce_eager": False})
        compiled_s, compiled = timed(lambda: VLLMEngine(checkpoint, config))
        first_s, _ = timed(lambda: compiled.generate(reqs[:1]))
        compiled_gen_s, _ = best_of(args.repeat, lambda: compiled.generate(reqs))
        compiled.close()
        print(f"vllm engine start (enforce_eager off): {compiled_s:.1f}s; first request {first_s:.1f}s; "
              f"the {args.n} prompts {compiled_gen_s:.2f}s (eager: {ours_s:.2f}s)")


if __name__ == "__main__":  # vLLM's CPU workers are spawned: they re-import this module
    main()
